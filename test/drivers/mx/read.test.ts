// Reading mx folders as c-client reads them: the golden folders mailutil wrote
// (with the file times EXPECTED.json records), internal dates from mtimes in
// UTC, sizes from the files, flags and keywords from the index, no \Recent,
// damage reported with c-client's words and offset, and read-only passes
// that change nothing and keep c-client out while they read.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mxDriver } from '../../../src/drivers/mx/index.js';
import { CorruptMailbox, MailboxLocked } from '../../../src/errors.js';
import { flockNow } from '../../../src/locks/index.js';
import { detect, openMailbox } from '../../../src/store/index.js';
import { goldenDiffs, loadExpected } from '../../interop/golden.js';
import { readWithMailsmith } from '../../interop/mailsmith.js';
import {
  collect, context, copyGolden, readIndex, ref, SPEC_FILES, SPEC_INDEX, tempDir, writeMx,
} from './helpers.js';

process.env.TZ = 'UTC';

const sha = (dir: string): string[] => fs.readdirSync(dir).sort().map((e) => `${e}:${fs.readFileSync(path.join(dir, e)).toString('base64')}`);

describe.each(['mx', 'mx-pruned'])('golden %s', (name) => {
  it('is detected as mx and reads as EXPECTED.json, without a warning or a changed byte', async () => {
    const dir = tempDir();
    const box = copyGolden(name, dir);
    const before = sha(box);
    expect(await detect(box)).toMatchObject({ kind: 'mailbox', driver: { format: 'mx' } });
    const dump = await readWithMailsmith(dir, name);
    expect(dump.format).toBe('mx');
    expect(goldenDiffs(dump, (await loadExpected())[name]!)).toEqual([]);
    expect(dump.warnings).toEqual([]);
    // c-client counts none of them as new: mx keeps no \Recent
    expect(dump.messages.filter((m) => m.recent)).toEqual([]);
    expect(sha(box)).toEqual(before);
  });

  it('a read-write open writes nothing either', async () => {
    const dir = tempDir();
    const box = copyGolden(name, dir);
    const before = sha(box);
    const mb = await mxDriver.open(ref(dir, name), 'write', context().ctx);
    await collect(mb.messages());
    await mb.close();
    expect(sha(box)).toEqual(before);
  });
});

describe('the spec example', () => {
  it('reports UIDs, UTC dates from mtimes, sizes, flags and keywords', async () => {
    const dir = tempDir();
    writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'read', context().ctx);
    expect(mb.meta).toEqual({ uidValidity: 0x6b058c12, uidLast: 5, keywords: ['work', 'urgent', 'personal'] });
    const seen = await collect(mb.messages());
    const size = (uid: number): number => SPEC_FILES[uid]!.text.length;
    expect(seen.map((m) => [m.uid, m.internalDate, m.flags, m.keywords, m.size, m.recent])).toEqual([
      [2, '22-Nov-2023 10:11:12 +0000', ['\\Seen', '\\Flagged', '\\Answered'], ['work', 'urgent'], size(2), false],
      [3, '23-Nov-2023 02:02:03 +0000', ['\\Deleted', '\\Draft'], ['work'], size(3), false],
      [4, '24-Nov-2023 23:59:59 +0000', [], [], size(4), false],
      [5, '28-Nov-2023 12:00:00 +0000', ['\\Seen'], ['personal'], size(5), false],
    ]);
    expect(seen.map((m) => m.text.toString('latin1'))).toEqual([2, 3, 4, 5].map((u) => SPEC_FILES[u]!.text));
    expect(mb.byteSize).toBe(size(2) + size(3) + size(4) + size(5));
  });

  it('an empty index (a folder c-client just created) has no UID validity yet: now, written by nobody', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'new', '', {});
    const mb = await mxDriver.open(ref(dir, 'new'), 'read', context().ctx);
    expect(mb.meta).toEqual({ uidValidity: 0x6b058c12, uidLast: 0, keywords: [] });
    expect(readIndex(box)).toBe('');
  });

  it('messages arriving after the open are \\Recent, as in a c-client session', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'read', context().ctx);
    fs.writeFileSync(path.join(box, '6'), 'Subject: six\r\n\r\n');
    const seen = await collect(mb.messages());
    expect(seen.map((m) => [m.uid, m.recent])).toEqual([[2, false], [3, false], [4, false], [5, false], [6, true]]);
    // c-client would fail the next append on this file (L is 5); mailsmith reports it and goes on
    expect(mb.meta.uidLast).toBe(5);
  });

  it('ignores other entries: index records without files, non-numeric and zero-padded names, a numbered directory (once warned)', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, { 2: SPEC_FILES[2]!, 5: SPEC_FILES[5]! });
    fs.writeFileSync(path.join(box, '007'), 'x');
    fs.writeFileSync(path.join(box, 'notes.txt'), 'x');
    fs.mkdirSync(path.join(box, 'child'));
    fs.mkdirSync(path.join(box, '3'));
    const { ctx, warnings } = context();
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'read', ctx);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 5]);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 5]);
    expect(warnings).toEqual(['mx1: ignoring 3, which is not a regular file']);
  });

  it('a message expunged by another process after the listing began reads as such', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'mx1'), 'read', context().ctx);
    const it = mb.messages()[Symbol.asyncIterator]();
    const first = (await it.next()).value!;
    fs.rmSync(path.join(box, '2'));
    await expect(first.text()).rejects.toThrow(/message 2 was expunged by another process/);
  });
});

describe('damage', () => {
  it('reading warns once with c-client\'s words and the offset, and keeps what came before', async () => {
    const dir = tempDir();
    writeMx(dir, 'bad', 'V6b058c12L00000005Kwork\nM00000002;00000001.0001M00000003;0000000x.0001M00000005;00000000.0001', SPEC_FILES);
    const { ctx, warnings } = context();
    const mb = await mxDriver.open(ref(dir, 'bad'), 'read', ctx);
    const seen = await collect(mb.messages());
    expect(seen.map((m) => [m.uid, m.flags, m.keywords])).toEqual([
      [2, ['\\Seen'], ['work']], [3, [], []], [4, [], []], [5, [], []],
    ]);
    expect(warnings).toEqual(['bad: Error in index: x.0001M00000005;00000000.0001 (at byte 64 of .mxindex); the flags and keywords after it are not known']);
  });

  it('a change refuses to rewrite a damaged index (c-client would drop the flags after the damage)', async () => {
    const dir = tempDir();
    const index = 'V6b058c12L00000005M00000002;00000000.0001?M00000005;00000000.0008';
    const box = writeMx(dir, 'bad', index, SPEC_FILES);
    const mb = await mxDriver.open(ref(dir, 'bad'), 'write', context().ctx);
    const err = await mb.store([2], { add: { flags: ['\\Flagged'] } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptMailbox);
    expect(err).toMatchObject({ offset: 41, message: 'bad: Error in index: ?M00000005;00000000.0008 (at byte 41 of .mxindex)' });
    expect(readIndex(box)).toBe(index);
  });
});

describe('locking', () => {
  it('a read waits for the exclusive flock c-client holds on .mxindex, then gives up with MailboxLocked', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const fd = fs.openSync(path.join(box, '.mxindex'), 'r+');
    try {
      expect(flockNow(fd, 'exclusive')).toBe(true);
      const started = Date.now();
      const err = await openMailbox(ref(dir, 'mx1'), 'read', context({ lockTimeoutMs: 300 }).ctx).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MailboxLocked);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      flockNow(fd, 'unlock');
      const mb = await openMailbox(ref(dir, 'mx1'), 'read', context().ctx);
      expect((await collect(mb.messages())).length).toBe(4);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('a read holds the lock shared only while it reads the index (another reader is not kept out)', async () => {
    const dir = tempDir();
    const box = writeMx(dir, 'mx1', SPEC_INDEX, SPEC_FILES);
    const fd = fs.openSync(path.join(box, '.mxindex'), 'r');
    try {
      expect(flockNow(fd, 'shared')).toBe(true);
      const mb = await openMailbox(ref(dir, 'mx1'), 'read', context({ lockTimeoutMs: 300 }).ctx);
      expect((await collect(mb.messages())).length).toBe(4);
    } finally {
      fs.closeSync(fd);
    }
  });
});
