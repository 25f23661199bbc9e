// Read-write sessions on mmdf (formats-flat.md 2.9, 2.10, 3): the file is
// rewritten in c-client's layout (delimiter, From_ line, header, padded status
// block, text, delimiter), the pseudo-message in its mmdf form, and two
// deliberate differences: a message without From_ line gets one carrying the
// date it was read with, and a last line without LF gets one.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { D, dump, localRef, PSEUDO_BODY, readMmdf, tempDir, testContext } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('mmdf-');
  file = path.join(dir, 'box');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (): string => fs.readFileSync(file, 'latin1');
const MTIME = new Date('2026-11-30T05:32:28Z');

/** Four messages a read-write c-client session has seen (Status: O): one without From_ line, one header only, the last without LF. */
const SOURCE =
  `${D}From a Wed Dec  2 05:53:22 1992\nSubject: one\nStatus: O\nX-Status: F\n\nbody\n${D}` +
  `${D}Subject: nofrom\nStatus: O\n\nbody2\n${D}` +
  `${D}From c Wed Dec  2 05:53:22 1992\r\nSubject: hdronly\nStatus: O\n${D}` +
  `${D}From d Wed Dec  2 05:53:22 1992\nSubject: last\nStatus: O\n\nno newline`;

/**
 * What `mailutil prune` (a read-write session) made of SOURCE, with the UID validity it
 * chose replaced by the pinned clock's; mailsmith differs only where the comments say.
 */
const REWRITTEN =
  `${D}From a Wed Dec  2 05:53:22 1992\nSubject: one\nX-IMAPbase: 1793840523 4\nStatus: O\nX-Status: F\n` +
  `X-Keywords:                      \nX-UID: 1\n\nbody\n${D}` +
  // c-client writes no From_ line here, and dates the message by the file's time, which the rewrite changes
  `${D}From user@host Mon Nov 30 05:32:28 2026 +0000\n` +
  `Subject: nofrom\nStatus: O\nX-Status: \nX-Keywords:                  \nX-UID: 2\n\nbody2\n${D}` +
  `${D}From c Wed Dec  2 05:53:22 1992\nSubject: hdronly\nStatus: O\nX-Status: \nX-Keywords:                  \nX-UID: 3\n\n${D}` +
  // c-client glues its delimiter to the last line ("no newline^A^A^A^A"), which it then misreads
  `${D}From d Wed Dec  2 05:53:22 1992\nSubject: last\nStatus: O\nX-Status: \nX-Keywords:                  \nX-UID: 4\n\nno newline\n${D}`;

describe('rewrite', () => {
  it('writes c-client\'s layout, keeping the From_ lines and the date of a message without one', async () => {
    fs.writeFileSync(file, SOURCE, 'latin1');
    fs.utimesSync(file, MTIME, MTIME);
    const before = await readMmdf(SOURCE, 'read', MTIME);
    const ctx = testContext();
    const box = await mmdfDriver.open(localRef(file), 'write', ctx);
    await box.store([2], { add: { flags: ['\\Seen'] } });
    await box.store([2], { remove: { flags: ['\\Seen'] } });
    await box.close();
    expect(read()).toBe(REWRITTEN);
    const after = await readMmdf(read());
    // the header-only message got its empty line, the last one its LF; nothing else changed
    expect(after.messages.map((m) => [m.uid, m.internalDate, m.flags, m.text])).toEqual(before.messages.map((m, i) => [
      m.uid, m.internalDate, m.flags, i === 2 || i === 3 ? `${m.text}\r\n` : m.text,
    ]));
  });

  it('expunges, and leaves the mmdf pseudo-message with the old UID validity and last UID when every message goes', async () => {
    fs.writeFileSync(file, `${D}From u Wed Dec  2 05:53:22 1992\nX-IMAPbase: 1234 40 kw\nX-UID: 38\n\nx\n${D}` +
      `${D}From v Wed Dec  2 05:53:22 1992\nSubject: 2\n\ny\n${D}${D}From w Wed Dec  2 05:53:22 1992\nSubject: 3\n\nz\n${D}`);
    const ctx = testContext();
    const box = await mmdfDriver.open(localRef(file), 'write', ctx);
    await box.store([41], { add: { flags: ['\\Deleted'] } });
    expect(await box.expunge()).toBe(1);
    expect((await dump(box)).map((m) => [m.uid, m.text])).toEqual([[38, '\r\nx\r\n'], [42, 'Subject: 3\r\n\r\nz\r\n']]);
    await box.store([38, 42], { add: { flags: ['\\Deleted'] } });
    expect(await box.expunge()).toBe(2);
    await box.close();
    expect(ctx.notes).toEqual(['Expunged 1 messages', 'Expunged 2 messages']);
    expect(read()).toBe(
      `${D}From MAILER-DAEMON Thu Nov  5 01:02:03 2026\nDate: 05 Nov 2026 01:02:03 +0000\n` +
      'From: Mail System Internal Data <MAILER-DAEMON@host>\n' +
      "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nMessage-ID: <1793840523@host>\n" +
      `X-IMAP: 0000001234 0000000042 kw\nStatus: RO\n\n${PSEUDO_BODY}${D}`,
    );
    expect((await readMmdf(read())).meta).toEqual({ uidValidity: 1234, uidLast: 42, keywords: ['kw'] });
  });

  it('regenerates a pseudo-message in the mmdf form, keeping the keywords a store declared', async () => {
    await mmdfDriver.create(localRef(file), testContext(), { meta: { uidValidity: 500 } });
    fs.appendFileSync(file, `${D}From a Wed Dec  2 05:53:22 1992\nSubject: s\n\nbody\n${D}`);
    const box = await mmdfDriver.open(localRef(file), 'write', testContext());
    await box.store([1], { add: { keywords: ['todo'] } });
    await box.close();
    expect(read()).toBe(
      `${D}From MAILER-DAEMON Thu Nov  5 01:02:03 2026\nDate: 05 Nov 2026 01:02:03 +0000\n` +
      'From: Mail System Internal Data <MAILER-DAEMON@host>\n' +
      "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nMessage-ID: <1793840523@host>\n" +
      `X-IMAP: 0000000500 0000000001 todo\nStatus: RO\n\n${PSEUDO_BODY}${D}` +
      `${D}From a Wed Dec  2 05:53:22 1992\nSubject: s\nStatus: \nX-Status: \nX-Keywords: todo              \nX-UID: 1\n\nbody\n${D}`,
    );
  });

  it('writes no header for a delimiter read as one, so that the message reads back with its text', async () => {
    fs.writeFileSync(file, `${D}From a Wed Dec  2 05:53:22 1992\nSubject: one\n\nbody\n${D}${D}${D}From b Wed Dec  2 05:53:22 1992\nSubject: two\n\nbody2\n${D}`);
    fs.utimesSync(file, MTIME, MTIME);
    const before = await readMmdf(read(), 'read', MTIME);
    const box = await mmdfDriver.open(localRef(file), 'write', testContext());
    await box.store([2], { add: { flags: ['\\Flagged'] } });
    await box.close();
    const after = await readMmdf(read());
    expect(after.messages.map((m) => [m.uid, m.internalDate, m.flags, m.text])).toEqual([
      [1, before.messages[0]!.internalDate, [], before.messages[0]!.text],
      // the delimiter that was its header is gone; what followed it is its text
      [2, before.messages[1]!.internalDate, ['\\Flagged'], `\r\nFrom b Wed Dec  2 05:53:22 1992\r\nSubject: two\r\n\r\nbody2\r\n`],
    ]);
  });
});
