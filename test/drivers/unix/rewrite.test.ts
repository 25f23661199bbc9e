// Read-write sessions (formats-flat.md 2.9, 2.10): flag changes kept in memory,
// the file rewritten at expunge or close in c-client's layout (status block at
// the end of the header, padded; pseudo-message regenerated), and 2.14's
// worked example reproduced byte for byte.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { rewriteBlock } from '../../../src/drivers/berkeley/status-block.js';
import { ReadOnlyMailbox } from '../../../src/errors.js';
import { FLAG_BITS } from '../../../src/mail/flags.js';
import type { NewMessage } from '../../../src/store/types.js';
import { dump, localRef, PSEUDO_BODY, readMailbox, tempDir, testContext } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'box');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (): string => fs.readFileSync(file, 'latin1');

describe('status block padding (2.9)', () => {
  const seen = FLAG_BITS['\\Seen'];
  it('pads X-Keywords so that the block is 50 bytes up to the last keyword', () => {
    expect(rewriteBlock({ flags: 0, old: true, keywords: [], uid: 3 }))
      .toBe(`Status: O\nX-Status: \nX-Keywords:${' '.repeat(18)}\nX-UID: 3\n\n`);
    expect(rewriteBlock({ flags: 0, old: false, keywords: [], uid: 3 }))
      .toBe(`Status: \nX-Status: \nX-Keywords:${' '.repeat(19)}\nX-UID: 3\n\n`);
    expect(rewriteBlock({ flags: seen | FLAG_BITS['\\Answered'], old: true, keywords: ['work', '$Label1'], uid: 2 }))
      .toBe('Status: RO\nX-Status: A\nX-Keywords: work $Label1   \nX-UID: 2\n\n');
  });

  it('pads to 80 with X-IMAPbase, and not at all once the keywords are longer', () => {
    expect(rewriteBlock({ base: { uidValidity: 1700000000, uidLast: 30, keywords: ['work', '$Label1', 'Junk'] },
      flags: seen, old: true, keywords: [], uid: 1 }))
      .toBe('X-IMAPbase: 1700000000 30 work $Label1 Junk\nStatus: RO\nX-Status: \nX-Keywords:   \nX-UID: 1\n\n');
    const long = ['a'.repeat(30), 'b'.repeat(20)];
    expect(rewriteBlock({ flags: 0, old: true, keywords: long, uid: 9 }))
      .toBe(`Status: O\nX-Status: \nX-Keywords: ${long.join(' ')}\nX-UID: 9\n\n`);
  });
});

describe('the worked example of 2.14', () => {
  const SOURCE =
    'From MAILER-DAEMON Mon Jan  1 00:00:00 2001\nX-IMAP: 1000000000 0000000010 work $Label1 Junk\n\npseudo\n\n' +
    'From alice@example.com Mon May  7 20:54:30 2001 -0700\nFrom: Alice <alice@example.com>\nTo: bob@example.com\n' +
    'Subject: one\nDate: Mon, 7 May 2001 20:54:30 -0700\nStatus: RO\nX-Status: A\nX-Keywords: work $Label1\nX-UID: 5\n\n' +
    'Hello Bob.\n\n' +
    'From bob@example.com Wed Dec  2 05:53:22 1992\nFrom: Bob <bob@example.com>\nSubject: two\nStatus: O\n' +
    'X-Status: DFT\nX-Keywords: Junk\nX-UID: 7\n\nSecond.\nFrom here on\n>From there\n\n' +
    'From carol@example.com Tue Jan  9 03:04:05 PST 2007\nFrom: Carol <carol@example.com>\nSubject: three\n\nThird.\n';

  const RESULT =
    'From MAILER-DAEMON Thu Nov  5 01:02:03 2026\nDate: 05 Nov 2026 01:02:03 +0000\n' +
    'From: Mail System Internal Data <MAILER-DAEMON@host>\n' +
    "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nMessage-ID: <1793840523@host>\n" +
    'X-IMAP: 1793840523 0000000004 work $Label1 Junk\nStatus: RO\n\n' + PSEUDO_BODY + '\n' +
    'From user@host Mon May  7 20:54:30 2001 -0700\nFrom: Alice <alice@example.com>\nTo: bob@example.com\n' +
    'Subject: one\nDate: Mon, 7 May 2001 20:54:30 -0700\nStatus: RO\nX-Status: A\nX-Keywords: work $Label1   \n' +
    'X-UID: 2\n\nHello Bob.\n\n' +
    'From user@host Wed Dec  2 05:53:22 1992 +0000\nFrom: Bob <bob@example.com>\nSubject: two\nStatus: O\n' +
    'X-Status: DFT\nX-Keywords: Junk          \nX-UID: 3\n\nSecond.\n>From here on\n>From there\n\n' +
    'From user@host Tue Jan  9 03:04:05 2007 -0800\nFrom: Carol <carol@example.com>\nSubject: three\nStatus: O\n' +
    'X-Status: \nX-Keywords:                  \nX-UID: 4\n\nThird.\n\n';

  // mailsmith's rewrite keeps \Recent, as c-client's own appender does (2.8 step 3, 2.9):
  // recent messages get no O, and X-Keywords one more byte of padding than RESULT's
  const RESULT_KEEPING_RECENT = RESULT
    .replace('Status: RO\nX-Status: A\nX-Keywords: work $Label1   \n', 'Status: R\nX-Status: A\nX-Keywords: work $Label1    \n')
    .replace('Status: O\nX-Status: DFT\nX-Keywords: Junk          \n', 'Status: \nX-Status: DFT\nX-Keywords: Junk           \n')
    .replace('Status: O\nX-Status: \nX-Keywords:                  \n', 'Status: R\nX-Status: \nX-Keywords:                  \n');

  it('reads the source as c-client does', async () => {
    const r = await readMailbox(SOURCE);
    expect(r.messages.map((m) => [m.uid, m.flags, m.keywords, m.recent, m.internalDate])).toEqual([
      [5, ['\\Seen', '\\Answered'], ['work', '$Label1'], false, ' 7-May-2001 20:54:30 -0700'],
      [7, ['\\Deleted', '\\Flagged', '\\Draft'], ['Junk'], false, ' 2-Dec-1992 05:53:22 +0000'],
      [11, [], [], true, ' 9-Jan-2007 03:04:05 -0800'],
    ]);
  });

  it('copies into a new mailbox and rewrites it in c-client\'s layout', async () => {
    const src = path.join(dir, 'src');
    fs.writeFileSync(src, SOURCE, 'latin1');
    const ctx = testContext();
    // as mailutil copy -kw: the mailbox is created knowing the keywords, and its dummy message burned UID 1
    await unixDriver.create(localRef(file), ctx, { meta: { uidLast: 1, keywords: ['work', '$Label1', 'Junk'] } });
    const source = await unixDriver.open(localRef(src), 'read', ctx);
    const dest = await unixDriver.open(localRef(file), 'read', ctx);
    async function* feed(): AsyncGenerator<NewMessage> {
      for await (const m of source.messages()) {
        yield { text: await m.text(), internalDate: m.internalDate, flags: m.flags, keywords: m.keywords };
      }
    }
    const r = await dest.append(feed());
    await dest.close();
    await source.close();
    expect(r.changes).toEqual(new Map([['from-quoted', 1]]));
    const appended = read();
    // opening read-write writes nothing by itself
    await (await unixDriver.open(localRef(file), 'write', ctx)).close();
    expect(read()).toBe(appended);
    // a flag change makes the session rewrite the file at close
    const rw = await unixDriver.open(localRef(file), 'write', ctx);
    await rw.store([4], { add: { flags: ['\\Seen'] } });
    await rw.close();
    expect(read()).toBe(RESULT_KEEPING_RECENT);
    expect(ctx.warnings).toEqual([]);
  });
});

describe('flag changes and expunge (2.10)', () => {
  const F = (n: number): string => `From u${n} Wed Dec  2 05:53:22 1992\nSubject: ${n}\n\nbody ${n}\n\n`;
  const FIVE = [1, 2, 3, 4, 5].map(F).join('');

  it('keeps flag changes in memory until close, then writes them', async () => {
    fs.writeFileSync(file, FIVE);
    const box = await unixDriver.open(localRef(file), 'write', testContext());
    await box.store([2, 4], { add: { flags: ['\\Flagged', '\\Seen'], keywords: ['todo'] } });
    await box.store([4], { remove: { flags: ['\\Seen'] } });
    expect(read()).toBe(FIVE);
    expect((await dump(box)).map((m) => [m.uid, m.flags, m.keywords])).toEqual([
      [1, [], []], [2, ['\\Seen', '\\Flagged'], ['todo']], [3, [], []], [4, ['\\Flagged'], ['todo']], [5, [], []],
    ]);
    await box.close();
    const r = await readMailbox(read());
    expect(r.meta.keywords).toEqual(['todo']);
    // the messages were new and stay new: mailsmith is not a mail reader
    expect(r.messages.map((m) => [m.uid, m.flags, m.keywords, m.recent])).toEqual([
      [1, [], [], true], [2, ['\\Seen', '\\Flagged'], ['todo'], true], [3, [], [], true],
      [4, ['\\Flagged'], ['todo'], true], [5, [], [], true],
    ]);
    expect(read()).toMatch(/^From u1 Wed Dec {2}2 05:53:22 1992\nSubject: 1\nX-IMAPbase: 1793840523 5 todo\nStatus: \n/);
  });

  it('expunges only deleted messages (and only those listed), keeping mode and owner', async () => {
    fs.writeFileSync(file, FIVE);
    fs.chmodSync(file, 0o640);
    const ctx = testContext();
    const box = await unixDriver.open(localRef(file), 'write', ctx);
    await box.store([1, 2, 4], { add: { flags: ['\\Deleted'] } });
    expect(await box.expunge([2, 3, 4])).toBe(2);
    expect(ctx.notes).toEqual(['Assigning new unique identifiers to all messages', 'Expunged 2 messages']);
    const after = await dump(box);
    expect(after.map((m) => m.uid)).toEqual([1, 3, 5]);
    // what the session shows after the rewrite is what the file now says
    const fresh = await readMailbox(read());
    expect(fresh.messages).toEqual(after);
    expect(await box.expunge()).toBe(1);
    await box.close();
    expect((await readMailbox(read())).messages.map((m) => m.uid)).toEqual([3, 5]);
    expect(fs.statSync(file).mode & 0o777).toBe(0o640);
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it('says when there was nothing to do', async () => {
    fs.writeFileSync(file, FIVE);
    const ctx = testContext();
    const box = await unixDriver.open(localRef(file), 'write', ctx);
    await box.close();
    const clean = read();
    const again = await unixDriver.open(localRef(file), 'write', ctx);
    expect(await again.expunge()).toBe(0);
    await again.close();
    expect(ctx.notes.at(-1)).toBe('No messages deleted, so no update needed');
    expect(read()).toBe(clean);
  });

  it('leaves a pseudo-message with the old UID validity and last UID when every message goes', async () => {
    fs.writeFileSync(file, `From u Wed Dec  2 05:53:22 1992\nX-IMAPbase: 1234 40 kw\nX-UID: 38\n\nx\n\n${F(2)}`);
    const box = await unixDriver.open(localRef(file), 'write', testContext());
    await box.store([38, 41], { add: { flags: ['\\Deleted'] } });
    expect(await box.expunge()).toBe(2);
    await box.close();
    expect(read()).toBe(
      'From MAILER-DAEMON Thu Nov  5 01:02:03 2026\nDate: 05 Nov 2026 01:02:03 +0000\n' +
      'From: Mail System Internal Data <MAILER-DAEMON@host>\n' +
      "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA\nMessage-ID: <1793840523@host>\n" +
      'X-IMAP: 0000001234 0000000041 kw\nStatus: RO\n\n' + PSEUDO_BODY + '\n',
    );
    expect((await readMailbox(read())).meta).toEqual({ uidValidity: 1234, uidLast: 41, keywords: ['kw'] });
  });

  it('takes in messages another process appended during the session', async () => {
    fs.writeFileSync(file, FIVE);
    const box = await unixDriver.open(localRef(file), 'write', testContext());
    fs.appendFileSync(file, F(6));
    await box.store([6], { add: { flags: ['\\Deleted'] } });
    expect((await dump(box)).map((m) => [m.uid, m.flags])).toEqual([[1, []], [2, []], [3, []], [4, []], [5, []], [6, ['\\Deleted']]]);
    expect(await box.expunge()).toBe(1);
    await box.close();
    expect((await readMailbox(read())).messages.map((m) => m.uid)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses store and expunge on a read-only session', async () => {
    fs.writeFileSync(file, FIVE);
    const box = await unixDriver.open(localRef(file), 'read', testContext());
    await expect(box.store([1], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(box.expunge()).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await box.close();
  });
});
