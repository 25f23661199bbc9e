// Reading MH folders as c-client reads them (formats-dir.md 4): the golden
// folders mailutil wrote, with the file times EXPECTED.json records; LF text
// in CRLF form with c-client's size rule; \Seen from atime > mtime, and a
// read that does not flip it for the next reader; UIDs = file numbers, UID
// validity = time of open; names (#mh/, #mhinbox, a plain name inside the
// root) and what the store takes for an MH folder.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hasBareCr, toCrlf, withoutCr } from '../../../src/drivers/shared/crlf.js';
import { mhDriver } from '../../../src/drivers/mh/index.js';
import { MailboxNotFound, NotAMailbox } from '../../../src/errors.js';
import { formatInternalDate } from '../../../src/mail/dates.js';
import { inspect, openMailbox } from '../../../src/store/index.js';
import { goldenDiffs, loadExpected } from '../../interop/golden.js';
import {
  collect, context, copyGolden, mhHome, mhRef, PINNED, writeMh,
} from './helpers.js';

process.env.TZ = 'UTC';

describe('text', () => {
  it('c-client\'s size rule: LF counts 2, CRLF 2, a lone CR 1 (the spec\'s 145-byte, 7-line file is 152)', () => {
    const file = Buffer.from('Date: Wed, 22 Nov 2023 10:11:00 -0800\nFrom: Alice <alice@example.com>\nTo: bob@example.org\n'
      + 'Subject: one\nMessage-ID: <one@example.com>\n\nHello one.\n');
    expect(file.length).toBe(145);
    expect(toCrlf(file).length).toBe(152);
    expect(toCrlf(Buffer.from('a\r\nb\rc\nd\r')).toString()).toBe('a\r\nb\rc\r\nd\r');
    expect(toCrlf(Buffer.from('\n\n')).toString()).toBe('\r\n\r\n');
  });

  it('appending drops every CR and says when one did not end a line', () => {
    // what the mh driver's append stores, and whether it reports a lost CR
    const appended = (text: Buffer) => ({ data: withoutCr(text), bareCr: hasBareCr(text) });
    expect(appended(Buffer.from('a\r\nb\r\n'))).toEqual({ data: Buffer.from('a\nb\n'), bareCr: false });
    expect(appended(Buffer.from('a\rb\r\r\n'))).toEqual({ data: Buffer.from('ab\n'), bareCr: true });
    expect(appended(Buffer.from('no cr'))).toEqual({ data: Buffer.from('no cr'), bareCr: false });
  });
});

describe.each(['mh', 'mh-pruned'])('golden %s', (name) => {
  it('reads as EXPECTED.json when the files were read after they were written (atime > mtime)', async () => {
    const { home, root } = mhHome();
    copyGolden(name, root, 3600);
    const { ctx, warnings } = context();
    const mb = await openMailbox(mhRef(home, `#mh/${name}`), 'read', ctx);
    expect(mb.format).toBe('mh');
    const messages = await collect(mb.messages());
    const dump = { meta: mb.meta, messages };
    expect(goldenDiffs(dump, (await loadExpected())[name]!)).toEqual([]);
    expect(messages.every((m) => !m.recent)).toBe(true);
    expect(warnings).toEqual([]);
  });

  it('reads every message unseen when no file was read after it was written, and leaves them so', async () => {
    const { home, root } = mhHome();
    const dir = copyGolden(name, root, 0);
    const times = (): string[] => fs.readdirSync(dir).sort().map((e) => {
      const st = fs.statSync(path.join(dir, e));
      return `${e}:${st.atimeMs}:${st.mtimeMs}`;
    });
    const before = times();
    for (let pass = 0; pass < 2; pass++) {
      const mb = await openMailbox(mhRef(home, `#mh/${name}`), 'read', context().ctx);
      const flags = (await collect(mb.messages())).map((m) => m.flags);
      expect(flags.every((f) => f.length === 0)).toBe(true);
    }
    expect(times()).toEqual(before);
  });
});

describe('open', () => {
  it('UIDs are the file numbers, the UID validity is the time of open, dates are mtimes in UTC', async () => {
    const { home, root } = mhHome();
    writeMh(path.join(root, 'box'), {
      3: { text: 'Subject: three\n\nx\n', mtime: 1700000000 },
      10: { text: 'Subject: ten\n\ny\n', mtime: 1700000100, atime: 1600000000 },
    });
    const mb = await mhDriver.open(mhRef(home, '#mh/box'), 'read', context().ctx);
    expect(mb.meta).toEqual({ uidValidity: Math.floor(PINNED.getTime() / 1000), uidLast: 10, keywords: [] });
    const seen = await collect(mb.messages());
    expect(seen.map((m) => [m.uid, m.internalDate, m.flags, m.size, m.text.toString()])).toEqual([
      [3, formatInternalDate({ ms: 1700000000_000, zone: 0 }), ['\\Seen'], 21, 'Subject: three\r\n\r\nx\r\n'],
      [10, formatInternalDate({ ms: 1700000100_000, zone: 0 }), [], 19, 'Subject: ten\r\n\r\ny\r\n'],
    ]);
    expect(mb.byteSize).toBe(18 + 16);
  });

  it('a text read as it is stored (CRLF already, or no line end) stays intact while later files are read', async () => {
    // every file is read into one reused buffer: a text that needs no CR must not be a view of it
    const { home, root } = mhHome();
    const texts = ['Subject: one\r\n\r\nfirst\r\n', 'Subject: two\r\n\r\nthe second, a longer one\r\n', 'x'];
    writeMh(path.join(root, 'box'), Object.fromEntries(texts.map((text, i) => [i + 1, { text, mtime: 1700000000 + i }])));
    const mb = await mhDriver.open(mhRef(home, '#mh/box'), 'read', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.text.toString('latin1'))).toEqual(texts);
  });

  it('files that arrive after the open are \\Recent and not judged by their times', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'a\n', mtime: 1700000000 } });
    const mb = await mhDriver.open(mhRef(home, '#mh/box'), 'read', context().ctx);
    writeMh(dir, { 2: { text: 'b\n', mtime: 1700000000 } });
    expect((await collect(mb.messages())).map((m) => [m.uid, m.recent, m.flags])).toEqual([[1, false, ['\\Seen']], [2, true, []]]);
  });

  it('ignores other entries; a numbered directory is warned of once', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'a\n', mtime: 1700000000 }, '007': { text: 'b\n', mtime: 1700000000 } });
    fs.mkdirSync(path.join(dir, '2'));
    fs.writeFileSync(path.join(dir, '.mh_sequences'), 'unseen: 1\n');
    const { ctx, warnings } = context();
    const mb = await mhDriver.open(mhRef(home, '#mh/box'), 'read', ctx);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1]);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1]);
    expect(warnings).toEqual(['#mh/box: ignoring 2, which is not a regular file']);
  });

  it('a missing folder is not found; a file is not an MH folder', async () => {
    const { home, root } = mhHome();
    await expect(openMailbox(mhRef(home, '#mh/nothing'), 'read', context().ctx)).rejects.toThrow(MailboxNotFound);
    fs.writeFileSync(path.join(root, 'file'), 'From x\n');
    await expect(openMailbox(mhRef(home, '#mh/file'), 'read', context().ctx)).rejects.toThrow(NotAMailbox);
  });
});

describe('which directories are MH folders (c-client\'s mh_isvalid)', () => {
  it('a #mh/ name\'s directory is, whatever it holds; #mhinbox is ROOT/inbox', async () => {
    const { home, root } = mhHome();
    fs.mkdirSync(path.join(root, 'looks-mx'));
    fs.writeFileSync(path.join(root, 'looks-mx', '.mxindex'), '');
    expect((await inspect(mhRef(home, '#mh/looks-mx'))).found).toMatchObject({ kind: 'mailbox', driver: { format: 'mh' } });
    fs.mkdirSync(path.join(root, 'inbox'));
    expect((await inspect(mhRef(home, '#mhinbox'))).found).toMatchObject({ kind: 'mailbox', driver: { format: 'mh' } });
  });

  it('a plain name inside the root is, unless a format before mh claims it; outside the root a directory is not', async () => {
    const { home, root } = mhHome();
    fs.mkdirSync(path.join(root, 'plain'));
    fs.mkdirSync(path.join(root, 'an-mx'));
    fs.writeFileSync(path.join(root, 'an-mx', '.mxindex'), '');
    fs.mkdirSync(path.join(home, 'elsewhere'));
    expect((await inspect(mhRef(home, 'Mail/plain'))).found).toMatchObject({ kind: 'mailbox', driver: { format: 'mh' } });
    expect((await inspect(mhRef(home, 'Mail/an-mx'))).found).toMatchObject({ kind: 'mailbox', driver: { format: 'mx' } });
    expect((await inspect(mhRef(home, 'elsewhere'))).found).toEqual({ kind: 'directory' });
    expect((await inspect(mhRef(home, 'Mail'))).found).toEqual({ kind: 'directory' });
  });

  it('no path alone is one, and LIST hides MH\'s own files', async () => {
    expect(await mhDriver.probe(mhHome().root)).toBe(false);
    expect(['1', '22', ',3', '.mh_sequences', '.mh_sequence'].every((e) => mhDriver.isInternal!(e))).toBe(true);
    expect(['child', '.hidden', 'a1'].some((e) => mhDriver.isInternal!(e))).toBe(false);
  });
});
