// Writing mtx and tenex files as c-client does (formats-flat.md 5.4, 6; locking.md
// 6): appends (bytes, what is lost, all or nothing), flag changes in place,
// expunge by compaction and its refusal while another process has the file open,
// UIDs that stay the session's positions, and sessions that write nothing by
// themselves.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tuning } from '../../../src/drivers/tenex-family/tuning.js';
import { LossyCopy, MailboxLocked, MailsmithError, ReadOnlyMailbox, Unsupported } from '../../../src/errors.js';
import { acquireTmpLock, flockNow } from '../../../src/locks/index.js';
import { openMailbox } from '../../../src/store/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import { sharedDir } from '../../helpers/paths.js';
import {
  batch, collect, context, FAMILY, fileBytes, fileSha, flagFields, newMessage, PINNED, ref, SPEC_MESSAGES, tempDir, writeBox,
  type Family,
} from './helpers.js';
import { expectSharedFlockUntilClose } from '../../helpers/session-flock.js';

process.env.TZ = 'UTC';

const defaults = { ...tuning };
afterEach(() => Object.assign(tuning, defaults));

const golden = path.join(sharedDir(), 'corpus', 'golden');
const SPEC_DATES = [
  { ms: Date.UTC(2001, 4, 8, 3, 54, 30), zone: -420 },
  { ms: Date.UTC(1992, 11, 2, 5, 53, 22), zone: 0 },
  { ms: Date.UTC(2007, 0, 9, 11, 4, 5), zone: -480 },
];
const SPEC_FLAGS = [['\\Seen', '\\Answered'], ['\\Deleted', '\\Flagged', '\\Draft'], []] as const;
const specBatch = (extra: Partial<NewMessage> = {}): NewMessage[] =>
  SPEC_MESSAGES.map((m, i) => newMessage(m.text, { flags: [...SPEC_FLAGS[i]!], ...extra }, SPEC_DATES[i]));

async function emptyBox(f: Family): Promise<{ dir: string; p: string }> {
  const dir = tempDir();
  await f.driver.create(ref(dir, 'box'), context().ctx);
  return { dir, p: path.join(dir, 'box') };
}

/** The header lines of the file, line ends included. */
function headerLines(f: Family, p: string): string[] {
  const b = fs.readFileSync(p);
  const out: string[] = [];
  for (let pos = 0; pos < b.length;) {
    const end = b.indexOf(f.eol, pos, 'latin1') + f.eol.length;
    const line = b.toString('latin1', pos, end);
    out.push(line);
    pos = end + Number(line.slice(line.indexOf(',') + 1, line.indexOf(';')));
  }
  return out;
}

describe.each(FAMILY)('$format append (formats-flat.md 5.4, 6)', (f) => {
  it('writes the verified example: space-padded dates, stored sizes, octal flags without "old"', async () => {
    const { dir, p } = await emptyBox(f);
    const mb = await f.driver.open(ref(dir, 'box', { createFormat: f.format }), 'write', context().ctx);
    const result = await mb.append(batch(specBatch()));
    await mb.close();
    expect(result).toEqual({ appended: 3, uids: [], losses: new Map(), changes: new Map() });
    // formats-flat.md 6 (tenex) and 5.2 (mtx: the same with CR LF and sizes 120, 81, 59), as mailutil copy leaves them
    const sizes = f.format === 'mtx' ? [120, 81, 59] : [114, 75, 55];
    expect(headerLines(f, p)).toEqual([
      ` 7-May-2001 20:54:30 -0700,${sizes[0]};000000000011${f.eol}`,
      ` 2-Dec-1992 05:53:22 +0000,${sizes[1]};000000000046${f.eol}`,
      ` 9-Jan-2007 03:04:05 -0800,${sizes[2]};000000000000${f.eol}`,
    ]);
    expect(fs.readFileSync(p).equals(fileBytes(f, SPEC_MESSAGES))).toBe(true);
  });

  it('writes the golden source\'s messages byte for byte as mailutil copy did, naming the keywords it drops', async () => {
    const { dir, p } = await emptyBox(f);
    const { ctx } = context();
    const source = await openMailbox(ref(golden, 'source.mbox'), 'read', ctx);
    const messages: NewMessage[] = [];
    for await (const m of source.messages()) {
      messages.push({ text: await m.text(), internalDate: m.internalDate, flags: m.flags, keywords: m.keywords, uid: m.uid });
    }
    await source.close();
    const mb = await f.driver.open(ref(dir, 'box', { createFormat: f.format }), 'write', ctx);
    const result = await mb.append(batch(messages));
    await mb.close();
    expect(fs.readFileSync(p).equals(fs.readFileSync(path.join(golden, f.format)))).toBe(true);
    // mailutil: `warning: Unknown flag: ...` for work, $Label1, Junk, $Label1 (and 3 for its dummy message)
    expect(result.losses).toEqual(new Map([['keyword', new Map([['work', 1], ['$Label1', 2], ['Junk', 1]])]]));
  });

  it('cannot keep UIDs, which are positions: each one asked for that is not its position is reported lost', async () => {
    const { dir, p } = await emptyBox(f);
    const mb = await f.driver.open(ref(dir, 'box', { createFormat: f.format }), 'write', context().ctx);
    const result = await mb.append(batch(specBatch().map((m, i) => ({ ...m, uid: 10 + i }))), { keepUids: true });
    expect(result.uids).toEqual([]);
    expect(result.losses).toEqual(new Map([['uid', new Map([['UIDs are message positions', 3]])]]));
    // a copy from another mtx or tenex file: the UIDs are the positions they land at, and stay so
    fs.appendFileSync(p, fileBytes(f, [SPEC_MESSAGES[2]!]));
    const same = await mb.append(batch([newMessage('x\r\n', { uid: 5 }), newMessage('y\r\n', { uid: 9 })]), { keepUids: true });
    expect(same.losses).toEqual(new Map([['uid', new Map([['UIDs are message positions', 1]])]]));
    // without keepUids a UID is just not asked for
    expect((await mb.append(batch([newMessage('x\r\n', { uid: 99 })]))).losses).toEqual(new Map());
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    await mb.close();
    expect(flagFields(f, p)).toHaveLength(7);
  });

  it('under strict, throws LossyCopy at the first keyword or kept UID and leaves the file as it was', async () => {
    tuning.chunkSize = 200; // the messages before the lossy one reach the file first
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    const clean = specBatch();
    await expect(mb.append(batch([...clean, ...clean, newMessage('x\r\n', { keywords: ['work'] })]), { strict: true }))
      .rejects.toThrow(new LossyCopy(`--strict: box (${f.format}) cannot hold the keyword work (it has no keywords); nothing was written`));
    expect(fileSha(p)).toBe(before);
    await expect(mb.append(batch([newMessage('x\r\n', { uid: 5 })]), { strict: true, keepUids: true })).rejects.toBeInstanceOf(LossyCopy);
    expect(fileSha(p)).toBe(before);
    await mb.close();
  });

  it(`${f.format === 'tenex' ? 'drops every CR, reporting lone ones as lost' : 'keeps every byte, lone CR and NUL included'}`, async () => {
    const { dir, p } = await emptyBox(f);
    const texts = ['Subject: a\r\n\r\nbare\rCR\r\n', 'Subject: b\r\n\r\nNUL\0 and 8-bit \xe9\r\nno final newline'];
    const mb = await f.driver.open(ref(dir, 'box', { createFormat: f.format }), 'write', context().ctx);
    const result = await mb.append(batch(texts.map((t) => newMessage(t))));
    const back = (await collect(mb.messages())).map((m) => [m.size, m.text.toString('latin1')]);
    await mb.close();
    if (f.format === 'mtx') {
      expect(result.losses).toEqual(new Map());
      expect(back).toEqual(texts.map((t) => [t.length, t]));
    } else {
      expect(result.losses).toEqual(new Map([['bare-cr', new Map([['CR not followed by LF', 1]])]]));
      const expected = ['Subject: a\r\n\r\nbareCR\r\n', texts[1]!];
      expect(back).toEqual(expected.map((t) => [t.length, t]));
      expect(fs.readFileSync(p).includes('\r')).toBe(false);
    }
  });

  it('refuses a zero-length message (c-client\'s "Append of zero-length message"), and writes nothing', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    await expect(mb.append(batch([newMessage('a\r\n'), newMessage('')]))).rejects.toThrow(Unsupported);
    // tenex would store nothing of a message of CR bytes: a SIZE 0 no reader accepts
    const crOnly = mb.append(batch([newMessage('a\r\n'), newMessage('\r\r')]));
    if (f.format === 'tenex') await expect(crOnly).rejects.toThrow(Unsupported);
    else expect((await crOnly).appended).toBe(2);
    await mb.close();
    if (f.format === 'tenex') expect(fileSha(p)).toBe(before);
  });

  it('refuses a date c-client could not read back (before 1970), and writes nothing', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    await expect(mb.append(batch([newMessage('a\r\n', {}, { ms: Date.UTC(1969, 11, 31), zone: 0 })])))
      .rejects.toThrow('box: Bad date in append: 31-Dec-1969 00:00:00 +0000');
    await mb.close();
    expect(fileSha(p)).toBe(before);
  });

  it('is all or nothing: a batch that fails half way leaves the file and its times as they were', async () => {
    tuning.chunkSize = 256;
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    // (set after the open, whose reading may move the access time)
    fs.utimesSync(p, 1_000_000_000, 1_100_000_000);
    async function* failing(): AsyncIterable<NewMessage> {
      for (let i = 0; i < 10; i++) yield newMessage(`Subject: ${i}\r\n\r\n${'z'.repeat(150)}\r\n`);
      throw new Error('source went away');
    }
    const seen: number[] = [];
    await expect(mb.append(failing(), { onMessage: (n) => seen.push(n) })).rejects.toThrow('source went away');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const st = fs.statSync(p);
    expect([st.atimeMs, st.mtimeMs]).toEqual([1_000_000_000_000, 1_100_000_000_000]);
    expect(fileSha(p)).toBe(before);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1, 2, 3]);
    await mb.close();
  });

  it('writes big messages around its buffer and small ones through it', async () => {
    tuning.chunkSize = 1000;
    const { dir } = await emptyBox(f);
    const texts = ['small\r\n', `big\r\n${'b\r\n'.repeat(2000)}`, 'small again\r\n', `${'m'.repeat(900)}\r\n`];
    const mb = await f.driver.open(ref(dir, 'box', { createFormat: f.format }), 'write', context().ctx);
    await mb.append(batch(texts.map((t) => newMessage(t))));
    expect((await collect(mb.messages())).map((m) => m.text.toString('latin1'))).toEqual(texts);
    await mb.close();
  });

  it('sets the times c-client sets: read a second ago (new mail), modified (flags) as before', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    fs.utimesSync(p, 1_000_000_000, 1_100_000_000);
    await mb.append(batch([newMessage('x\r\n')]));
    await mb.close();
    const st = fs.statSync(p);
    expect([st.atimeMs, st.mtimeMs]).toEqual([PINNED.getTime() - 1000, 1_100_000_000_000]);
  });
});

describe.each(FAMILY)('$format store (formats-flat.md 5.4)', (f) => {
  it('rewrites the flag digits in place, keyword digits and \\Recent as they were', async () => {
    const dir = tempDir();
    const messages = SPEC_MESSAGES.map((m, i) => ({ ...m, flags: ['765432100011', '000000000046', '000000000066'][i]! }));
    const p = writeBox(f, dir, 'box', messages);
    const inode = fs.statSync(p).ino;
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    await mb.store([1], { remove: { flags: ['\\Seen'] } });
    // c-client wrote ...046 -> ...067 for \Seen (its session sets "old" too); mailsmith keeps "old" as it was
    await mb.store([2, 3], { add: { flags: ['\\Seen'] } });
    await mb.store([3, 99], { add: { flags: ['\\Answered'] }, remove: { flags: ['\\Deleted'] } });
    expect((await collect(mb.messages())).map((m) => [m.flags, m.recent])).toEqual([
      [['\\Answered'], true], [['\\Seen', '\\Deleted', '\\Flagged', '\\Draft'], true], [['\\Seen', '\\Flagged', '\\Answered', '\\Draft'], false],
    ]);
    await mb.close();
    expect(flagFields(f, p)).toEqual(['765432100010', '000000000047', '000000000075']);
    const expected = fileBytes(f, messages.map((m, i) => ({ ...m, flags: flagFields(f, p)[i]! })));
    expect(fs.readFileSync(p).equals(expected)).toBe(true);
    expect(fs.statSync(p).ino).toBe(inode);
  });

  it('merges nearby fields into one write and keeps far ones apart, with the same result', async () => {
    const results: string[][] = [];
    for (const gap of [defaults.mergeGap, 0]) {
      tuning.mergeGap = gap;
      const dir = tempDir();
      const p = writeBox(f, dir, 'box', [...SPEC_MESSAGES, ...SPEC_MESSAGES, ...SPEC_MESSAGES]);
      const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
      await mb.store([1, 2, 4, 8, 9], { add: { flags: ['\\Flagged'] } });
      await mb.close();
      results.push(flagFields(f, p));
    }
    expect(results[0]).toEqual(results[1]);
    expect(results[0]).toEqual(['000000000015', '000000000046', '000000000000', '000000000015', '000000000046', '000000000000', '000000000011', '000000000046', '000000000004']);
  });

  it('warns as c-client for keywords it cannot hold, and changes nothing for them', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const { ctx, warnings } = context();
    const mb = await f.driver.open(ref(dir, 'box'), 'write', ctx);
    await mb.store([1], { add: { keywords: ['work'] }, remove: { keywords: ['Junk'] } });
    await mb.close();
    expect(warnings).toEqual(['Unknown flag: work', 'Unknown flag: Junk']);
    expect(fileSha(p)).toBe(before);
  });

  it('sets the times c-client sets after a flag change: read now, modified now', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    fs.utimesSync(p, 1_000_000_000, 1_100_000_000);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    await mb.store([1], { add: { flags: ['\\Flagged'] } });
    await mb.close();
    const st = fs.statSync(p);
    expect(st.atimeMs).toBe(PINNED.getTime());
    expect(st.mtimeMs).toBeGreaterThan(1_100_000_000_000);
  });
});

describe.each(FAMILY)('$format expunge (formats-flat.md 5.4, locking.md 6)', (f) => {
  const deleted = (i: number): string => ['000000000013', '000000000046', '000000000002'][i]!;

  it('slides the survivors down in place and truncates, when nobody else has the file open', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const inode = fs.statSync(p).ino;
    const { ctx, notes } = context();
    const mb = await f.driver.open(ref(dir, 'box'), 'write', ctx);
    expect(await mb.expunge()).toBe(1);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1, 3]);
    await mb.close();
    expect(notes).toEqual(['Expunged 1 messages']);
    expect(fs.readFileSync(p).equals(fileBytes(f, [SPEC_MESSAGES[0]!, SPEC_MESSAGES[2]!]))).toBe(true);
    expect(fs.statSync(p).ino).toBe(inode);
  });

  it('expunges only \\Deleted messages among the given UIDs, and finds them by UID after its own expunges', async () => {
    tuning.chunkSize = 100;
    const dir = tempDir();
    const messages = [...SPEC_MESSAGES, ...SPEC_MESSAGES].map((m, i) => ({ ...m, flags: deleted(i % 3) }));
    const p = writeBox(f, dir, 'box', messages);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    expect(await mb.expunge([2, 3, 77])).toBe(2);
    expect(await mb.expunge([])).toBe(0);
    // UIDs stay the session's: 1 4 5 6 remain
    await mb.store([4], { remove: { flags: ['\\Deleted'] } });
    await mb.store([5], { add: { flags: ['\\Deleted'] } });
    expect(await mb.expunge([5, 6, 1])).toBe(3);
    await mb.append(batch([newMessage('x\r\n', { flags: ['\\Deleted'] })]));
    expect((await collect(mb.messages())).map((m) => [m.uid, m.flags])).toEqual([[4, ['\\Seen', '\\Answered']], [7, ['\\Deleted']]]);
    expect(await mb.expunge([7])).toBe(1);
    await mb.close();
    expect(fs.readFileSync(p).equals(fileBytes(f, [{ ...SPEC_MESSAGES[0]!, flags: '000000000011' }]))).toBe(true);
  });

  it('refuses with c-client\'s words while another process has the file open, changing nothing', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const other = fs.openSync(p, 'r');
    const { ctx, notes } = context();
    const mb = await f.driver.open(ref(dir, 'box'), 'write', ctx);
    try {
      expect(flockNow(other, 'shared')).toBe(true);
      const err = await mb.expunge().then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(MailsmithError);
      expect(err).toMatchObject({ code: 'in-use', message: 'box: Can\'t expunge because mailbox is in use by another process' });
      expect(fileSha(p)).toBe(before);
      // nothing to expunge is no reason to refuse
      expect(await mb.expunge([1])).toBe(0);
    } finally {
      fs.closeSync(other);
    }
    // the session kept its shared lock, and once alone it can expunge
    const probe = fs.openSync(p, 'r');
    expect(flockNow(probe, 'exclusive')).toBe(false);
    fs.closeSync(probe);
    expect(await mb.expunge()).toBe(1);
    await mb.close();
    expect(notes).toEqual(['No messages deleted, so no update needed', 'Expunged 1 messages']);
  });

  it('sees \\Deleted set by another process since its last look', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES.map((m) => ({ ...m, flags: '000000000000' })));
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    // another session sets \Deleted on message 3 in place, as c-client writes flags (the mtime moves)
    const b = fs.readFileSync(p);
    const at = b.lastIndexOf(`;000000000000${f.eol}`, undefined, 'latin1') + 1;
    const fd = fs.openSync(p, 'r+');
    fs.writeSync(fd, '000000000002', at, 'latin1');
    fs.futimesSync(fd, new Date(), new Date(Date.now() + 5000));
    fs.closeSync(fd);
    expect(await mb.expunge()).toBe(1);
    await mb.close();
    expect(flagFields(f, p)).toEqual(['000000000000', '000000000000']);
  });

  it('stops a listing of its own that the expunge has overtaken, rather than read moved bytes', async () => {
    const dir = tempDir();
    writeBox(f, dir, 'box', SPEC_MESSAGES);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    const listing = mb.messages()[Symbol.asyncIterator]();
    const first = (await listing.next()).value!;
    expect(await mb.expunge()).toBe(1);
    await expect(first.text()).rejects.toThrow('the mailbox was expunged while it was being listed');
    await expect(listing.next()).rejects.toThrow('the mailbox was expunged while it was being listed');
    await mb.close();
  });
});

describe.each(FAMILY)('$format sessions and locks (locking.md 6)', (f) => {
  it('refuses to write through a read-only session, which changes nothing', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    expect(mb.writable).toBe(false);
    await collect(mb.messages());
    await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(mb.store([1], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(mb.expunge()).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await mb.close();
    expect(fileSha(p)).toBe(before);
  });

  it('writes nothing by itself in a read-write session: new mail stays \\Recent (c-client would write "old")', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    fs.utimesSync(p, 1_000_000_000, 1_100_000_000);
    const before = fileSha(p);
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.recent)).toEqual([true, true, true]);
    expect(mb.meta.uidLast).toBe(3);
    await mb.close();
    expect(fileSha(p)).toBe(before);
    expect(fs.statSync(p).mtimeMs).toBe(1_100_000_000_000);
  });

  it('holds a shared flock for the session and lets it go on close', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    for (const mode of ['read', 'write'] as const) {
      await expectSharedFlockUntilClose(p, await f.driver.open(ref(dir, 'box'), mode, context().ctx));
    }
  });

  it('waits for the /tmp lock up to lockTimeoutMs, then reports the mailbox locked', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const st = fs.statSync(p, { bigint: true });
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context({ lockTimeoutMs: 200 }).ctx);
    const held = await acquireTmpLock(st.dev, st.ino, 'exclusive', 0);
    try {
      await expect(f.driver.open(ref(dir, 'box'), 'read', context({ lockTimeoutMs: 200 }).ctx)).rejects.toBeInstanceOf(MailboxLocked);
      await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toBeInstanceOf(MailboxLocked);
      await expect(mb.store([1], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(MailboxLocked);
      await expect(mb.expunge()).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      held?.release();
    }
    // a shared /tmp lock (another session parsing) lets a reader in but holds up an append
    const shared = await acquireTmpLock(st.dev, st.ino, 'shared', 0);
    try {
      expect((await collect(mb.messages())).length).toBe(3);
      await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      shared?.release();
    }
    expect((await mb.append(batch([newMessage('x\r\n')]))).appended).toBe(1);
    await mb.close();
  });
});
