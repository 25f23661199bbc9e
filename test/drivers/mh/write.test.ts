// Writing MH folders as c-client does (formats-dir.md 4.6): create under the
// profile's root, append (numbers after the highest, CRs dropped, mtime =
// internal date, atime = now), what mh cannot keep named in AppendResult (or
// refused strictly, writing nothing), all or nothing, flag changes in memory
// only, expunge without renumbering, delete and rename, no other file written.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mhDriver } from '../../../src/drivers/mh/index.js';
import { BadName, LossyCopy, ReadOnlyMailbox } from '../../../src/errors.js';
import { createMailbox, deleteMailbox, openMailbox, renameMailbox } from '../../../src/store/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import { batch, collect, context, mhHome, mhRef, newMessage, numbered, PINNED, writeMh } from './helpers.js';

process.env.TZ = 'UTC';

describe('create', () => {
  it('#mh/ names make a directory (0700) under the root of ~/.mh_profile, parents included', async () => {
    const { home, root } = mhHome();
    expect(await createMailbox(mhRef(home, '#mh/lists/work', 'create'), context().ctx)).toBe('mh');
    const dir = path.join(root, 'lists', 'work');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(fs.readdirSync(dir)).toEqual([]);
    await expect(createMailbox(mhRef(home, '#mh/lists/work', 'create'), context().ctx)).rejects.toThrow(/already exists/);
  });

  it('refuses anything but an MH name', async () => {
    const { home } = mhHome();
    await expect(mhDriver.create(mhRef(home, 'Mail/plain'), context().ctx)).rejects.toThrow(BadName);
  });
});

describe('append', () => {
  it('numbers after the highest file, LF text without any CR, mtime = internal date, atime = now', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'a\n', mtime: 1700000000 }, 7: { text: 'b\n', mtime: 1700000000 } });
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    const result = await mb.append(batch([
      newMessage('Subject: x\r\n\r\nline\r\n'),
      newMessage('Subject: y\r\n\r\n8-bit \xe9, NUL \0\r\nno final newline', {}, { ms: Date.UTC(2023, 10, 23, 6, 2, 3), zone: -300 }),
    ]));
    expect({ appended: result.appended, uids: result.uids }).toEqual({ appended: 2, uids: [] });
    expect(numbered(dir)).toEqual(['1', '7', '8', '9']);
    const st = fs.statSync(path.join(dir, '9'));
    expect([st.mtimeMs, st.atimeMs, st.mode & 0o777]).toEqual([Date.UTC(2023, 10, 23, 6, 2, 3), PINNED.getTime(), 0o600]);
    expect(fs.readFileSync(path.join(dir, '8'), 'latin1')).toBe('Subject: x\n\nline\n');
    expect(fs.readFileSync(path.join(dir, '9'), 'latin1')).toBe('Subject: y\n\n8-bit \xe9, NUL \0\nno final newline');
    // read back: CRLF again, the date in UTC, and \Recent in this session
    const seen = await collect(mb.messages());
    expect(seen.at(-1)).toMatchObject({
      uid: 9, internalDate: '23-Nov-2023 06:02:03 +0000', recent: true,
      text: Buffer.from('Subject: y\r\n\r\n8-bit \xe9, NUL \0\r\nno final newline', 'latin1'),
    });
    expect(mb.meta.uidLast).toBe(9);
  });

  it('names what it cannot keep: each flag, each keyword, the UID when asked to keep it, zones, bare CRs', async () => {
    const { home, root } = mhHome();
    fs.mkdirSync(path.join(root, 'box'));
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    const result = await mb.append(batch([
      newMessage('a\r\n', { flags: ['\\Seen', '\\Flagged'], keywords: ['work', 'Junk'], uid: 5 }),
      newMessage('b\rc\r\n', { flags: ['\\Seen'], keywords: ['work'], uid: 9 }, { ms: Date.UTC(2020, 0, 1), zone: 330 }),
    ]), { keepUids: true });
    expect(Object.fromEntries([...result.losses].map(([k, v]) => [k, Object.fromEntries(v)]))).toEqual({
      flag: { '\\Seen': 2, '\\Flagged': 1 },
      keyword: { work: 2, Junk: 1 },
      uid: { 'mh keeps no UIDs': 2 },
      'date-zone': { 'zone other than +0000': 1 },
      'bare-cr': { 'bare CR': 1 },
    });
    expect(numbered(path.join(root, 'box'))).toEqual(['1', '2']);
  });

  it('strictly, the first loss throws LossyCopy before that message is written, and the others go again', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'old\n', mtime: 1700000000 } });
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    const err = await mb.append(batch([newMessage('plain\r\n'), newMessage('flagged\r\n', { flags: ['\\Answered'] })]), { strict: true })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LossyCopy);
    expect((err as Error).message).toBe('#mh/box can\'t hold the flag \\Answered: MH folders store no flags');
    expect(numbered(dir)).toEqual(['1']);
  });

  it('is all or nothing when the source fails half-way', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 4: { text: 'old\n', mtime: 1700000000 } });
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    async function* failing(): AsyncIterable<NewMessage> {
      yield newMessage('one\r\n');
      yield newMessage('two\r\n');
      throw new Error('the source broke');
    }
    await expect(mb.append(failing())).rejects.toThrow('the source broke');
    expect(fs.readdirSync(dir)).toEqual(['4']);
  });

  it('a big batch (more files than are fsync\'ed one by one) is flushed and numbered the same', async () => {
    const { home, root } = mhHome();
    fs.mkdirSync(path.join(root, 'big'));
    const mb = await openMailbox(mhRef(home, '#mh/big'), 'write', context().ctx);
    const messages = Array.from({ length: 150 }, (_, i) => newMessage(`Subject: ${i}\r\n\r\n${i}\r\n`));
    expect((await mb.append(batch(messages))).appended).toBe(150);
    const seen = await collect(mb.messages());
    expect(seen.map((m) => m.text.toString())).toEqual(messages.map((m) => m.text.toString()));
    expect(seen.map((m) => m.uid)).toEqual(messages.map((_m, i) => i + 1));
  });
});

describe('flags and expunge', () => {
  it('flag changes live in the session only; expunge unlinks the \\Deleted files without renumbering', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, {
      1: { text: 'a\n', mtime: 1700000000 }, 2: { text: 'b\n', mtime: 1700000000 }, 3: { text: 'c\n', mtime: 1700000000 },
    });
    const { ctx, warnings, notes } = context();
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', ctx);
    await mb.store([2, 3], { add: { flags: ['\\Deleted', '\\Flagged'], keywords: ['work'] } });
    await mb.store([3], { remove: { flags: ['\\Deleted', '\\Seen'] } });
    expect(warnings).toEqual(['Unknown flag: work']);
    expect((await collect(mb.messages())).map((m) => m.flags)).toEqual([['\\Seen'], ['\\Seen', '\\Deleted', '\\Flagged'], ['\\Flagged']]);
    expect(fs.readdirSync(dir).sort()).toEqual(['1', '2', '3']);
    // another session knows nothing of them
    const other = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    expect(await other.expunge()).toBe(0);
    expect(await mb.expunge()).toBe(1);
    expect(notes).toEqual(['Expunged 1 messages']);
    expect(numbered(dir)).toEqual(['1', '3']);
    // the next append takes the number after the highest: 4
    await mb.append(batch([newMessage('d\r\n')]));
    expect(numbered(dir)).toEqual(['1', '3', '4']);
  });

  it('expunge of given UIDs only touches those; a read-only session changes nothing', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'a\n', mtime: 1700000000 }, 2: { text: 'b\n', mtime: 1700000000 } });
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    await mb.store([1, 2], { add: { flags: ['\\Deleted'] } });
    expect(await mb.expunge([2])).toBe(1);
    expect(numbered(dir)).toEqual(['1']);
    const ro = await openMailbox(mhRef(home, '#mh/box'), 'read', context().ctx);
    await expect(ro.store([1], { add: { flags: ['\\Deleted'] } })).rejects.toThrow(ReadOnlyMailbox);
  });

  it('writes no .mh_sequences or any other file', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'a\n', mtime: 1700000000 } });
    const mb = await openMailbox(mhRef(home, '#mh/box'), 'write', context().ctx);
    await mb.store([1], { add: { flags: ['\\Answered'] } });
    await mb.append(batch([newMessage('b\r\n')]));
    await collect(mb.messages());
    await mb.close();
    expect(fs.readdirSync(dir).sort()).toEqual(['1', '2']);
    expect(fs.readdirSync(root)).toEqual(['box']);
  });
});

describe('delete and rename', () => {
  it('delete removes what MH owns and keeps the folder when other things are left (warning)', async () => {
    const { home, root } = mhHome();
    const dir = path.join(root, 'box');
    writeMh(dir, { 1: { text: 'a\n', mtime: 1700000000 }, ',2': { text: 'b\n', mtime: 1700000000 } });
    fs.writeFileSync(path.join(dir, '.mh_sequences'), 'unseen: 1\n');
    fs.mkdirSync(path.join(dir, 'child'));
    const { ctx, warnings } = context();
    await deleteMailbox(mhRef(home, '#mh/box'), ctx);
    expect(fs.readdirSync(dir)).toEqual(['child']);
    expect(warnings).toEqual(['Can\'t delete mailbox #mh/box: Directory not empty']);
    writeMh(path.join(root, 'gone'), { 1: { text: 'a\n', mtime: 1700000000 } });
    await deleteMailbox(mhRef(home, '#mh/gone'), ctx);
    expect(fs.existsSync(path.join(root, 'gone'))).toBe(false);
  });

  it('rename moves the folder, making parents; the new name must be an MH name', async () => {
    const { home, root } = mhHome();
    writeMh(path.join(root, 'box'), { 1: { text: 'a\n', mtime: 1700000000 } });
    const { ctx } = context();
    await expect(renameMailbox(mhRef(home, '#mh/box'), mhRef(home, 'plain', 'create'), ctx)).rejects.toThrow('invalid MH-format name');
    await renameMailbox(mhRef(home, '#mh/box'), mhRef(home, '#mh/a/b', 'create'), ctx);
    expect(numbered(path.join(root, 'a', 'b'))).toEqual(['1']);
  });
});
