// Writing mbx files as c-client does: the read-write open's UID assignment,
// appends (bytes, kept UIDs, keywords, all-or-nothing), flag changes in place,
// expunge by compaction or by hiding, and waiting for locks.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mbxDriver } from '../../../src/drivers/mbx/index.js';
import { tuning } from '../../../src/drivers/mbx/io.js';
import { LossyCopy, MailboxLocked, ReadOnlyMailbox, Unsupported } from '../../../src/errors.js';
import { acquireTmpLock, flockNow } from '../../../src/locks/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import { sharedDir } from '../../helpers/paths.js';
import {
  batch, collect, context, fileSha, headerBytes, mbxBytes, messageBytes, newMessage, PINNED, ref, SPEC_MESSAGES,
  statusFields, tempDir, writeMbx,
} from './helpers.js';
import { expectSharedFlockUntilClose } from '../../helpers/session-flock.js';

process.env.TZ = 'UTC';

const defaults = { ...tuning };
afterEach(() => Object.assign(tuning, defaults));

const goldenMbx = path.join(sharedDir(), 'corpus', 'golden', 'mbx');

/**
 * A status field as mailsmith writes it where c-client's session wrote `field`: the same but for the
 * "old" bit (0x0010), which mailsmith leaves clear so that new mail stays \Recent for the user's reader.
 */
function keepingRecent(field: string): string {
  const status = parseInt(field.slice(9, 13), 16) & ~0x0010;
  return `${field.slice(0, 9)}${status.toString(16).padStart(4, '0')}${field.slice(13)}`;
}

describe('numbering in a read-write session (formats-flat.md 4.4 step 8)', () => {
  // What c-client 2007f wrote when it opened a copy of the golden mbx read-write:
  // UIDs 2-15 and the "old" bit in place, the header's last UID 0000000f, nothing else.
  const CCLIENT_STATUS = [
    ';000000000011-00000002', ';000000000010-00000003', ';000000000011-00000004', ';000000000010-00000005',
    ';000000000010-00000006', ';000000000010-00000007', ';00000003003d-00000008', ';000000000010-00000009',
    ';000000000010-0000000a', ';000000000010-0000000b', ';000000040011-0000000c', ';000000000010-0000000d',
    ';000000020012-0000000e', ';000000000011-0000000f',
  ];

  it.each([['8 MB chunks', defaults.chunkSize, defaults.mergeGap], ['small chunks, no merging', 700, 0]])(
    'numbers the golden mbx in memory at open and in place, exactly as c-client did, before the first change (%s)', async (_, chunk, gap) => {
      tuning.chunkSize = chunk;
      tuning.mergeGap = gap;
      const dir = tempDir();
      const p = path.join(dir, 'mbx');
      fs.copyFileSync(goldenMbx, p);
      const original = fs.readFileSync(p);
      const mb = await mbxDriver.open(ref(dir, 'mbx'), 'write', context().ctx);
      expect(mb.meta.uidLast).toBe(15);
      const expected = CCLIENT_STATUS.map((s) => [parseInt(s.slice(14), 16), true]);
      expect((await collect(mb.messages())).map((m) => [m.uid, m.recent])).toEqual(expected);
      expect(fs.readFileSync(p).equals(original)).toBe(true);
      // the first change writes the numbering (message 2 already had \Seen: its field is c-client's too)
      await mb.store([2], { add: { flags: ['\\Seen'] } });
      // the messages stay \Recent, in this session and in the file
      expect((await collect(mb.messages())).map((m) => [m.uid, m.recent])).toEqual(expected);
      await mb.close();
      expect(statusFields(p)).toEqual(CCLIENT_STATUS.map(keepingRecent));
      const after = fs.readFileSync(p);
      expect(after.length).toBe(original.length);
      // besides the status fields only the last UID and, for the flag change, the PID field changed
      const header = Buffer.from(original.subarray(0, 2048));
      header.write(`0000000f`, 15, 'latin1');
      header.write(`${process.pid.toString(16).padStart(8, '0')}\r\n`, 2038, 'latin1');
      expect(after.subarray(0, 2048).equals(header)).toBe(true);
      const again = await mbxDriver.open(ref(dir, 'mbx'), 'read', context().ctx);
      expect((await collect(again.messages())).every((m) => m.recent)).toBe(true);
      await again.close();
    });

  it('leaves the file as it was when the session changes nothing, as c-client\'s plain append does', async () => {
    const dir = tempDir();
    const p = path.join(dir, 'mbx');
    fs.copyFileSync(goldenMbx, p);
    fs.chmodSync(p, 0o600);
    const before = fileSha(p);
    const mb = await mbxDriver.open(ref(dir, 'mbx'), 'write', context().ctx);
    await collect(mb.messages());
    await expect(mb.append((async function* () {
      yield newMessage('x\r\n');
      throw new Error('the copy failed');
    })())).rejects.toThrow('the copy failed');
    await mb.close();
    expect(fileSha(p)).toBe(before);
    // a plain append adds UID-less messages and numbers nothing
    const again = await mbxDriver.open(ref(dir, 'mbx'), 'write', context().ctx);
    await again.append(batch([newMessage('x\r\n')]));
    await again.close();
    expect(statusFields(p).slice(0, 14)).toEqual(statusFields(goldenMbx));
    expect(statusFields(p)[14]).toBe(';000000000000-00000000');
  });

  it('changes nothing when every message already has its UID and "old" bit', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    await collect(mb.messages());
    await mb.close();
    expect(fileSha(p)).toBe(before);
  });

  it('writes a rebuild: fresh UIDs from the bad one on, new validity (checked with c-client)', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES.map((m, i) => ({ ...m, uid: [2, 99, 4][i]! })));
    const { ctx, warnings } = context();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', ctx);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 3, 4]);
    await mb.store([2], { add: { flags: ['\\Seen'] } });
    await mb.close();
    expect(warnings).toEqual(['Invalid UID 00000063 in message 2, rebuilding UIDs']);
    expect(statusFields(p)).toEqual([';000000030019-00000002', ';000000040036-00000003', ';000000000010-00000004']);
    const header = fs.readFileSync(p).subarray(0, 2048);
    expect(header.equals(headerBytes({ validity: Math.floor(PINNED.getTime() / 1000), last: 4, pid: process.pid }))).toBe(true);
  });

  it('reclaims the space of hidden messages when it has the file to itself (checked with c-client)', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES.map((m, i) => ({ ...m, uid: [2, 0, 4][i]!, status: i === 1 ? '000000048036' : m.status })));
    const { ctx, warnings, notes } = context();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', ctx);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 6]);
    // c-client reclaims at its read-write open; here the first change does
    expect(await mb.expunge()).toBe(0);
    await mb.close();
    expect(warnings).toEqual(['Invalid UID 00000004 in message 2, rebuilding UIDs']);
    expect(notes).toEqual(['Reclaimed 134 bytes of expunged space']);
    expect(statusFields(p)).toEqual([';000000030019-00000002', ';000000000010-00000006']);
    expect(fs.readFileSync(p).toString('latin1', 15, 23)).toBe('00000006');
    expect(fs.statSync(p).size).toBe(2468 - 134);
  });

  it('refuses to open a damaged file read-write, writing nothing', async () => {
    const dir = tempDir();
    const damaged = SPEC_MESSAGES.map((m, i) => ({ ...m, uid: 0, status: '000000000000', date: i === 2 ? ' 9-Jxn-2007 03:04:05 -0800' : m.date }));
    const p = writeMbx(dir, 'box', damaged);
    const before = fileSha(p);
    await expect(mbxDriver.open(ref(dir, 'box'), 'write', context().ctx))
      .rejects.toMatchObject({ offset: 2356, detail: 'Unable to parse message date at 2356:  9-Jxn-2007 03:04:05 -0800' });
    expect(fileSha(p)).toBe(before);
  });

  it('on damage found while numbering, keeps what it wrote consistent with the header, then fails', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES.map((m) => ({ ...m, uid: 0, status: '000000000000' })));
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    fs.appendFileSync(p, 'junk without a line end');
    await expect(mb.store([5], { add: { flags: ['\\Seen'] } }))
      .rejects.toMatchObject({ offset: 2468, detail: 'Unable to find CRLF at 2468 in 23 bytes, text: junk without a line end' });
    await mb.close();
    expect(statusFields(p).slice(0, 3)).toEqual([';000000000000-00000005', ';000000000000-00000006', ';000000000000-00000007']);
    expect(fs.readFileSync(p).toString('latin1', 15, 23)).toBe('00000007');
  });

  it('numbers messages appended after the open before listing them, so UIDs stay stable', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    fs.appendFileSync(p, messageBytes({ ...SPEC_MESSAGES[2]!, uid: 0, status: '000000000000' }));
    expect((await collect(mb.messages())).map((m) => [m.uid, m.recent])).toEqual([[2, false], [3, false], [4, false], [5, true]]);
    await mb.store([5], { add: { flags: ['\\Seen'] } });
    await mb.close();
    expect(statusFields(p)[3]).toBe(';000000000001-00000005');
  });
});

describe('append (formats-flat.md 4.5)', () => {
  async function created(meta?: { uidValidity?: number; uidLast?: number; keywords?: string[] }): Promise<{ dir: string; p: string }> {
    const dir = tempDir();
    await mbxDriver.create(ref(dir, 'box'), context().ctx, meta ? { meta } : {});
    return { dir, p: path.join(dir, 'box') };
  }

  it('writes the header line and the bytes exactly, UID 0, no "old" bit, keywords added to the header', async () => {
    const { dir, p } = await created();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    const result = await mb.append(batch([
      newMessage(SPEC_MESSAGES[0]!.text, { flags: ['\\Seen', '\\Answered'], keywords: ['work', '$Label1'] }),
      newMessage(SPEC_MESSAGES[1]!.text, { flags: ['\\Deleted', '\\Flagged', '\\Draft'], keywords: ['junk'] },
        { ms: Date.UTC(1992, 11, 2, 5, 53, 22), zone: 0 }),
      newMessage(SPEC_MESSAGES[2]!.text, { keywords: ['WORK'] }, { ms: Date.UTC(2007, 0, 9, 11, 4, 5), zone: -480 }),
    ]));
    await mb.close();
    expect(result).toEqual({ appended: 3, uids: [], losses: new Map(), changes: new Map() });
    const expected = mbxBytes([
      { ...SPEC_MESSAGES[0]!, status: '000000030009', uid: 0 },
      { ...SPEC_MESSAGES[1]!, status: '000000040026', uid: 0 },
      { ...SPEC_MESSAGES[2]!, status: '000000010000', uid: 0 },
    ], { last: 0, keywords: ['work', '$Label1', 'junk'], pid: null });
    expect(fs.readFileSync(p).toString('latin1')).toBe(expected.toString('latin1'));
  });

  it('keeps the given UIDs, raising the header\'s last UID over them; a UID out of order gets a new one', async () => {
    const { dir, p } = await created({ uidValidity: 1700000000, uidLast: 3 });
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    const result = await mb.append(batch([
      newMessage(SPEC_MESSAGES[0]!.text, { uid: 2 }),
      newMessage(SPEC_MESSAGES[1]!.text, { uid: 9 }),
      newMessage(SPEC_MESSAGES[2]!.text, { uid: 5 }),
      newMessage(SPEC_MESSAGES[2]!.text),
    ]), { keepUids: true });
    // the session itself lists them with those UIDs (and a second batch goes on above them)
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 9, 10, 11]);
    expect((await mb.append(batch([newMessage('x\r\n', { uid: 12 })]), { keepUids: true })).uids).toEqual([12]);
    await mb.close();
    expect(result.uids).toEqual([2, 9, 10, 11]);
    expect(result.losses).toEqual(new Map([['uid', new Map([['not above the previous UID', 1]])]]));
    // appended messages are \Recent, and listing them read-write does not change that
    expect(statusFields(p)).toEqual([';000000000000-00000002', ';000000000000-00000009', ';000000000000-0000000a', ';000000000000-0000000b', ';000000000000-0000000c']);
    expect(fs.readFileSync(p).toString('latin1', 7, 23)).toBe('6553f1000000000c');
    const { ctx, warnings } = context();
    const reader = await mbxDriver.open(ref(dir, 'box'), 'read', ctx);
    expect((await collect(reader.messages())).map((m) => m.uid)).toEqual([2, 9, 10, 11, 12]);
    expect(warnings).toEqual([]);
    await reader.close();
  });

  it('first numbers UID-less messages already there, then keeps UIDs above them', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES.map((m) => ({ ...m, uid: 0 })), { last: 1 });
    const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
    await mb.close();
    const rw = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    fs.appendFileSync(p, messageBytes({ ...SPEC_MESSAGES[2]!, uid: 0 }));
    const result = await rw.append(batch([newMessage('Subject: x\r\n\r\ny\r\n', { uid: 3 })]), { keepUids: true });
    await rw.close();
    expect(result.uids).toEqual([6]);
    expect(statusFields(p).map((s) => s.slice(-8))).toEqual(['00000002', '00000003', '00000004', '00000005', '00000006']);
  });

  it('counts keywords beyond 30 (and invalid ones) as lost, and under strict writes nothing', async () => {
    const thirty = Array.from({ length: 30 }, (_, i) => `k${i}`);
    const { dir, p } = await created({ keywords: thirty.slice(0, 29) });
    const before = fileSha(p);
    const strict = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    await expect(strict.append(batch([newMessage('a\r\n', { keywords: ['k0'] }), newMessage('b\r\n', { keywords: ['new1', 'new2'] })]), { strict: true }))
      .rejects.toBeInstanceOf(LossyCopy);
    await strict.close();
    expect(fileSha(p)).toBe(before);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    const result = await mb.append(batch([
      newMessage('a\r\n', { keywords: ['new1', 'new2', 'bad word'] }),
      newMessage('b\r\n', { keywords: ['new2', 'k3'] }),
    ]));
    expect(result.losses).toEqual(new Map([['keyword', new Map([['new2', 2], ['bad word', 1]])]]));
    expect(mb.meta.keywords).toEqual([...thirty.slice(0, 29), 'new1']);
    await mb.close();
    expect(statusFields(p)).toEqual([';200000000000-00000000', ';000000080000-00000000']);
  });

  it('is all or nothing: a batch that fails half way leaves the file as it was', async () => {
    tuning.chunkSize = 256; // several writes reach the file before the failure
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    async function* failing(): AsyncIterable<NewMessage> {
      for (let i = 0; i < 10; i++) yield newMessage(`Subject: ${i}\r\n\r\n${'z'.repeat(150)}\r\n`, { keywords: [`kw${i}`] });
      throw new Error('source went away');
    }
    const seen: number[] = [];
    await expect(mb.append(failing(), { onMessage: (n) => seen.push(n) })).rejects.toThrow('source went away');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(fileSha(p)).toBe(before);
    // the session goes on as if nothing happened
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 3, 4]);
    await mb.close();
  });

  it('refuses a zero-length message (c-client\'s "Append of zero-length message") and writes nothing', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    await expect(mb.append(batch([newMessage('a\r\n'), newMessage('')]))).rejects.toThrow(Unsupported);
    await mb.close();
    expect(fileSha(p)).toBe(before);
  });

  it('writes big messages around its buffer and small ones through it', async () => {
    tuning.chunkSize = 1000;
    const { dir } = await created();
    const texts = ['small\r\n', `big\r\n${'b'.repeat(5000)}\r\n`, 'small again\r\n', `${'m'.repeat(900)}\r\n`];
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    await mb.append(batch(texts.map((t) => newMessage(t))));
    expect((await collect(mb.messages())).map((m) => m.text.toString('latin1'))).toEqual(texts);
    await mb.close();
  });
});

describe('store (formats-flat.md 4.6)', () => {
  it('rewrites the 21 bytes in place with "old" set, adds keywords to the header and writes its PID', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const before = fs.readFileSync(p);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    // the spec's verified example: \Flagged \Answered beta newkw on the third message
    await mb.store([4], { add: { flags: ['\\Flagged', '\\Answered'], keywords: ['beta', 'newkw'] } });
    await mb.store([2], { remove: { flags: ['\\Seen'], keywords: ['WORK', 'unknown'] } });
    await mb.store([999], { add: { flags: ['\\Seen'] } });
    const seen = await collect(mb.messages());
    await mb.close();
    expect(statusFields(p)).toEqual([';000000020018-00000002', ';000000040036-00000003', ';00000018001c-00000004']);
    expect(seen.map((m) => [m.flags, m.keywords])).toEqual([
      [['\\Answered'], ['$Label1']],
      [['\\Deleted', '\\Flagged', '\\Draft'], ['Junk']],
      [['\\Flagged', '\\Answered'], ['beta', 'newkw']],
    ]);
    const after = fs.readFileSync(p);
    expect(after.subarray(0, 2048).equals(headerBytes({ last: 4, keywords: ['work', '$Label1', 'Junk', 'beta', 'newkw'], pid: process.pid }))).toBe(true);
    // nothing but the two status fields changed in the messages
    let changed = 0;
    for (let i = 2048; i < after.length; i++) if (after[i] !== before[i]) changed++;
    expect(changed).toBeLessThanOrEqual(2 * 21);
    expect(after.length).toBe(before.length);
  });

  it('warns as c-client for keywords it cannot create', async () => {
    const dir = tempDir();
    writeMbx(dir, 'box', SPEC_MESSAGES, { last: 4, keywords: Array.from({ length: 30 }, (_, i) => `k${i}`) });
    const { ctx, warnings } = context();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', ctx);
    await mb.store([2, 3], { add: { keywords: ['k1', 'more', 'bad(word'] } });
    await mb.close();
    expect(warnings).toEqual(['Unknown flag: more', 'Invalid flag: bad(word']);
  });

  it('merges nearby fields into one write and keeps far ones apart, with the same result', async () => {
    const many = Array.from({ length: 60 }, (_, i) => ({ ...SPEC_MESSAGES[i % 3]!, uid: i + 1 }));
    const results: string[][] = [];
    for (const gap of [0, 200, 1 << 20]) {
      tuning.mergeGap = gap;
      const dir = tempDir();
      const p = writeMbx(dir, 'box', many, { last: 60 });
      const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
      await mb.store([1, 2, 3, 10, 30, 31, 59, 60], { add: { flags: ['\\Flagged'] } });
      await mb.close();
      results.push(statusFields(p));
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
    expect(results[0]!.filter((s) => (parseInt(s.slice(9, 13), 16) & 4) !== 0).length).toBe(many.filter((m, i) => [1, 2, 3, 10, 30, 31, 59, 60].includes(i + 1) || (parseInt(m.status.slice(8), 16) & 4) !== 0).length);
  });
});

describe('expunge (formats-flat.md 4.7)', () => {
  it('compacts in place when nobody else has the file open', async () => {
    tuning.chunkSize = 100; // the slide runs in several chunks
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const inode = fs.statSync(p).ino;
    const { ctx, notes } = context();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', ctx);
    expect(await mb.expunge()).toBe(1);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 4]);
    await mb.close();
    expect(notes).toEqual(['Expunged 1 messages']);
    expect(fs.readFileSync(p).equals(mbxBytes([SPEC_MESSAGES[0]!, SPEC_MESSAGES[2]!]))).toBe(true);
    expect(fs.statSync(p).ino).toBe(inode);
  });

  it('expunges only \\Deleted messages among the given UIDs', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES.map((m) => ({ ...m, status: m.status.slice(0, 8) + '0012' })));
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    expect(await mb.expunge([3, 4, 77])).toBe(2);
    expect(await mb.expunge([])).toBe(0);
    await mb.close();
    expect(statusFields(p)).toEqual([';000000030012-00000002']);
  });

  it('hides the messages with 0x8000 when another process has the file open; a later session reclaims the space', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const size = fs.statSync(p).size;
    const other = fs.openSync(p, 'r');
    const { ctx, notes } = context();
    try {
      expect(flockNow(other, 'shared')).toBe(true);
      const mb = await mbxDriver.open(ref(dir, 'box'), 'write', ctx);
      expect(await mb.expunge()).toBe(1);
      expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 4]);
      await mb.close();
      expect(statusFields(p)).toEqual([';000000030019-00000002', ';000000048036-00000003', ';000000000010-00000004']);
      expect(fs.statSync(p).size).toBe(size);
      expect(notes).toEqual(['Expunged 1 messages']);
    } finally {
      fs.closeSync(other);
    }
    const later = context();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', later.ctx);
    expect(await mb.expunge()).toBe(0);
    await mb.close();
    expect(later.notes).toEqual(['Reclaimed 134 bytes of expunged space']);
    expect(fs.readFileSync(p).equals(mbxBytes([SPEC_MESSAGES[0]!, SPEC_MESSAGES[2]!]))).toBe(true);
  });

  it('hides rather than moves text while a listing of its own is still running', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    const texts: string[] = [];
    for await (const m of mb.messages()) {
      if (m.uid === 2) expect(await mb.expunge()).toBe(1);
      texts.push((await m.text()).toString('latin1'));
    }
    // the listing goes on from what it had read, and every text is still where it was
    expect(texts).toEqual(SPEC_MESSAGES.map((m) => m.text));
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 4]);
    await mb.close();
    expect(statusFields(p)[1]).toBe(';000000048036-00000003');
  });

  it('sees \\Deleted set by another process since its last look', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context().ctx);
    // another session flags message 4 \Deleted in place (c-client's mbx_update_status)
    const b = fs.readFileSync(p);
    const at = b.lastIndexOf(';000000000010-00000004');
    const fd = fs.openSync(p, 'r+');
    fs.writeSync(fd, '000000000012', at + 1);
    fs.closeSync(fd);
    expect(await mb.expunge()).toBe(2);
    await mb.close();
    expect(statusFields(p)).toEqual([';000000030019-00000002']);
  });

  it('keeps \\Recent as it first saw it when an outside write makes it parse again', async () => {
    const dir = tempDir();
    const p = path.join(dir, 'mbx');
    fs.copyFileSync(goldenMbx, p);
    const mb = await mbxDriver.open(ref(dir, 'mbx'), 'write', context().ctx);
    const fd = fs.openSync(p, 'r+');
    fs.writeSync(fd, '0000', 2048 + fs.readFileSync(p).toString('latin1', 2048, 2112).indexOf(';') + 9); // \Seen off, by someone else
    fs.closeSync(fd);
    const seen = await collect(mb.messages());
    expect(seen.every((m) => m.recent)).toBe(true);
    expect(seen[0]!.flags).toEqual([]);
    await mb.store([3], { add: { flags: ['\\Seen'] } });
    expect((await collect(mb.messages())).every((m) => m.recent)).toBe(true);
    await mb.close();
    // numbered and flagged in place, still \Recent in the file
    expect(statusFields(p).slice(0, 2)).toEqual([';000000000000-00000002', ';000000000001-00000003']);
  });
});

describe('sessions and locks (locking.md 5)', () => {
  it('refuses to write through a read-only session', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const before = fileSha(p);
    const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
    expect(mb.writable).toBe(false);
    await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(mb.store([2], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(mb.expunge()).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await mb.close();
    expect(fileSha(p)).toBe(before);
  });

  it('holds a shared flock for the session and lets it go on close', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    await expectSharedFlockUntilClose(p, await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx));
  });

  it('waits for the parse/append lock up to lockTimeoutMs, then reports the mailbox locked', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const st = fs.statSync(p, { bigint: true });
    const mb = await mbxDriver.open(ref(dir, 'box'), 'write', context({ lockTimeoutMs: 200 }).ctx);
    const held = await acquireTmpLock(st.dev, st.ino, 'exclusive', 0);
    try {
      await expect(mbxDriver.open(ref(dir, 'box'), 'read', context({ lockTimeoutMs: 200 }).ctx)).rejects.toBeInstanceOf(MailboxLocked);
      await expect(mb.append(batch([newMessage('x\r\n')]))).rejects.toBeInstanceOf(MailboxLocked);
      await expect(mb.store([2], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      held?.release();
    }
    // a lock let go within the wait is taken
    const again = await acquireTmpLock(st.dev, st.ino, 'exclusive', 0);
    setTimeout(() => again?.release(), 100);
    const appended = await mb.append(batch([newMessage('x\r\n')]));
    expect(appended.appended).toBe(1);
    await mb.close();
  });

  it('waits while another process holds the file exclusively (compacting), then reports it locked', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const other = fs.openSync(p, 'r');
    try {
      expect(flockNow(other, 'exclusive')).toBe(true);
      await expect(mbxDriver.open(ref(dir, 'box'), 'read', context({ lockTimeoutMs: 150 }).ctx)).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      fs.closeSync(other);
    }
  });
});
