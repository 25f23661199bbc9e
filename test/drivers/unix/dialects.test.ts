// The mbox dialects other programs write (formats-dir.md 7), with and without
// --lenient (StoreContext.lenient). Without it the unix driver reads exactly as
// c-client does (the same messages as mailutil, checked with ccdump in
// test/interop/dialects.test.ts) and says so in one warning where that loses
// the writer's structure; with it, each dialect reads as its writer meant it,
// and a read-write session leaves the file in c-client's own dialect.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { sharedDir } from '../../helpers/paths.js';
import { dump, localRef, tempDir, testContext, type ReadResult } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = tempDir('dialects-');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function put(content: string, name = 'box'): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, Buffer.from(content, 'latin1'));
  return file;
}

async function read(content: string, lenient: boolean, mode: 'read' | 'write' = 'read'): Promise<ReadResult> {
  const file = put(content);
  const ctx = testContext({ lenient });
  const box = await unixDriver.open(localRef(file), mode, ctx);
  const messages = await dump(box);
  const meta = box.meta;
  await box.close();
  return { meta, messages, warnings: ctx.warnings, notes: ctx.notes };
}

const both = async (content: string): Promise<[ReadResult, ReadResult]> => [await read(content, false), await read(content, true)];
const textsOf = (r: ReadResult): string[] => r.messages.map((m) => m.text);

describe('mboxo (7.3): the default, read the same either way', () => {
  it('keeps >From lines as they are', async () => {
    const content = 'From a@b Wed Dec  2 05:53:22 1992\nSubject: one\n\n>From the desk of Bob\nplain\n\n';
    const [plain, lenient] = await both(content);
    expect(textsOf(plain)).toEqual(['Subject: one\r\n\r\n>From the desk of Bob\r\nplain\r\n']);
    expect(lenient.messages).toEqual(plain.messages);
    expect(lenient.warnings).toEqual([]);
  });
});

describe('mboxrd (7.4)', () => {
  // as GNU Mailutils' movemail writes it: padded X-IMAPbase, one more ">" on every ^>*From line
  const MBOXRD =
    'From bob@example.org Thu Jan  1 00:00:00 1970\nX-IMAPbase:           1795525788                    3\n' +
    'Subject: quoting\nX-UID: 1\n\n>From the desk of Bob\n>>From here it is quoted\n>>>From two\n> >From a reply\n\n';

  it('is read as c-client reads it without --lenient, and unquoted by one ">" with it', async () => {
    const [plain, lenient] = await both(MBOXRD);
    expect(plain.messages.map((m) => [m.text, m.size])).toEqual([
      ['Subject: quoting\r\n\r\n>From the desk of Bob\r\n>>From here it is quoted\r\n>>>From two\r\n> >From a reply\r\n', 99],
    ]);
    expect(plain.warnings).toEqual([]);
    expect(lenient.messages.map((m) => [m.text, m.size])).toEqual([
      ['Subject: quoting\r\n\r\nFrom the desk of Bob\r\n>From here it is quoted\r\n>>From two\r\n> >From a reply\r\n', 96],
    ]);
    expect(lenient.notes).toContain('box reads as mboxrd (it has ">>From" lines): one ">" comes off every body line that matches ^>+From');
  });

  it('is not taken for mboxrd in a file c-client or Dovecot wrote (mboxo: ">>From" is the text)', async () => {
    const golden = fs.readFileSync(path.join(sharedDir(), 'corpus', 'golden', 'source.mbox'), 'latin1');
    expect(golden).toContain('\n>>From a reply');
    const [plain, lenient] = await both(golden);
    expect(lenient.messages).toEqual(plain.messages);
  });

  it('a read-write session writes it back in c-client\'s dialect, which c-client reads as mailsmith did', async () => {
    const file = put(MBOXRD);
    const ctx = testContext({ lenient: true });
    const box = await unixDriver.open(localRef(file), 'write', ctx);
    await box.store([1], { add: { flags: ['\\Seen'] } });
    await box.close();
    const text = fs.readFileSync(file, 'latin1');
    expect(text).toContain('\n\n>From the desk of Bob\n>From here it is quoted\n>>From two\n> >From a reply\n\n');
    // ">From the desk" stands for "From the desk" as mboxo has it; the others read as the mboxrd writer meant
    const again = await read(text, false);
    expect(textsOf(again)).toEqual(['Subject: quoting\r\n\r\n>From the desk of Bob\r\n>From here it is quoted\r\n>>From two\r\n> >From a reply\r\n']);
    expect(again.messages[0]!.flags).toEqual(['\\Seen']);
  });
});

describe('mboxcl and mboxcl2 (7.5): Content-Length', () => {
  // as Dovecot writes it: metadata after the header, Content-Length, body "From " lines not quoted
  const body2 = 'Second message.\nFrom a@b Wed Dec  2 05:53:22 1992\nnot a new message\n';
  const DOVECOT =
    'From user@host  Tue Nov 24 13:09:27 2026\nSubject: one\nX-IMAPbase: 1795525767 0000000004 work\nX-UID: 1\nStatus: R\n' +
    'X-Keywords: work                                                 \nContent-Length: 11\n\nHello one.\n\n' +
    `From user@host  Tue Nov 24 13:09:28 2026\nSubject: two\nX-UID: 2\nStatus: \nContent-Length: ${body2.length}\n\n${body2}\n` +
    'From user@host  Tue Nov 24 13:09:29 2026\nSubject: three\nX-UID: 3\nContent-Length: 6\n\nThree\n';

  it('without --lenient is ignored as c-client ignores it, with one warning that a message is cut short', async () => {
    const r = await read(DOVECOT, false);
    // the split-off part takes the next UID, so the third message's X-UID: 3 is out of order, as in c-client
    expect(r.messages.map((m) => m.uid)).toEqual([1, 2, 5, 6]);
    expect(r.messages[1]!.text).toBe(`Subject: two\r\nContent-Length: ${body2.length}\r\n\r\nSecond message.\r\n`);
    expect(r.warnings).toEqual([
      `box: a message's Content-Length covers a From_ line at byte ${DOVECOT.indexOf('\nFrom a@b') + 1}, which c-client (and mailsmith without --lenient) ` +
      'reads as the start of another message; --lenient reads it by its Content-Length',
      'Message 4 UID 3 less than 6',
    ]);
  });

  it('with --lenient ends each message where its Content-Length says, when that matches the file', async () => {
    const r = await read(DOVECOT, true);
    expect(r.warnings).toEqual([]);
    expect(r.messages.map((m) => [m.uid, m.flags, m.keywords, m.text])).toEqual([
      [1, ['\\Seen'], ['work'], 'Subject: one\r\nContent-Length: 11\r\n\r\nHello one.\r\n'],
      [2, [], [], `Subject: two\r\nContent-Length: ${body2.length}\r\n\r\n${body2.replace(/\n/g, '\r\n')}`],
      [3, [], [], 'Subject: three\r\nContent-Length: 6\r\n\r\nThree\r\n'],
    ]);
    expect(r.notes).toContain('box: the end of 3 message(s) taken from Content-Length');
  });

  it('never lets a lying Content-Length swallow the next message', async () => {
    const F = (n: number, length: number | string, text: string): string =>
      `From a@b Wed Dec  2 05:53:2${n} 1992\nSubject: ${n}\nContent-Length: ${length}\n\n${text}\n`;
    const content =
      F(1, 3, 'too short for this body') + // lands inside the body
      F(2, 500, 'too long') + // lands inside the next message
      F(3, 30, 'reaches exactly into the middle') +
      F(4, 999999999, 'beyond the end of the file') +
      F(5, 'x7', 'not a number') +
      F(6, 5, 'last');
    const [plain, lenient] = await both(content);
    expect(lenient.messages.map((m) => m.text)).toEqual(plain.messages.map((m) => m.text));
    expect(lenient.messages.length).toBe(6);
    // the last one is right: it ends at the end of the file
    expect(lenient.notes).toContain('box: 4 Content-Length header(s) ignored: they do not match the file');
    expect(lenient.notes).toContain('box: the end of 1 message(s) taken from Content-Length');
  });

  it('a read-write session quotes the "From " lines such a message holds, so that c-client reads it whole', async () => {
    const file = put(DOVECOT);
    const box = await unixDriver.open(localRef(file), 'write', testContext({ lenient: true }));
    await box.store([2], { add: { flags: ['\\Flagged'] } });
    await box.close();
    const after = await read(fs.readFileSync(file, 'latin1'), false);
    expect(after.warnings).toEqual([]);
    expect(after.messages.map((m) => [m.uid, m.flags])).toEqual([[1, ['\\Seen']], [2, ['\\Flagged']], [3, []]]);
    expect(after.messages[1]!.text).toContain('\r\n>From a@b Wed Dec  2 05:53:22 1992\r\nnot a new message\r\n');
  });
});

describe('envelope lines c-client rejects (7.6 Thunderbird, 7.7 webmail exports)', () => {
  const THUNDERBIRD =
    'From - Mon Jan 1 00:00:00 2024\nX-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\nSubject: one\n\nbody one\n\n' +
    'From - Tue Jan 2 10:00:00 2024\nX-Mozilla-Status: 0000\nSubject: two\n\nFrom here on, nothing is an envelope\n';

  it('a rejected first line: not unix, with a warning naming it and --lenient; unix with --lenient', async () => {
    const file = put(THUNDERBIRD);
    expect(await unixDriver.probe(file)).toBe(false);
    const plain = testContext();
    expect(await unixDriver.probe(file, plain)).toBe(false);
    expect(plain.warnings).toEqual([
      `${file}: its first line "From - Mon Jan 1 00:00:00 2024" looks like an mbox From_ line, but c-client does not ` +
      'accept it, so c-client (and mailsmith without --lenient) reads the whole file as a single message; --lenient reads it as an mbox',
    ]);
    const lenient = testContext({ lenient: true });
    expect(await unixDriver.probe(file, lenient)).toBe(true);
    expect(lenient.warnings).toEqual([]);
    const r = await read(THUNDERBIRD, true);
    expect(r.messages.map((m) => [m.internalDate, m.text])).toEqual([
      [' 1-Jan-2024 00:00:00 +0000', 'X-Mozilla-Status: 0001\r\nX-Mozilla-Status2: 00000000\r\nSubject: one\r\n\r\nbody one\r\n'],
      [' 2-Jan-2024 10:00:00 +0000', 'X-Mozilla-Status: 0000\r\nSubject: two\r\n\r\nFrom here on, nothing is an envelope\r\n'],
    ]);
    expect(r.notes).toContain('box: 2 message(s) start at a "From " line c-client does not accept (read leniently)');
  });

  it('rejected lines inside the file merge messages as in c-client, with one warning; --lenient splits there', async () => {
    const content =
      'From a@b Wed Dec  2 05:53:22 1992\nSubject: one\n\nbody one\n\n' +
      'From foo@bar Sat, 25 Nov 2023 08:00:00 +0000\nSubject: two\n\nbody two\n\n' +
      'From foo@bar Sun, 26 Nov 2023 09:30:00 -0500\nSubject: three\n\nbody three\n\n' +
      'From 1784256789012345678@xxx Wed Aug 18 12:53:48 +0000 2021\nX-GM-THRID: 1\nSubject: four\n\nbody four\n';
    const [plain, lenient] = await both(content);
    expect(plain.messages.map((m) => m.text.split('\r\n')[0])).toEqual(['Subject: one', 'X-GM-THRID: 1']);
    expect(plain.warnings).toEqual([
      `box: the line "From foo@bar Sat, 25 Nov 2023 08:00:00 +0000" at byte ${content.indexOf('From foo')} looks like the start of a message, but ` +
      'c-client does not accept it as a From_ line, so it is read as part of the message before it, as mailutil reads it; ' +
      '--lenient reads such lines as their writer meant',
    ]);
    expect(lenient.warnings).toEqual([]);
    expect(lenient.messages.map((m) => [m.internalDate, m.text])).toEqual([
      [' 2-Dec-1992 05:53:22 +0000', 'Subject: one\r\n\r\nbody one\r\n'],
      ['25-Nov-2023 08:00:00 +0000', 'Subject: two\r\n\r\nbody two\r\n'],
      ['26-Nov-2023 09:30:00 -0500', 'Subject: three\r\n\r\nbody three\r\n'],
      ['18-Aug-2021 12:53:48 +0000', 'X-GM-THRID: 1\r\nSubject: four\r\n\r\nbody four\r\n'],
    ]);
  });

  it('takes no body line for an envelope unless an empty line is before it and a header field after it', async () => {
    const content =
      'From a@b Wed Dec  2 05:53:22 1992\nSubject: one\n\nquoted text:\nFrom foo@bar Sat, 25 Nov 2023 08:00:00 +0000\nSubject: not a header?\n\n' +
      'From foo@bar Sat, 25 Nov 2023 08:00:00 +0000\nthis is prose, not a header\n\nFrom the desk of Bob, 25 Nov 2023\nSubject: x\n';
    const [plain, lenient] = await both(content);
    expect(plain.warnings).toEqual([]);
    expect(lenient.messages).toEqual(plain.messages);
    expect(plain.messages.length).toBe(1);
  });

  it('reads CRLF and mixed line ends as c-client does, and leniently the same as their LF twin', async () => {
    const crlf = THUNDERBIRD.replace(/\n/g, '\r\n');
    const mixed = THUNDERBIRD.replace(/(X-Mozilla-Status: 0001|Subject: two|body one)\n/g, '$1\r\n');
    const lf = await read(THUNDERBIRD, true);
    for (const variant of [crlf, mixed]) {
      const r = await read(variant, true);
      expect(r.messages.map((m) => [m.internalDate, m.text])).toEqual(lf.messages.map((m) => [m.internalDate, m.text]));
    }
  });

  it('a read-write session gives the envelope lines c-client\'s form, so that c-client then reads the same messages', async () => {
    const file = put(THUNDERBIRD);
    const box = await unixDriver.open(localRef(file), 'write', testContext({ lenient: true }));
    const before = await dump(box);
    await box.store([2], { add: { flags: ['\\Answered'] } });
    await box.close();
    const text = fs.readFileSync(file, 'latin1');
    expect(text).toMatch(/^From - Mon Jan {2}1 00:00:00 2024 \+0000\n/);
    expect(text).toContain('\nFrom - Tue Jan  2 10:00:00 2024 +0000\n');
    expect(await unixDriver.probe(file)).toBe(true);
    const after = await read(text, false);
    expect(after.warnings).toEqual([]);
    expect(after.messages.map((m) => [m.uid, m.internalDate, m.flags, m.text])).toEqual(before.map((m) => [
      m.uid, m.internalDate, m.uid === 2 ? ['\\Answered'] : m.flags, m.text,
    ]));
  });
});
