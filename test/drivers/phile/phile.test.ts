// phile: any other non-empty file read as one read-only message, with the
// header and body c-client synthesises (formats-flat.md 7).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classify, phileText } from '../../../src/drivers/phile/message.js';
import { NotAMailbox, ReadOnlyMailbox } from '../../../src/errors.js';
import { copyMailbox } from '../../../src/ops/copy.js';
import { detect, openMailbox } from '../../../src/store/index.js';
import { localRef, recordingContext } from '../../helpers/store.js';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'phile-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const base = { path: '/home/user/t/junk', owner: 'user', host: 'host', mtimeMs: Date.UTC(2021, 2, 4, 5, 6, 7), zone: 0 };
const header = (type: string, encoding?: string): string =>
  'Date: Thu, 4 Mar 2021 05:06:07 +0000\r\nFrom: user@host\r\nSubject: /home/user/t/junk\r\nMIME-Version: 1.0\r\n' +
  `Content-Type: ${type}\r\n${encoding ? `Content-Transfer-Encoding: ${encoding}\r\n` : ''}\r\n`;

describe('the synthesised message', () => {
  it('is US-ASCII text with LF made CRLF', () => {
    const t = phileText({ ...base, data: Buffer.from('not a mailbox,\njust text\n') });
    expect(t.toString('latin1')).toBe(`${header('TEXT/PLAIN; charset=US-ASCII')}not a mailbox,\r\njust text\r\n`);
  });

  it('is 8-bit text of unknown charset when a byte is above 0x7f', () => {
    const t = phileText({ ...base, data: Buffer.from('caf\xe9\n', 'latin1') });
    expect(t.toString('latin1')).toBe(`${header('TEXT/PLAIN; charset=X-UNKNOWN', '8BIT')}caf\xe9\r\n`);
  });

  it('passes a file with any CR through unchanged', () => {
    const t = phileText({ ...base, data: Buffer.from('a\r\nb\nc') });
    expect(t.toString('latin1').endsWith('\r\n\r\na\r\nb\nc')).toBe(true);
  });

  it('is base64 application/octet-stream, in 60-column lines as c-client writes them, for binary data', () => {
    const data = Buffer.from(Array.from({ length: 100 }, (_, i) => i));
    const t = phileText({ ...base, data }).toString('latin1');
    const b64 = data.toString('base64');
    expect(t).toBe(`${header('APPLICATION/OCTET-STREAM; name=junk', 'BASE64')}${b64.slice(0, 60)}\r\n${b64.slice(60, 120)}\r\n${b64.slice(120)}\r\n`);
  });

  it.each([
    ['\x1b$B', 'ISO-2022-JP'], ['\x1b$@', 'ISO-2022-JP'], ['\x1b$)C', 'ISO-2022-KR'],
    ['\x1b$)A', 'ISO-2022-CN'], ['\x1b$*H', 'ISO-2022-CN'], ['\x1b$+K', 'ISO-2022-CN'], ['\x1b(B', 'US-ASCII'],
  ])('names the charset of an escape sequence %j as %s', (esc, charset) => {
    expect(classify(Buffer.from(`x${esc}y\n`, 'latin1')).charset).toBe(charset);
  });
});

describe('the phile driver', () => {
  it('claims a non-empty file no other format claims, and reads it as one recent message', async () => {
    fs.writeFileSync(path.join(home, 'junk'), 'just text\n');
    const found = await detect(path.join(home, 'junk'));
    expect(found.kind === 'mailbox' && found.driver.format).toBe('phile');
    const { ctx } = recordingContext();
    const box = await openMailbox(localRef(home, 'junk'), 'read', ctx);
    const all = [];
    for await (const m of box.messages()) all.push(m);
    expect(all.map((m) => [m.uid, m.recent, m.flags])).toEqual([[1, true, []]]);
    expect((await all[0]!.text()).toString('latin1')).toMatch(/^Date: .*\r\nSubject: .*junk\r\n.*\r\n\r\njust text\r\n$/s);
    await expect(box.append((async function* () {})())).rejects.toBeInstanceOf(NotAMailbox);
    await expect(box.expunge()).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await box.close();
  });

  it('can be copied out but not moved out (it cannot be changed)', async () => {
    fs.writeFileSync(path.join(home, 'junk'), 'just text\n');
    const { ctx } = recordingContext();
    await expect(copyMailbox(localRef(home, 'junk'), localRef(home, 'out', { createFormat: 'mbx' }), ctx, { mode: 'move' }))
      .rejects.toThrow(/can't move from junk/);
    expect(fs.existsSync(path.join(home, 'out'))).toBe(false);
    const r = await copyMailbox(localRef(home, 'junk'), localRef(home, 'out', { createFormat: 'mbx' }), ctx, { mode: 'copy' });
    expect(r.copied).toBe(1);
  });
});
