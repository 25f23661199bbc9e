// Reading a unix mailbox (formats-flat.md 2.4-2.7): splitting, separators,
// header processing and its warnings, the pseudo-message and the UID rules.
// Each expectation was checked against the real c-client (ccdump).
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newScanState } from '../../../src/drivers/berkeley/header.js';
import { BerkeleyMessageRecord as UnixMessageRecord } from '../../../src/drivers/berkeley/record.js';
import { scanMessages } from '../../../src/drivers/berkeley/scan.js';
import { unixFraming } from '../../../src/drivers/unix/framing.js';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { sharedDir } from '../../helpers/paths.js';
import { PINNED, dump, localRef, readMailbox, tempDir, testContext } from './helpers.js';

const F1 = 'From a Wed Dec  2 05:53:22 1992';
const F2 = 'From b Wed Dec  2 05:53:22 1992';
const texts = async (content: string): Promise<string[]> => (await readMailbox(content)).messages.map((m) => m.text);

describe('splitting (2.4)', () => {
  it('starts a message at every valid From_ line, blank line before it or not', async () => {
    expect(await texts(`${F1}\nA: 1\n\none\n${F2}\nB: 2\n\ntwo\n`)).toEqual(['A: 1\r\n\r\none\r\n', 'B: 2\r\n\r\ntwo\r\n']);
  });

  it('keeps a line starting "From " that is not a From_ line in the body', async () => {
    expect(await texts(`${F1}\nA: 1\n\nFrom the start, invalid\n`)).toEqual(['A: 1\r\n\r\nFrom the start, invalid\r\n']);
  });

  it('removes exactly one empty line (LF or CR LF) before the next From_ line or the end', async () => {
    expect(await texts(`${F1}\n\nbody1\n\n${F2}\n\nbody2\n\n\n`)).toEqual(['\r\nbody1\r\n', '\r\nbody2\r\n\r\n']);
    expect(await texts(`${F1}\n\nbody1\r\n\r\n${F2}\n\nbody2\r\n\r\n\r\n`)).toEqual(['\r\nbody1\r\n', '\r\nbody2\r\n\r\n']);
  });

  it('does not take the empty line that ends the header as a separator', async () => {
    const r = await readMailbox(`${F1}\nA: 1\n\n${F2}\nB: 2\n\n\n`);
    expect(r.messages.map((m) => [m.text, m.size])).toEqual([['A: 1\r\n\r\n', 8], ['B: 2\r\n\r\n', 8]]);
  });

  it('keeps the unterminated last line of the last message', async () => {
    const r = await readMailbox(`${F1}\n\nx\n${F2}\n\nlast line`);
    expect(r.messages.map((m) => [m.text, m.size])).toEqual([['\r\nx\r\n', 5], ['\r\nlast line', 11]]);
  });

  it('ignores Content-Length and never unquotes >From', async () => {
    const r = await texts(`${F1}\nContent-Length: 3\n\nabc\n${F2}\n\n>From me\n`);
    expect(r).toEqual(['Content-Length: 3\r\n\r\nabc\r\n', '\r\n>From me\r\n']);
  });

  it('does not split inside a header: c-client reads it to the first empty line', async () => {
    expect(await texts(`${F1}\nA: 1\n${F2}\nB: 2\n\nbody\n`)).toEqual([`A: 1\r\n${F2}\r\nB: 2\r\n\r\nbody\r\n`]);
  });

  it('skips CR, LF, SP and TAB before the first From_ line', async () => {
    expect(await texts(`\n\n  \t\n${F1}\n\nx\n`)).toEqual(['\r\nx\r\n']);
  });

  it('drops every CR, doubles no CRLF, and keeps NUL bytes', async () => {
    const r = await readMailbox(`${F1}\r\nA: 1\r\n\r\nab\rcd\r\r\nnul:\0:end\n`);
    expect(r.messages.map((m) => [m.text, m.size])).toEqual([['A: 1\r\n\r\nabcd\r\nnul:\0:end\r\n', 25]]);
  });

  it('converts texts of very short lines (more line ends than the first guess of room)', async () => {
    const body = 'a\n\n'.repeat(3000);
    const r = await readMailbox(`${F1}\nA: 1\n\n${body}${F2}\n\n${'\n'.repeat(5000)}`);
    const first = `A: 1\r\n\r\n${'a\r\n\r\n'.repeat(2999)}a\r\n`;
    const second = `\r\n${'\r\n'.repeat(4999)}`;
    expect(r.messages.map((m) => [m.text, m.size])).toEqual([[first, first.length], [second, second.length]]);
  });

  it('counts an unterminated header line as c-client does, with the LF its filter adds', async () => {
    const r = await readMailbox(`${F1}\nSubject: x`);
    expect(r.messages.map((m) => [m.text, m.size])).toEqual([['Subject: x\n', 11]]);
  });

  it('finds the same messages whatever the chunk size (messages spanning chunks)', async () => {
    const file = path.join(sharedDir(), 'corpus', 'golden', 'source.mbox');
    const all = async (chunkSize: number): Promise<[number, number, string][]> => {
      const fd = fs.openSync(file, 'r');
      try {
        const out: [number, number, string][] = [];
        const state = newScanState();
        const scan = scanMessages(unixFraming, {
          fd, from: 0, to: fs.fstatSync(fd).size, name: 'x', state, now: PINNED, warn: () => {}, chunkSize,
          mtime: PINNED, note: () => {}, lenient: false,
        });
        for await (const m of scan) {
          const r = new UnixMessageRecord({
            seq: m.msgno, uid: m.info.uid, internalDate: m.date, flags: m.info.flags, keywords: [],
            recent: m.info.recent, position: m.end, headerSize: m.info.size, data: m.data,
            fromLength: m.fromLength, headerLength: m.headerLength,
          });
          out.push([m.start, r.size, (await r.text()).toString('latin1')]);
        }
        return out;
      } finally {
        fs.closeSync(fd);
      }
    };
    const whole = await all(1 << 20);
    expect(whole.length).toBe(14);
    for (const size of [1, 7, 64, 1000]) expect(await all(size)).toEqual(whole);
  });
});

describe('header processing (2.5)', () => {
  it('takes R O D F A T from both Status: and X-Status:, ignoring other letters', async () => {
    const r = await readMailbox(`${F1}\nStatus: RDFAT\n\nx\n${F2}\nX-Status: RO U\n\ny\n${F1}\n\nz\n`);
    expect(r.messages.map((m) => [m.flags, m.recent])).toEqual([
      [['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'], true],
      [['\\Seen'], false],
      [[], true],
    ]);
  });

  it('hides the six headers in their exact spelling and leaves them out of the size', async () => {
    const r = await readMailbox(`${F1}\nX-IMAPbase: 10 20\nStatus: O\nX-Status: F\nX-Keywords:\nX-UID: 21\nA: 1\n\nx\n`);
    expect(r.messages.map((m) => [m.text, m.size, m.uid])).toEqual([['A: 1\r\n\r\nx\r\n', 11, 21]]);
    expect(r.warnings).toEqual([]);
  });

  it('discards wrong-case ones with c-client\'s warning, numbering messages from the pseudo-message', async () => {
    const pseudo = `From MAILER-DAEMON Wed Dec  2 05:53:22 1992\nX-IMAP: 100 0000000000\n\nbody\n`;
    const r = await readMailbox(`${pseudo}${F1}\nstatus: RO\nX-STATUS: F\nX-Uid: 5\nStatus : R\nA: 1\n\nx\n`);
    expect(r.warnings).toEqual([
      'Discarding bogus status header in message 2',
      'Discarding bogus X-STATUS header in message 2',
      'Discarding bogus X-Uid header in message 2',
      'Discarding bogus Status header in message 2',
    ]);
    expect(r.messages.map((m) => [m.text, m.flags, m.recent, m.uid])).toEqual([['A: 1\r\n\r\nx\r\n', [], true, 1]]);
  });

  it('drops a continuation after a metadata line with a warning showing at most 80 bytes', async () => {
    const long = ` ${'c'.repeat(100)}`;
    const r = await readMailbox(`${F1}\nX-Keywords: a\n b-cont\n\tc-cont\nA: 1\n cont kept\nstatus: R\n${long}\n\nx\n`);
    expect(r.warnings).toEqual([
      'Discarding bogus continuation in msg 1:  b-cont',
      'Discarding bogus continuation in msg 1: \tc-cont',
      'Discarding bogus status header in message 1',
      `Discarding bogus continuation in msg 1: ${long.slice(0, 80)}`,
    ]);
    expect(r.messages[0]!.text).toBe('A: 1\r\n cont kept\r\n\r\nx\r\n');
  });

  it('treats metadata-looking lines in the body as text', async () => {
    expect(await texts(`${F1}\nA: 1\n\nStatus: in body\nX-UID: 7\n`)).toEqual(['A: 1\r\n\r\nStatus: in body\r\nX-UID: 7\r\n']);
  });

  it('counts only keywords the mailbox declares, matched in any case, named as declared', async () => {
    const r = await readMailbox(`${F1}\nX-IMAPbase: 10 0 Work $Label1\nX-Keywords: work unknown $LABEL1\n\nx\n`);
    expect(r.messages[0]!.keywords).toEqual(['Work', '$Label1']);
    expect(r.meta.keywords).toEqual(['Work', '$Label1']);
  });

  it('reads X-Keywords against the list known at that line (X-IMAPbase after it does not count yet)', async () => {
    const r = await readMailbox(`${F1}\nX-Keywords: k1\nX-IMAPbase: 100 5 k1\n\nx\n${F2}\nX-Keywords: k1\n\ny\n`);
    expect(r.messages.map((m) => m.keywords)).toEqual([[], ['k1']]);
  });

  it('turns a NUL in a header name into a space, as c-client\'s filter does', async () => {
    expect(await texts(`${F1}\nSub\0ject: x\nTo: y\n\nb\0dy\n`)).toEqual(['Sub ject: x\r\nTo: y\r\n\r\nb\0dy\r\n']);
  });
});

describe('pseudo-message and UIDs (2.6, 2.7)', () => {
  const PSEUDO = 'From MAILER-DAEMON Wed Dec  2 05:53:22 1992\nX-IMAP: 1000 0000000010 work\nX-UID: 3\n\npseudo\n\n';

  it('hides a first message with X-IMAP and a non-zero validity and takes the mailbox data from it', async () => {
    const r = await readMailbox(`${PSEUDO}${F2}\nX-UID: 2\nX-Keywords: WORK\n\ntwo\n`);
    expect(r.meta).toEqual({ uidValidity: 1000, uidLast: 10, keywords: ['work'] });
    expect(r.messages.map((m) => [m.uid, m.keywords, m.text])).toEqual([[2, ['work'], '\r\ntwo\r\n']]);
    expect(r.warnings).toEqual([]);
    expect(r.notes).toEqual([]);
  });

  it('shows an X-IMAP: 0 "pseudo-message" as an ordinary message', async () => {
    const r = await readMailbox(`From MAILER-DAEMON Wed Dec  2 05:53:22 1992\nX-IMAP: 0 0000000010\n\np\n\n${F2}\n\ntwo\n`);
    expect(r.messages.map((m) => m.uid)).toEqual([1, 2]);
    expect(r.meta.uidValidity).toBe(1793840523);
    expect(r.notes).toEqual(['Assigning new unique identifiers to all messages']);
  });

  it('numbers a mailbox without mailbox data from 1 under a new validity', async () => {
    const r = await readMailbox(`${F1}\nX-UID: 50\n\none\n${F2}\n\ntwo\n`);
    expect(r.meta).toEqual({ uidValidity: 1793840523, uidLast: 2, keywords: [] });
    expect(r.messages.map((m) => m.uid)).toEqual([1, 2]);
    expect(r.notes).toEqual(['Assigning new unique identifiers to all messages']);
  });

  it('renumbers from the error on: UIDs 4, 3, none with last 5 become 4, 6, 7 under a new validity', async () => {
    const r = await readMailbox(
      `${F1}\nX-IMAPbase: 100 5\nX-UID: 4\n\none\n\n${F2}\nX-UID: 3\n\ntwo\n\n${F1}\nX-UID: 9\n\nthree\n`,
    );
    expect(r.messages.map((m) => m.uid)).toEqual([4, 6, 7]);
    expect(r.warnings).toEqual(['Message 2 UID 3 less than 5']);
    expect(r.notes).toEqual(['Assigning new unique identifiers to all messages']);
    expect(r.meta.uidValidity).toBe(1793840523);
    expect(r.meta.uidLast).toBe(7);
  });

  it('warns about a second X-UID in one message, numbering without the pseudo-message', async () => {
    const r = await readMailbox(`${PSEUDO}${F1}\nX-UID: 4\nX-UID: 6\n\none\n${F2}\nX-UID: 9\n\ntwo\n`);
    expect(r.warnings).toEqual(['Message 1 UID 6 already has UID 4']);
    expect(r.messages.map((m) => m.uid)).toEqual([11, 12]);
  });

  it('takes an X-UID without digits as UID 0, which is "less than" the next', async () => {
    const r = await readMailbox(`${F1}\nX-IMAPbase: 7 5\nX-UID: abc\n\nx\n`);
    expect(r.warnings).toEqual(['Message 1 UID 0 less than 1']);
    expect(r.messages.map((m) => m.uid)).toEqual([6]);
  });

  it('accepts an X-UID above the recorded last UID and raises it', async () => {
    const r = await readMailbox(`${F1}\nX-IMAPbase: 7 5\nX-UID: 9\n\nx\n${F2}\n\ny\n`);
    expect(r.messages.map((m) => m.uid)).toEqual([9, 10]);
    expect(r.meta).toMatchObject({ uidValidity: 7, uidLast: 10 });
  });

  it('ignores X-IMAP and X-IMAPbase after the first message, and X-UID in the pseudo-message', async () => {
    const r = await readMailbox(`${F1}\nX-IMAPbase: 7 5\n\nx\n${F2}\nX-IMAP: 9 9\nX-IMAPbase: 9 9\n\ny\n`);
    expect(r.meta).toMatchObject({ uidValidity: 7, uidLast: 7 });
    expect(r.messages.map((m) => [m.uid, m.text])).toEqual([[6, '\r\nx\r\n'], [7, '\r\ny\r\n']]);
  });

  it('gives an empty file no messages, a fresh validity and no note', async () => {
    const r = await readMailbox('');
    expect(r.messages).toEqual([]);
    expect(r.meta).toEqual({ uidValidity: 1793840523, uidLast: 0, keywords: [] });
    expect(r.notes).toEqual([]);
  });

  it('gives the same answers read-write', async () => {
    const content = `${F1}\nX-IMAPbase: 100 5\nX-UID: 4\n\none\n\n${F2}\nX-UID: 3\n\ntwo\n`;
    const ro = await readMailbox(content, 'read');
    const rw = await readMailbox(content, 'write');
    expect(rw.messages).toEqual(ro.messages);
    expect(rw.warnings).toEqual(ro.warnings);
    expect(rw.notes).toEqual(ro.notes);
  });

  it('warns once even when the messages are read twice', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, `${F1}\nstatus: R\n\nx\n`);
    const ctx = testContext();
    const box = await unixDriver.open(localRef(file), 'read', ctx);
    await dump(box);
    await dump(box);
    await box.close();
    expect(ctx.warnings).toEqual(['Discarding bogus status header in message 1']);
    fs.rmSync(dir, { recursive: true });
  });
});
