// Creating and appending (formats-flat.md 2.6, 2.8): the pseudo-message c-client
// writes at creation, the raw form of appended messages, keyword declaration,
// kept UIDs, and appends that fail leaving the file as it was.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { LossyCopy, MailboxExists } from '../../../src/errors.js';
import type { SystemFlag } from '../../../src/mail/flags.js';
import type { AppendOptions, AppendResult, NewMessage } from '../../../src/store/types.js';
import { newMessage as msg } from '../../helpers/records.js';
import { dump, localRef, PSEUDO_BODY, readMailbox, tempDir, testContext } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'box');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));


async function* batch(messages: NewMessage[], failAfter?: number): AsyncGenerator<NewMessage> {
  let n = 0;
  for (const m of messages) {
    if (failAfter !== undefined && n === failAfter) throw new Error('source failed');
    n++;
    yield m;
  }
}

async function append(messages: NewMessage[], options: AppendOptions = {}, mode: 'read' | 'write' = 'read'): Promise<AppendResult> {
  const box = await unixDriver.open(localRef(file), mode, testContext());
  try {
    return await box.append(batch(messages), options);
  } finally {
    await box.close();
  }
}

const read = (): string => fs.readFileSync(file, 'latin1');

describe('create (2.6)', () => {
  it('writes c-client\'s pseudo-message, mode 0600', async () => {
    await unixDriver.create(localRef(file), testContext());
    expect(read()).toBe(
      'From MAILER-DAEMON Thu Nov  5 01:02:03 2026\n' +
      'Date: 05 Nov 2026 01:02:03 +0000\n' +
      'From: Mail System Internal Data <MAILER-DAEMON@host>\n' +
      "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\n" +
      'X-IMAP: 1793840523 0000000000\n' +
      'Status: RO\n' +
      '\n' + PSEUDO_BODY + '\n',
    );
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  });

  it('starts with the UID validity, last UID and keywords it is given', async () => {
    await unixDriver.create(localRef(file), testContext(), {
      meta: { uidValidity: 1700000000, uidLast: 30, keywords: ['work', '$Label1', 'WORK', 'bad name', 'Junk'] },
    });
    expect(read()).toContain('\nX-IMAP: 1700000000 0000000030 work $Label1 Junk\nStatus: RO\n');
    expect((await readMailbox(read())).meta).toEqual({ uidValidity: 1700000000, uidLast: 30, keywords: ['work', '$Label1', 'Junk'] });
  });

  it('refuses a name that exists', async () => {
    fs.writeFileSync(file, '');
    await expect(unixDriver.create(localRef(file), testContext())).rejects.toBeInstanceOf(MailboxExists);
  });
});

describe('append form (2.8)', () => {
  beforeEach(async () => {
    await unixDriver.create(localRef(file), testContext());
  });
  const header = (): string => read().split(PSEUDO_BODY)[1]!.slice(1);

  it('writes the From_ line, status lines and text as c-client does, then one LF', async () => {
    const flags: SystemFlag[] = ['\\Seen', '\\Flagged', '\\Answered', '\\Deleted', '\\Draft'];
    const r = await append([msg('Subject: one\r\n\r\nHello.\r\n', { flags }), msg('Subject: two\r\n\r\nBye.\r\n')]);
    expect(header()).toBe(
      'From user@host Mon May  7 20:54:30 2001 -0700\nStatus: R\nX-Status: DFAT\nX-Keywords:\n' +
      'Subject: one\n\nHello.\n\n' +
      'From user@host Mon May  7 20:54:30 2001 -0700\nStatus: \nX-Status: \nX-Keywords:\n' +
      'Subject: two\n\nBye.\n\n',
    );
    expect(r).toEqual({ appended: 2, uids: [], losses: new Map(), changes: new Map() });
    const back = await readMailbox(read());
    expect(back.messages.map((m) => [m.text, m.flags.length, m.recent])).toEqual([
      ['Subject: one\r\n\r\nHello.\r\n', 5, true],
      ['Subject: two\r\n\r\nBye.\r\n', 0, true],
    ]);
  });

  it('quotes every line starting "From " (header too), not ">From" or "from "', async () => {
    const r = await append([msg('From me to you\r\nSubject: q\r\n\r\nFrom here on\r\n>From there\r\nfrom low\r\nFrom \r\n')]);
    expect(header()).toContain('X-Keywords:\n>From me to you\nSubject: q\n\n>From here on\n>From there\nfrom low\n>From \n\n');
    expect(r.changes).toEqual(new Map([['from-quoted', 1]]));
  });

  it('quotes a From_ line that starts the body right after the header', async () => {
    await append([msg('Subject: q\r\n\r\nFrom x Wed Dec  2 05:53:22 1992\r\n')]);
    expect(header()).toContain('Subject: q\n\n>From x Wed Dec  2 05:53:22 1992\n\n');
    expect((await readMailbox(read())).messages.length).toBe(1);
  });

  it('renames every metadata header in the header, any case, as X-Original-NAME; the body is left alone', async () => {
    const r = await append([msg('X-Mailer: m\r\nx-uid: 99\r\nStatus: RO\r\nX-KEYWORDS: a\r\nX-IMAPbase: 1 2\r\nX-Status : D\r\n\r\nStatus: body\r\n')]);
    expect(header()).toContain(
      'X-Mailer: m\nX-Original-x-uid: 99\nX-Original-Status: RO\nX-Original-X-KEYWORDS: a\n' +
      'X-Original-X-IMAPbase: 1 2\nX-Original-X-Status : D\n\nStatus: body\n\n',
    );
    expect(r.changes).toEqual(new Map([['header-renamed', 1]]));
    const back = await readMailbox(read());
    expect(back.warnings).toEqual([]);
    expect(back.messages[0]!.flags).toEqual([]);
  });

  it('stores a NUL ending a header field name as the space c-client reads it as, and says so', async () => {
    const r = await append([msg('X-Nul\0Name: v\r\nSubject: n\r\n\r\nbody \0 kept\r\n')]);
    expect(header()).toContain('X-Nul Name: v\nSubject: n\n\nbody \0 kept\n\n');
    expect(r.changes).toEqual(new Map([['header-nul', 1]]));
    expect((await readMailbox(read())).messages[0]!.text).toBe('X-Nul Name: v\r\nSubject: n\r\n\r\nbody \0 kept\r\n');
  });

  it('removes CRs; a CR without LF is a loss, and under strict nothing is written', async () => {
    const r = await append([msg('Subject: c\r\n\r\nab\rcd\r\n\rFrom x\r\n')]);
    expect(header()).toContain('Subject: c\n\nabcd\n>From x\n\n');
    expect(r.losses).toEqual(new Map([['bare-cr', new Map([['CR not followed by LF', 1]])]]));
    const before = read();
    await expect(append([msg('Subject: ok\r\n\r\nok\r\n'), msg('a\rb\r\n')], { strict: true })).rejects.toBeInstanceOf(LossyCopy);
    expect(read()).toBe(before);
  });

  it('ends a text without a final newline with one (and a header-only text with an empty line)', async () => {
    const r = await append([msg('Subject: n\r\n\r\nno newline'), msg('only a header line'), msg('Subject: h\r\n')]);
    expect(header()).toContain('Subject: n\n\nno newline\nFrom user@host');
    expect(header()).toContain('X-Keywords:\nonly a header line\n\nFrom user@host');
    expect(header().endsWith('X-Keywords:\nSubject: h\n\n')).toBe(true);
    expect(r.changes).toEqual(new Map([['newline-added', 3]]));
    // as c-client reads its own appends of these texts (checked with mailutil copy from mbx)
    const back = await readMailbox(read());
    expect(back.messages.map((m) => m.text)).toEqual([
      'Subject: n\r\n\r\nno newline\r\n', 'only a header line\r\n\r\n', 'Subject: h\r\n\r\n',
    ]);
  });

  it('keeps NUL bytes (c-client writes 0x80, but reads a NUL back unchanged)', async () => {
    await append([msg('Subject: z\r\n\r\nnul:\0:end\r\n')]);
    expect(header()).toContain('\n\nnul:\0:end\n\n');
    expect((await readMailbox(read())).messages[0]!.text).toBe('Subject: z\r\n\r\nnul:\0:end\r\n');
  });

  it('reads back every message as it was given, whatever its lines', async () => {
    const texts = [
      'Subject: a\r\n\r\nline\r\n\r\n\r\n',
      'Subject: b\r\n\r\n',
      'Subject: c\r\n X-UID: cont\r\n\r\n>From x\r\n',
      `Subject: d\r\n\r\n${'long '.repeat(5000)}\r\n`,
    ];
    await append(texts.map((t) => msg(t)));
    expect((await readMailbox(read())).messages.map((m) => m.text)).toEqual(texts);
  });

  it('puts a LF before the first message when the file does not end with one', async () => {
    fs.writeFileSync(file, 'From a Wed Dec  2 05:53:22 1992\n\nlast line');
    await append([msg('Subject: s\r\n\r\nx\r\n')]);
    expect(read()).toBe(
      'From a Wed Dec  2 05:53:22 1992\n\nlast line\n' +
      'From user@host Mon May  7 20:54:30 2001 -0700\nStatus: \nX-Status: \nX-Keywords:\nSubject: s\n\nx\n\n',
    );
    expect((await readMailbox(read())).messages.length).toBe(2);
  });
});

describe('keywords on append', () => {
  it('writes declared keywords by their declared spelling, in bit order', async () => {
    await unixDriver.create(localRef(file), testContext(), { meta: { keywords: ['work', '$Label1', 'Junk'] } });
    const before = read();
    await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: ['junk', 'WORK'] })]);
    expect(read().slice(before.length)).toContain('X-Keywords: work Junk\n');
    expect((await readMailbox(read())).messages[0]!.keywords).toEqual(['work', 'Junk']);
  });

  it('declares new keywords in the pseudo-message\'s X-IMAP line', async () => {
    await unixDriver.create(localRef(file), testContext(), { meta: { uidValidity: 77, uidLast: 3, keywords: ['work'] } });
    const mode = 0o640;
    fs.chmodSync(file, mode);
    await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: ['new1', 'work', 'new2'] })]);
    expect(read()).toContain('\nX-IMAP: 0000000077 0000000003 work new1 new2\nStatus: RO\n');
    expect(read()).toContain('X-Keywords: work new1 new2\n');
    expect(fs.statSync(file).mode & 0o777).toBe(mode);
    expect(fs.readdirSync(dir)).toEqual(['box']);
    const back = await readMailbox(read());
    expect(back.meta.keywords).toEqual(['work', 'new1', 'new2']);
    expect(back.messages[0]!.keywords).toEqual(['work', 'new1', 'new2']);
  });

  it('rewrites an X-IMAPbase line, or adds one to a mailbox without mailbox data', async () => {
    fs.writeFileSync(file, 'From a Wed Dec  2 05:53:22 1992\nX-IMAPbase: 10 20 old\nSubject: 1\n\none\n');
    await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: ['new'] })]);
    expect(read()).toMatch(/^From a Wed Dec {2}2 05:53:22 1992\nX-IMAPbase: 10 20 old new\nSubject: 1\n/);

    fs.writeFileSync(file, 'From a Wed Dec  2 05:53:22 1992\nSubject: 1\n\none\n');
    await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: ['new'] })]);
    expect(read()).toMatch(/^From a Wed Dec {2}2 05:53:22 1992\nX-IMAPbase: 1793840523 0 new\nSubject: 1\n/);
    expect((await readMailbox(read())).messages.map((m) => [m.uid, m.keywords])).toEqual([[1, []], [2, ['new']]]);
  });

  it('turns an empty file into a unix mailbox', async () => {
    fs.writeFileSync(file, '');
    await append([msg('Subject: e\r\n\r\ne\r\n', { keywords: ['kw'] })]);
    expect(read()).toBe(
      'From user@host Mon May  7 20:54:30 2001 -0700\nX-IMAPbase: 1793840523 0 kw\nStatus: \nX-Status: \nX-Keywords: kw\n' +
      'Subject: e\n\ne\n\n',
    );
    expect(await unixDriver.probe(file)).toBe(true);
  });

  it('holds at most 30 keywords: the rest are losses, and strict refuses', async () => {
    await unixDriver.create(localRef(file), testContext());
    const names = Array.from({ length: 32 }, (_, i) => `k${i}`);
    const r = await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: [...names, 'bad(name'] })]);
    expect(r.losses).toEqual(new Map([['keyword', new Map([['k30', 1], ['k31', 1], ['bad(name', 1]])]]));
    expect((await readMailbox(read())).meta.keywords).toEqual(names.slice(0, 30));
    const before = read();
    await expect(append([msg('x\r\n', { keywords: ['k31'] })], { strict: true }))
      .rejects.toThrow(new LossyCopy('--strict: box (unix) cannot hold the keyword k31; nothing was written'));
    expect(read()).toBe(before);
  });

  it('cannot declare keywords while another process holds the mailbox read-write', async () => {
    await unixDriver.create(localRef(file), testContext());
    const holder = await unixDriver.open(localRef(file), 'write', testContext());
    try {
      const r = await append([msg('Subject: k\r\n\r\nk\r\n', { keywords: ['new'] })]);
      expect(r.losses).toEqual(new Map([['keyword', new Map([['new', 1]])]]));
      expect(read()).toContain('X-Keywords:\n');
    } finally {
      await holder.close();
    }
  });
});

describe('kept UIDs', () => {
  it('writes X-UID and raises the pseudo-message\'s last UID in place', async () => {
    await unixDriver.create(localRef(file), testContext(), { meta: { uidValidity: 500, uidLast: 4 } });
    const r = await append([msg('a\r\n', { uid: 2 }), msg('b\r\n', { uid: 9 })], { keepUids: true });
    expect(r.uids).toEqual([2, 9]);
    expect(read()).toContain('\nX-IMAP: 0000000500 0000000009\n');
    expect(read()).toContain('X-Keywords:\nX-UID: 2\na\n');
    const back = await readMailbox(read());
    expect(back.meta).toEqual({ uidValidity: 500, uidLast: 9, keywords: [] });
    expect(back.messages.map((m) => m.uid)).toEqual([2, 9]);
    expect(back.warnings).toEqual([]);
  });

  it('gives a UID that cannot be kept the next free one, and says so', async () => {
    await unixDriver.create(localRef(file), testContext(), { meta: { uidValidity: 500, uidLast: 10 } });
    const r = await append([msg('a\r\n', { uid: 5 }), msg('b\r\n', { uid: 5 }), msg('c\r\n')], { keepUids: true });
    expect(r.uids).toEqual([5, 6, 7]);
    expect(r.losses).toEqual(new Map([['uid', new Map([['UID not kept', 2]])]]));
    // a second append into a mailbox with messages keeps only UIDs above its last
    const r2 = await append([msg('d\r\n', { uid: 8 })], { keepUids: true });
    expect(r2.uids).toEqual([11]);
    expect((await readMailbox(read())).messages.map((m) => m.uid)).toEqual([5, 6, 7, 11]);
  });

  it('keeps UIDs in a mailbox opened read-write for the copy, across batches', async () => {
    await unixDriver.create(localRef(file), testContext(), { meta: { uidValidity: 500, uidLast: 30 } });
    const box = await unixDriver.open(localRef(file), 'write', testContext());
    const r1 = await box.append(batch([msg('a\r\n', { uid: 3 })]), { keepUids: true });
    const r2 = await box.append(batch([msg('b\r\n', { uid: 2 }), msg('c\r\n', { uid: 7 })]), { keepUids: true });
    expect([...r1.uids, ...r2.uids]).toEqual([3, 4, 7]);
    expect((await dump(box)).map((m) => m.uid)).toEqual([3, 4, 7]);
    await box.close();
    expect((await readMailbox(read())).messages.map((m) => m.uid)).toEqual([3, 4, 7]);
  });
});

describe('all or nothing', () => {
  it('leaves the file byte for byte as it was when the source fails midway', async () => {
    await unixDriver.create(localRef(file), testContext(), { meta: { keywords: ['a'] } });
    await append([msg('Subject: first\r\n\r\n1\r\n')]);
    // a read-write session rewrites the mailbox once to mark its message seen: do that first
    await (await unixDriver.open(localRef(file), 'write', testContext())).close();
    const before = fs.readFileSync(file);
    const big = 'x'.repeat(3 << 20);
    const messages = Array.from({ length: 5 }, (_, i) => msg(`Subject: ${i}\r\n\r\n${big}\r\n`, { keywords: ['new'] }));
    for (const mode of ['read', 'write'] as const) {
      const box = await unixDriver.open(localRef(file), mode, testContext());
      await expect(box.append(batch(messages, 4), {})).rejects.toThrow('source failed');
      await box.close();
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    }
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });
});
