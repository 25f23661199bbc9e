// Writing mx folders as c-client does (formats-dir.md 3.6): create, append
// (files by UID, CRLF bytes as given, mtime = internal date in UTC, atime =
// now, keywords created in order of first use, kept UIDs), all or nothing,
// losses named, flag changes and expunges in the index rewritten in place
// (the spec's verified bytes), delete and rename, and the exclusive flock.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxDriver } from '../../../src/drivers/mx/index.js';
import { BadName, LossyCopy, MailboxLocked, ReadOnlyMailbox, Unsupported } from '../../../src/errors.js';
import { flockNow } from '../../../src/locks/index.js';
import { createMailbox, deleteMailbox, renameMailbox } from '../../../src/store/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import {
  batch, collect, context, newMessage, PINNED, readIndex, ref, SPEC_FILES, SPEC_INDEX, tempDir, writeMx,
} from './helpers.js';

process.env.TZ = 'UTC';

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
const NOW = Math.floor(PINNED.getTime() / 1000);
const numbered = (dir: string): string[] => fs.readdirSync(dir).filter((e) => /^\d+$/.test(e)).sort((a, b) => Number(a) - Number(b));

describe('create', () => {
  it('makes the directory (0700) and an index (0600) with a UID validity at once', async () => {
    const dir = tempDir();
    await mxDriver.create(ref(dir, 'new'), context().ctx);
    const box = path.join(dir, 'new');
    expect(fs.statSync(box).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(box, '.mxindex')).mode & 0o777).toBe(0o600);
    expect(readIndex(box)).toBe(`V${hex8(NOW)}L00000000`);
  });

  it('keeps the UID validity, last UID and keywords it is given (valid, unique, at most 30)', async () => {
    const dir = tempDir();
    const keywords = ['work', 'bad word', 'Work', ...Array.from({ length: 40 }, (_, i) => `k${i}`)];
    await mxDriver.create(ref(dir, 'new'), context().ctx, { meta: { uidValidity: 1700000000, uidLast: 30, keywords } });
    const expected = ['work', ...Array.from({ length: 29 }, (_, i) => `k${i}`)];
    expect(readIndex(path.join(dir, 'new'))).toBe(`V6553f100L0000001e${expected.map((k) => `K${k}\n`).join('')}`);
  });

  it.each(['123', 'dir/123', 'a//b', '2024/archive'])('refuses a name with an all-digit or empty component (%s)', async (name) => {
    const dir = tempDir();
    await expect(mxDriver.create(ref(dir, name), context().ctx)).rejects.toThrow(BadName);
    await expect(mxDriver.create(ref(dir, name), context().ctx)).rejects.toThrow(`Can't create mailbox ${name}: invalid MX-format name`);
  });

  it('through the store: #driver.mx/ names make mx folders, and an existing name is refused', async () => {
    const dir = tempDir();
    const { ctx } = context();
    expect(await createMailbox(ref(dir, 'a/b', { createFormat: 'mx' }), ctx)).toBe('mx');
    await expect(createMailbox(ref(dir, 'a/b', { createFormat: 'mx' }), ctx)).rejects.toThrow(/already exists/);
    expect(mxDriver.isInternal!('.mxindex') && mxDriver.isInternal!('17') && !mxDriver.isInternal!('child')).toBe(true);
  });
});

describe('append', () => {
  it('writes a file per message named by UID, bytes as given, dated by mtime, and the index', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    const text = 'Subject: new\r\n\r\nbare\rCR, NUL \0 and 8-bit \xe9 kept\r\n';
    const result = await mb.append(batch([
      newMessage(text, { flags: ['\\Seen', '\\Draft'], keywords: ['urgent', 'new1', 'NEW1', 'new2'] }),
      newMessage('Subject: zoned\r\n\r\n.\r\n', { keywords: ['new2'] }, { ms: Date.UTC(2023, 10, 23, 6, 2, 3), zone: -300 }),
    ]));
    expect(result.uids).toEqual([6, 7]);
    expect(fs.readFileSync(path.join(box, '6')).toString('latin1')).toBe(text);
    // 23-Nov-2023 01:02:03 -0500 is stored as 06:02:03 UTC
    const st = fs.statSync(path.join(box, '7'));
    expect(st.mtimeMs).toBe(Date.UTC(2023, 10, 23, 6, 2, 3));
    expect(st.atimeMs).toBe(PINNED.getTime());
    expect(readIndex(box)).toBe(
      'V6b058c12L00000007Kwork\nKurgent\nKpersonal\nKnew1\nKnew2\n'
      + 'M00000002;00000003.000dM00000003;00000001.0022M00000004;00000000.0000M00000005;00000004.0001'
      + 'M00000006;0000001a.0021M00000007;00000010.0000',
    );
    // the zone is the one thing mx cannot keep
    expect([...result.losses]).toEqual([['date-zone', new Map([['zone other than +0000', 1]])]]);
    const seen = await collect(mb.messages());
    expect(seen.at(-1)).toMatchObject({ uid: 7, internalDate: '23-Nov-2023 06:02:03 +0000', keywords: ['new2'], recent: true });
  });

  it('keeps UIDs when asked, above the last file; a UID that cannot be kept is named', async () => {
    const dir = tempDir();
    await mxDriver.create(ref(dir, 'copy'), context().ctx, { meta: { uidValidity: 1234, uidLast: 30 } });
    const mb = await mxDriver.open(ref(dir, 'copy'), 'write', context().ctx);
    const result = await mb.append(batch([
      newMessage('a\r\n', { uid: 3 }), newMessage('b\r\n', { uid: 26 }), newMessage('c\r\n', { uid: 20 }),
    ]), { keepUids: true });
    expect(result.uids).toEqual([3, 26, 31]);
    expect([...result.losses]).toEqual([['uid', new Map([['not above the previous UID', 1]])]]);
    expect(numbered(path.join(dir, 'copy'))).toEqual(['3', '26', '31']);
    expect(mb.meta).toMatchObject({ uidValidity: 1234, uidLast: 31 });
  });

  it('takes the next UID above every file even where c-client\'s index says less (no collision)', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, { ...SPEC_FILES, 9: { text: 'stray\r\n' } });
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    expect((await mb.append(batch([newMessage('x\r\n')]))).uids).toEqual([10]);
    expect(readIndex(box)).toMatch(/^V6b058c12L0000000a/);
  });

  it('is all or nothing: a failure half-way removes the files written and leaves the index as it was', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    async function* failing(): AsyncIterable<NewMessage> {
      yield newMessage('one\r\n', { keywords: ['brandnew'] });
      yield newMessage('two\r\n');
      throw new Error('the source broke');
    }
    await expect(mb.append(failing())).rejects.toThrow('the source broke');
    expect(numbered(box)).toEqual(['2', '3', '4', '5']);
    expect(readIndex(box)).toBe(SPEC_INDEX);
  });

  it('an empty message is refused and nothing stays written', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    await expect(mb.append(batch([newMessage('ok\r\n'), newMessage('')]))).rejects.toThrow(Unsupported);
    expect(numbered(box)).toEqual(['2', '3', '4', '5']);
    expect(readIndex(box)).toBe(SPEC_INDEX);
  });

  it('strictly, the first loss throws LossyCopy and nothing stays written', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    const err = await mb.append(batch([
      newMessage('utc\r\n', { keywords: ['fresh'] }),
      newMessage('zoned\r\n', {}, { ms: Date.UTC(2020, 0, 1), zone: 60 }),
    ]), { strict: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LossyCopy);
    expect((err as Error).message).toMatch(/can't keep the zone \+0100/);
    expect(numbered(box)).toEqual(['2', '3', '4', '5']);
    expect(readIndex(box)).toBe(SPEC_INDEX);
  });

  it('a 31st keyword and an invalid one are named, not stored', async () => {
    const dir = tempDir();
    const names = Array.from({ length: 30 }, (_, i) => `k${i}`);
    await mxDriver.create(ref(dir, 'full'), context().ctx, { meta: { keywords: names } });
    const mb = await mxDriver.open(ref(dir, 'full'), 'write', context().ctx);
    const result = await mb.append(batch([newMessage('x\r\n', { keywords: ['k29', 'extra', 'bad word'] })]));
    expect([...result.losses]).toEqual([['keyword', new Map([['extra', 1], ['bad word', 1]])]]);
    expect((await collect(mb.messages()))[0]!.keywords).toEqual(['k29']);
  });

  it('waits for c-client\'s exclusive flock on .mxindex, then fails with MailboxLocked and writes nothing', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context({ lockTimeoutMs: 300 }).ctx);
    const fd = fs.openSync(path.join(box, '.mxindex'), 'r+');
    try {
      flockNow(fd, 'exclusive');
      await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toThrow(MailboxLocked);
      expect(numbered(box)).toEqual(['2', '3', '4', '5']);
      // a reader keeps writers out too
      flockNow(fd, 'unlock');
      flockNow(fd, 'shared');
      await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toThrow(MailboxLocked);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a read-only session cannot append', async () => {
    const dir = tempDir();
    writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'read', context().ctx);
    await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toThrow(ReadOnlyMailbox);
  });
});

describe('flag changes and expunge (the spec\'s verified sequence)', () => {
  it('\\Flagged and a new keyword on UID 3: record M00000003;00000009.0026 and Knewkw', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    await mb.store([3], { add: { flags: ['\\Flagged'], keywords: ['newkw'] } });
    expect(readIndex(box)).toBe(
      'V6b058c12L00000005Kwork\nKurgent\nKpersonal\nKnewkw\n'
      + 'M00000002;00000003.000dM00000003;00000009.0026M00000004;00000000.0000M00000005;00000004.0001',
    );
  });

  it('the prune: files 3 and 4 unlinked, their records gone, L unchanged', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const { ctx, notes } = context();
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', ctx);
    await mb.store([3], { add: { flags: ['\\Flagged'], keywords: ['newkw'] } });
    await mb.store([3, 4], { add: { flags: ['\\Deleted'] } });
    expect(await mb.expunge()).toBe(2);
    expect(numbered(box)).toEqual(['2', '5']);
    expect(readIndex(box)).toBe('V6b058c12L00000005Kwork\nKurgent\nKpersonal\nKnewkw\nM00000002;00000003.000dM00000005;00000004.0001');
    expect(notes).toEqual(['Expunged 2 messages']);
  });

  it('removing flags and keywords; unknown UIDs and unknown keywords to remove are ignored; no change, no write', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    const before = fs.statSync(path.join(box, '.mxindex')).mtimeMs;
    await mb.store([99], { add: { flags: ['\\Seen'] } });
    await mb.store([4], { remove: { flags: ['\\Seen'], keywords: ['nosuch'] } });
    expect(fs.statSync(path.join(box, '.mxindex')).mtimeMs).toBe(before);
    await mb.store([2, 99], { remove: { flags: ['\\Seen', '\\Answered'], keywords: ['URGENT'] } });
    expect(readIndex(box)).toContain('M00000002;00000001.0004M');
  });

  it('expunge of given UIDs only touches those', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    await mb.store([2, 4], { add: { flags: ['\\Deleted'] } });
    // 3 is \Deleted in the index already
    expect(await mb.expunge([3, 4])).toBe(2);
    expect(numbered(box)).toEqual(['2', '5']);
  });

  it('the index is rewritten in place: same inode, so c-client\'s flock on it still counts', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const ino = fs.statSync(path.join(box, '.mxindex')).ino;
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'write', context().ctx);
    await mb.store([5], { add: { flags: ['\\Answered'] } });
    await mb.store([2], { add: { flags: ['\\Deleted'] } });
    await mb.expunge();
    await mb.append(batch([newMessage('x\r\n')]));
    expect(fs.statSync(path.join(box, '.mxindex')).ino).toBe(ino);
  });
});

describe('delete and rename', () => {
  it('delete removes the index and the messages, and keeps a child mailbox (warning, as c-client)', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    fs.mkdirSync(path.join(box, 'child'));
    const { ctx, warnings } = context();
    await deleteMailbox(ref(dir, 'mx1'), ctx);
    expect(fs.readdirSync(box)).toEqual(['child']);
    expect(warnings).toEqual(['Can\'t delete name mx1: Directory not empty']);
    const plain = writeMx(dir, 'mx2', SPEC_INDEX, SPEC_FILES);
    await deleteMailbox(ref(dir, 'mx2'), ctx);
    expect(fs.existsSync(plain)).toBe(false);
  });

  it('rename moves the directory; the new name must be a valid mx name', async () => {
    const dir = tempDir();
    writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const { ctx } = context();
    await expect(renameMailbox(ref(dir, 'mx1'), ref(dir, 'x/2024'), ctx)).rejects.toThrow('invalid MX-format name');
    await renameMailbox(ref(dir, 'mx1'), ref(dir, 'x/renamed'), ctx);
    expect(readIndex(path.join(dir, 'x/renamed'))).toBe(SPEC_INDEX);
  });

  it('renaming INBOX moves its messages and index and leaves an empty mx INBOX', async () => {
    const dir = tempDir();
    writeMx(dir, 'INBOX', SPEC_INDEX, SPEC_FILES);
    const { ctx } = context();
    const inbox = ref(dir, 'INBOX', { isInbox: true, inboxExplicit: true });
    await mxDriver.rename(inbox, ref(dir, 'old'), ctx);
    expect(numbered(path.join(dir, 'old'))).toEqual(['2', '3', '4', '5']);
    expect(readIndex(path.join(dir, 'old'))).toBe(SPEC_INDEX);
    expect(fs.readdirSync(path.join(dir, 'INBOX'))).toEqual(['.mxindex']);
    expect(readIndex(path.join(dir, 'INBOX'))).toBe(`V${hex8(NOW)}L00000000`);
  });
});
