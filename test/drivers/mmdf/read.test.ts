// Reading an mmdf mailbox (formats-flat.md 3): recognition, the optional From_
// line and the file-time date, text up to the next delimiter with nothing
// removed, glued delimiters, stray lines between messages, header-only
// messages, and the unix header rules applied unchanged. Every expectation
// here is what the real c-client (ccdump) reported for the same bytes, except
// where a comment says mailsmith differs on purpose.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newScanState } from '../../../src/drivers/berkeley/header.js';
import { BerkeleyMessageRecord } from '../../../src/drivers/berkeley/record.js';
import { scanMessages } from '../../../src/drivers/berkeley/scan.js';
import { mmdfFraming } from '../../../src/drivers/mmdf/framing.js';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { CorruptMailbox } from '../../../src/errors.js';
import { sharedDir } from '../../helpers/paths.js';
import { D, PINNED, dump, localRef, mmdfMessage, readMmdf, tempDir, testContext } from './helpers.js';

const F1 = 'From a Wed Dec  2 05:53:22 1992';
const F2 = 'From b Wed Dec  2 05:53:22 1992';
const DEC2 = ' 2-Dec-1992 05:53:22 +0000';
/** The file time given to files without From_ lines, and the date c-client reads from it. */
const MTIME = new Date('2026-11-30T05:32:28Z');
const MTIME_DATE = '30-Nov-2026 05:32:28 +0000';

const texts = async (content: string): Promise<[string, number][]> =>
  (await readMmdf(content, 'read', MTIME)).messages.map((m) => [m.text, m.size]);

describe('recognition', () => {
  const dir = tempDir('mmdf-probe-');
  const probe = (name: string, bytes: string): Promise<boolean> => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.from(bytes, 'latin1'));
    return mmdfDriver.probe(file);
  };

  it('takes a file whose first five bytes are ^A^A^A^A LF, and nothing else', async () => {
    expect(await probe('ok', mmdfMessage(F1))).toBe(true);
    expect(await probe('blank-first', `\n${mmdfMessage(F1)}`)).toBe(false);
    expect(await probe('crlf', '\x01\x01\x01\x01\r\nFrom a\n')).toBe(false);
    expect(await probe('three', '\x01\x01\x01\n')).toBe(false);
    expect(await probe('unix', `${F1}\n\nbody\n`)).toBe(false);
    expect(await probe('empty', '')).toBe(false);
    expect(await mmdfDriver.probe(path.join(dir, 'missing'))).toBe(false);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('messages between delimiters', () => {
  it('reads a From_ line as the envelope, and dates a message without one by the file time in UTC', async () => {
    const r = await readMmdf(`${mmdfMessage(F1, 'Subject: one\n', 'body line\n')}${mmdfMessage(undefined, 'Subject: nofrom\n', 'body2\n')}`,
      'read', MTIME);
    expect(r.messages.map((m) => [m.internalDate, m.text, m.size])).toEqual([
      [DEC2, 'Subject: one\r\n\r\nbody line\r\n', 27],
      [MTIME_DATE, 'Subject: nofrom\r\n\r\nbody2\r\n', 26],
    ]);
    expect(r.warnings).toEqual([]);
  });

  it('keeps every byte before the closing delimiter: no separator line is removed', async () => {
    expect(await texts(mmdfMessage(F1, 'A: 1\n', 'body\n\n\n'))).toEqual([['A: 1\r\n\r\nbody\r\n\r\n\r\n', 18]]);
  });

  it('reads a file with one delimiter between messages as c-client does', async () => {
    const content = `${D}${F1}\nSubject: one\n\nbody\n${D}${F2}\nSubject: two\n\nbody2\n${D}`;
    expect(await texts(content)).toEqual([['Subject: one\r\n\r\nbody\r\n', 22], ['Subject: two\r\n\r\nbody2\r\n', 23]]);
  });

  it('makes stray lines between messages a message of their own (a blank line is 2 bytes)', async () => {
    const content = `${mmdfMessage(F1)}\n${mmdfMessage(F2)}junk line\n${D}`;
    const r = await readMmdf(content, 'read', MTIME);
    expect(r.messages.map((m) => [m.internalDate, m.text, m.size])).toEqual([
      [DEC2, 'Subject: x\r\n\r\nbody\r\n', 20],
      [MTIME_DATE, '\r\n', 2],
      [DEC2, 'Subject: x\r\n\r\nbody\r\n', 20],
      [MTIME_DATE, 'junk line\r\n', 11],
    ]);
  });

  it('joins stray lines up to the next delimiter into one message', async () => {
    expect(await texts(`${mmdfMessage(F1)}\njunk line\n${D}`)).toEqual([
      ['Subject: x\r\n\r\nbody\r\n', 20], ['\r\njunk line\r\n', 13],
    ]);
  });

  it('runs a last message without closing delimiter to the end of the file', async () => {
    expect(await texts(`${D}${F1}\nSubject: last\n\nno delim`)).toEqual([['Subject: last\r\n\r\nno delim', 25]]);
  });

  it('reads a header that a delimiter ends as a header-only message', async () => {
    const content = `${D}${F1}\nSubject: hdronly\n${D}${D}${F1}\nA: 1\nB: 2\n${D}${D}A: 1\nB: 2\n${D}`;
    expect(await texts(content)).toEqual([['Subject: hdronly\r\n', 18], ['A: 1\r\nB: 2\r\n', 12], ['A: 1\r\nB: 2\r\n', 12]]);
  });

  it('ends a message at a delimiter glued to the end of a line', async () => {
    // c-client reads the same texts, but the size it reports for such a message comes from a
    // buffer it has already refilled (usually one more than the text); mailsmith gives the text's
    const content = `${D}${F1}\nSubject: glued\n\nabcd${D}${D}${F2}\nA: b\n\nline\r${D}`;
    expect(await texts(content)).toEqual([['Subject: glued\r\n\r\nabcd', 22], ['A: b\r\n\r\nline', 12]]);
  });

  it('does not split a line of one byte followed by a delimiter (c-client splits only longer ones)', async () => {
    expect(await texts(`${D}${F1}\nA: 1\n\nx${D}more\n${D}`)).toEqual([[`A: 1\r\n\r\nx\x01\x01\x01\x01\r\nmore\r\n`, 21]]);
  });

  it('reads a delimiter where the first line was due as the header, counted in no size', async () => {
    // three delimiters in a row: a closing one, an opening one, and one more
    const content = `${mmdfMessage(F1, 'Subject: one\n')}${D}${D}${F2}\nSubject: two\n\nbody2\n${D}${mmdfMessage(F1, 'Subject: three\n', 'body3\n')}`;
    const r = await readMmdf(content, 'read', MTIME);
    expect(r.messages.map((m) => [m.internalDate, m.text, m.size])).toEqual([
      [DEC2, 'Subject: one\r\n\r\nbody\r\n', 22],
      [MTIME_DATE, `\x01\x01\x01\x01\r\n${F2}\r\nSubject: two\r\n\r\nbody2\r\n`, 56],
      [DEC2, 'Subject: three\r\n\r\nbody3\r\n', 25],
    ]);
  });

  it('finds the same messages whatever the chunk size (messages spanning chunks)', async () => {
    const tricky = `${mmdfMessage(F1, 'Subject: one\n', 'body line\n')}\n${mmdfMessage(undefined)}junk\n${D}` +
      `${D}${F1}\nSubject: glued\n\nabcd${D}${D}${F1}\nSubject: hdronly\n${D}${D}${F2}\nA: 1\n\nx${D}more\n${D}` +
      `${D}${D}${F2}\nSubject: two\n\nbody2\n${D}${D}${F1}\nSubject: last\n\nno delim`;
    const golden = fs.readFileSync(path.join(sharedDir(), 'corpus', 'golden', 'mmdf'));
    for (const content of [Buffer.from(tricky, 'latin1'), golden]) {
      const whole = await scanAll(content, 1 << 20);
      expect(whole.length).toBeGreaterThan(8);
      for (const size of [1, 3, 7, 64, 1000]) expect(await scanAll(content, size)).toEqual(whole);
    }
  });
});

/** Every message of content as [offset, size, text], scanned in chunks of chunkSize. */
async function scanAll(content: Buffer, chunkSize: number): Promise<[number, number, string][]> {
  const dir = tempDir('mmdf-');
  const file = path.join(dir, 'box');
  fs.writeFileSync(file, content);
  const fd = fs.openSync(file, 'r');
  try {
    const out: [number, number, string][] = [];
    const scan = scanMessages(mmdfFraming, {
      fd, from: 0, to: content.length, name: 'x', state: newScanState(), now: PINNED, mtime: MTIME,
      warn: () => {}, note: () => {}, lenient: false, chunkSize,
    });
    for await (const m of scan) {
      const r = new BerkeleyMessageRecord({
        seq: m.msgno, uid: m.info.uid, internalDate: m.date, flags: m.info.flags, keywords: [],
        recent: m.info.recent, position: m.end, headerSize: m.info.size, data: m.data,
        fromLength: m.fromLength, headerLength: m.headerLength,
      });
      out.push([m.start, r.size, (await r.text()).toString('latin1')]);
    }
    return out;
  } finally {
    fs.closeSync(fd);
    fs.rmSync(dir, { recursive: true });
  }
}

describe('the unix rules, unchanged', () => {
  it('hides a pseudo-message, takes the mailbox data from it, and reads the six metadata headers', async () => {
    const pseudo = `${D}From MAILER-DAEMON Wed Dec  2 05:53:22 1992\nX-IMAP: 1000 0000000010 work\nStatus: RO\n\npseudo\n${D}`;
    const r = await readMmdf(`${pseudo}${mmdfMessage(F1, 'Status: RO\nX-Status: F\nX-Keywords: WORK\nX-UID: 7\nA: 1\n', 'x\n')}`);
    expect(r.meta).toEqual({ uidValidity: 1000, uidLast: 10, keywords: ['work'] });
    expect(r.messages.map((m) => [m.uid, m.flags, m.keywords, m.recent, m.text])).toEqual([
      [7, ['\\Seen', '\\Flagged'], ['work'], false, 'A: 1\r\n\r\nx\r\n'],
    ]);
  });

  it('hides a FOLDER INTERNAL DATA message without From_ line too; one with X-IMAP: 0 is an ordinary message', async () => {
    const hidden = await readMmdf(`${D}Subject: no from line\nX-IMAP: 1000 0000000010 kw\n\npseudo\n${D}${mmdfMessage(F2, 'X-Keywords: kw\n', 'two\n')}`);
    expect(hidden.meta).toEqual({ uidValidity: 1000, uidLast: 11, keywords: ['kw'] });
    expect(hidden.messages.map((m) => [m.uid, m.keywords, m.text])).toEqual([[11, ['kw'], '\r\ntwo\r\n']]);
    const shown = await readMmdf(`${D}From MAILER-DAEMON Wed Dec  2 05:53:22 1992\nX-IMAP: 0 0000000010\n\npseudo\n${D}${mmdfMessage(F2, '', 'two\n')}`);
    expect(shown.messages.map((m) => [m.uid, m.text])).toEqual([[1, '\r\npseudo\r\n'], [2, '\r\ntwo\r\n']]);
    expect(shown.notes).toEqual(['Assigning new unique identifiers to all messages']);
  });

  it('warns about wrong-case metadata headers as c-client does', async () => {
    const r = await readMmdf(mmdfMessage(F1, 'status: RO\nA: 1\n'));
    expect(r.warnings).toEqual(['Discarding bogus status header in message 1']);
  });

  it('does not split at a From_ line inside a message, and never unquotes >From', async () => {
    expect(await texts(mmdfMessage(F1, 'A: 1\n', `${F2}\n>From x\n`))).toEqual([[`A: 1\r\n\r\n${F2}\r\n>From x\r\n`, 50]]);
  });
});

describe('changes by other processes', () => {
  it('takes in messages appended to the file during a session, as a fresh read does', async () => {
    const dir = tempDir('mmdf-');
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, mmdfMessage(F1));
    const box = await mmdfDriver.open(localRef(file), 'write', testContext());
    // the new data does not start with a delimiter: it reuses the one before it
    fs.appendFileSync(file, `${F2}\nSubject: y\n\nz\n${D}`);
    const seen = (await dump(box)).map((m) => m.text);
    await box.close();
    const fresh = await readMmdf(fs.readFileSync(file));
    expect(seen).toEqual(fresh.messages.map((m) => m.text));
    expect(seen).toEqual(['Subject: x\r\n\r\nbody\r\n', 'Subject: y\r\n\r\nz\r\n']);
    fs.rmSync(dir, { recursive: true });
  });

  it('reports a file that shrank under a read-only session with c-client\'s words', async () => {
    const dir = tempDir('mmdf-');
    const file = path.join(dir, 'box');
    const content = `${mmdfMessage(F1)}${mmdfMessage(F2)}`;
    fs.writeFileSync(file, content);
    const box = await mmdfDriver.open(localRef(file), 'read', testContext());
    fs.truncateSync(file, 30);
    const err = await dump(box).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptMailbox);
    expect((err as CorruptMailbox).detail).toBe(`Mailbox shrank from ${content.length} to 30 bytes, aborted`);
    await box.close();
    fs.rmSync(dir, { recursive: true });
  });

  it('reports appended data that follows no delimiter with c-client\'s words and its offset', async () => {
    const dir = tempDir('mmdf-');
    const file = path.join(dir, 'box');
    const first = `${D}${F1}\nSubject: x\n\nno closing delimiter\n`;
    fs.writeFileSync(file, first);
    const box = await mmdfDriver.open(localRef(file), 'write', testContext());
    fs.appendFileSync(file, 'garbage line\n');
    const err = await dump(box).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptMailbox);
    expect((err as CorruptMailbox).detail).toBe('Unexpected changes to mailbox (try restarting): garbage line');
    expect((err as CorruptMailbox).offset).toBe(first.length);
    await box.close();
    fs.rmSync(dir, { recursive: true });
  });
});
