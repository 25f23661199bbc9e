// Creating and appending mmdf mailboxes (formats-flat.md 3): the pseudo-message
// c-client writes at creation, the raw form of appended messages between
// delimiters, mmdf's text rules (no quoting, every metadata header renamed, one
// more line end per message), and what it cannot store.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { LossyCopy, MailboxExists } from '../../../src/errors.js';
import type { SystemFlag } from '../../../src/mail/flags.js';
import type { AppendOptions, AppendResult, NewMessage } from '../../../src/store/types.js';
import { newMessage as msg } from '../../helpers/records.js';
import { D, localRef, PSEUDO_BODY, readMmdf, tempDir, testContext } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('mmdf-');
  file = path.join(dir, 'box');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


async function* batch(messages: NewMessage[]): AsyncGenerator<NewMessage> {
  yield* messages;
}

async function append(messages: NewMessage[], options: AppendOptions = {}, mode: 'read' | 'write' = 'read'): Promise<AppendResult> {
  const box = await mmdfDriver.open(localRef(file), mode, testContext());
  try {
    return await box.append(batch(messages), options);
  } finally {
    await box.close();
  }
}

const read = (): string => fs.readFileSync(file, 'latin1');
/** What follows the pseudo-message. */
const appended = (): string => read().split(`${PSEUDO_BODY}${D}`)[1]!;

describe('create', () => {
  it('writes c-client\'s mmdf pseudo-message: Date: with weekday and zone name, no empty line before the delimiter', async () => {
    await mmdfDriver.create(localRef(file), testContext());
    expect(read()).toBe(
      `${D}From MAILER-DAEMON Thu Nov  5 01:02:03 2026\n` +
      'Date: Thu, 5 Nov 2026 01:02:03 +0000 (UTC)\n' +
      'From: Mail System Internal Data <MAILER-DAEMON@host>\n' +
      "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n" +
      'X-IMAP: 1793840523 0000000000\n' +
      'Status: RO\n' +
      `\n${PSEUDO_BODY}${D}`,
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await mmdfDriver.probe(file)).toBe(true);
    const r = await readMmdf(read());
    expect(r.messages).toEqual([]);
    expect(r.meta).toEqual({ uidValidity: 1793840523, uidLast: 0, keywords: [] });
  });

  it('starts with the UID validity, last UID and keywords it is given', async () => {
    await mmdfDriver.create(localRef(file), testContext(), { meta: { uidValidity: 1700000000, uidLast: 30, keywords: ['work', 'Junk'] } });
    expect(read()).toContain('\nX-IMAP: 1700000000 0000000030 work Junk\nStatus: RO\n');
    expect((await readMmdf(read())).meta).toEqual({ uidValidity: 1700000000, uidLast: 30, keywords: ['work', 'Junk'] });
  });

  it('refuses a name that exists', async () => {
    fs.writeFileSync(file, '');
    await expect(mmdfDriver.create(localRef(file), testContext())).rejects.toBeInstanceOf(MailboxExists);
  });
});

describe('append form', () => {
  beforeEach(async () => {
    await mmdfDriver.create(localRef(file), testContext());
  });

  it('writes a delimiter, the From_ line and status lines, the text, one LF and the closing delimiter', async () => {
    const flags: SystemFlag[] = ['\\Seen', '\\Flagged', '\\Answered', '\\Deleted', '\\Draft'];
    const r = await append([msg('Subject: one\r\n\r\nHello.\r\n', { flags }), msg('Subject: two\r\n\r\nBye.\r\n')]);
    expect(appended()).toBe(
      `${D}From user@host Mon May  7 20:54:30 2001 -0700\nStatus: R\nX-Status: DFAT\nX-Keywords:\n` +
      `Subject: one\n\nHello.\n\n${D}` +
      `${D}From user@host Mon May  7 20:54:30 2001 -0700\nStatus: \nX-Status: \nX-Keywords:\n` +
      `Subject: two\n\nBye.\n\n${D}`,
    );
    // every message gains a last empty line: the format keeps the LF written after it
    expect(r).toEqual({ appended: 2, uids: [], losses: new Map(), changes: new Map([['newline-added', 2]]) });
    const back = await readMmdf(read());
    expect(back.messages.map((m) => [m.text, m.size, m.flags.length, m.recent, m.internalDate])).toEqual([
      ['Subject: one\r\n\r\nHello.\r\n\r\n', 26, 5, true, ' 7-May-2001 20:54:30 -0700'],
      ['Subject: two\r\n\r\nBye.\r\n\r\n', 24, 0, true, ' 7-May-2001 20:54:30 -0700'],
    ]);
  });

  it('quotes nothing: "From " lines stay as they are', async () => {
    const r = await append([msg('From me to you\r\nSubject: q\r\n\r\nFrom here on\r\n>From there\r\nFrom x Wed Dec  2 05:53:22 1992\r\n')]);
    expect(appended()).toContain('X-Keywords:\nFrom me to you\nSubject: q\n\nFrom here on\n>From there\nFrom x Wed Dec  2 05:53:22 1992\n\n');
    expect(r.changes.get('from-quoted')).toBeUndefined();
    expect((await readMmdf(read())).messages.map((m) => m.text)).toEqual([
      'From me to you\r\nSubject: q\r\n\r\nFrom here on\r\n>From there\r\nFrom x Wed Dec  2 05:53:22 1992\r\n\r\n',
    ]);
  });

  it('renames every metadata header of the header, also after another X- header (no unix quirk)', async () => {
    const r = await append([msg('X-Mailer: m\r\nx-uid: 99\r\nX-Keywords: a\r\nStatus: RO\r\n\r\nStatus: body\r\n')]);
    expect(appended()).toContain('X-Mailer: m\nX-Original-x-uid: 99\nX-Original-X-Keywords: a\nX-Original-Status: RO\n\nStatus: body\n\n');
    expect(r.changes.get('header-renamed')).toBe(1);
    const back = await readMmdf(read());
    expect(back.warnings).toEqual([]);
    expect(back.messages[0]!.flags).toEqual([]);
  });

  it('removes CRs and keeps NUL bytes; a CR without LF is a loss, and under strict nothing is written', async () => {
    const r = await append([msg('Subject: c\r\n\r\nab\rcd\r\nnul:\0:end\r\n')]);
    expect(appended()).toContain('Subject: c\n\nabcd\nnul:\0:end\n\n');
    expect(r.losses).toEqual(new Map([['bare-cr', new Map([['CR not followed by LF', 1]])]]));
    const before = read();
    await expect(append([msg('Subject: ok\r\n\r\nok\r\n'), msg('a\rb\r\n')], { strict: true })).rejects.toBeInstanceOf(LossyCopy);
    expect(read()).toBe(before);
  });

  it('keeps ^A bytes, except those that would end a line as a delimiter (c-client removes every ^A)', async () => {
    const text = 'Subject: a\r\n\r\nctl\x01a\r\n\x01\x01\x01\x01\r\nend\x01\x01\x01\x01\x01\r\nx\x01\x01\r\x01\x01\r\nlast\x01\x01\x01\x01';
    const r = await append([msg(text)]);
    expect(appended()).toContain('Subject: a\n\nctl\x01a\n\x01\x01\x01\nend\x01\x01\x01\nx\x01\x01\x01\nlast\x01\x01\x01\n' + D);
    // the CR between ^A bytes is a bare CR: removing it completes a delimiter
    expect(r.losses).toEqual(new Map([
      ['delimiter', new Map([['^A ending a line', 1]])], ['bare-cr', new Map([['CR not followed by LF', 1]])],
    ]));
    const back = await readMmdf(read());
    expect(back.messages.map((m) => m.text)).toEqual([
      'Subject: a\r\n\r\nctl\x01a\r\n\x01\x01\x01\r\nend\x01\x01\x01\r\nx\x01\x01\x01\r\nlast\x01\x01\x01\r\n',
    ]);
  });

  it('ends a text without a final newline with one, and leaves a header-only text without an empty line', async () => {
    await append([msg('Subject: n\r\n\r\nno newline'), msg('only a header line'), msg('Subject: h\r\n')]);
    expect((await readMmdf(read())).messages.map((m) => m.text)).toEqual([
      'Subject: n\r\n\r\nno newline\r\n', 'only a header line\r\n', 'Subject: h\r\n\r\n',
    ]);
  });

  it('puts a LF before the first message when the file does not end with one', async () => {
    fs.writeFileSync(file, `${D}From a Wed Dec  2 05:53:22 1992\n\nlast line`);
    await append([msg('Subject: s\r\n\r\nx\r\n')]);
    expect(read()).toBe(
      `${D}From a Wed Dec  2 05:53:22 1992\n\nlast line\n` +
      `${D}From user@host Mon May  7 20:54:30 2001 -0700\nStatus: \nX-Status: \nX-Keywords:\nSubject: s\n\nx\n\n${D}`,
    );
    expect((await readMmdf(read())).messages.map((m) => m.text)).toEqual(['\r\nlast line\r\n', 'Subject: s\r\n\r\nx\r\n\r\n']);
  });
});

describe('UIDs and keywords on append', () => {
  it('keeps the given UIDs in a new mailbox and raises the last UID in the pseudo-message', async () => {
    await mmdfDriver.create(localRef(file), testContext(), { meta: { uidValidity: 77, uidLast: 3 } });
    const r = await append([msg('Subject: 1\r\n\r\n1\r\n', { uid: 10 }), msg('Subject: 2\r\n\r\n2\r\n', { uid: 12 })], { keepUids: true });
    expect(r.uids).toEqual([10, 12]);
    expect(read()).toContain('\nX-IMAP: 0000000077 0000000012\n');
    const back = await readMmdf(read());
    expect(back.meta).toEqual({ uidValidity: 77, uidLast: 12, keywords: [] });
    expect(back.messages.map((m) => m.uid)).toEqual([10, 12]);
  });

  it('declares new keywords in the pseudo-message\'s X-IMAP line and writes them by name', async () => {
    await mmdfDriver.create(localRef(file), testContext(), { meta: { uidValidity: 77, keywords: ['work'] } });
    await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: ['Junk', 'WORK'] })]);
    expect(read()).toContain('\nX-IMAP: 0000000077 0000000000 work Junk\n');
    expect(appended()).toContain('X-Keywords: work Junk\n');
    const back = await readMmdf(read());
    expect(back.meta.keywords).toEqual(['work', 'Junk']);
    expect(back.messages[0]!.keywords).toEqual(['work', 'Junk']);
  });

  it('gives an empty file its mailbox data in X-IMAPbase after the first From_ line', async () => {
    fs.writeFileSync(file, '');
    await append([msg('Subject: e\r\n\r\ne\r\n', { keywords: ['todo'], uid: 5 })], { keepUids: true });
    expect(read()).toMatch(new RegExp(`^${D}From user@host Mon May  7 20:54:30 2001 -0700\nX-IMAPbase: 1793840523 5 todo\nStatus: `));
    const back = await readMmdf(read());
    expect(back.meta).toEqual({ uidValidity: 1793840523, uidLast: 5, keywords: ['todo'] });
    expect(back.messages.map((m) => [m.uid, m.keywords])).toEqual([[5, ['todo']]]);
  });
});
