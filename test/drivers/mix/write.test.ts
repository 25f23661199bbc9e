// Writing mix mailboxes as c-client does (formats-dir.md 2.10-2.12): appends
// (UIDs, sequences, kept UIDs, keywords, rollover, all or nothing), flag
// changes, expunges and reclaiming space, every file rewritten in place.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tuning } from '../../../src/drivers/mix/tuning.js';
import { mixDriver } from '../../../src/drivers/mix/index.js';
import { reserve } from '../../../src/drivers/mix/state.js';
import { MessageTable } from '../../../src/drivers/mix/table.js';
import { LossyCopy, ReadOnlyMailbox, Unsupported } from '../../../src/errors.js';
import { flockNow } from '../../../src/locks/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import {
  batch, Clock, collect, context, dataFiles, fileLines, fileText, inode, newMessage, ref, SAMPLE, SAMPLE_KEYWORDS, tempDir,
} from './helpers.js';

process.env.TZ = 'UTC';

const defaults = { ...tuning };
afterEach(() => Object.assign(tuning, defaults));

const T0 = 0x6b058d82;

/** Every file of a directory with its sha256 and inode. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => {
    const p = path.join(dir, f);
    return [f, `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')} ${fs.statSync(p).ino}`];
  }));
}

async function fresh(clock = new Clock(T0), meta: { uidLast?: number; keywords?: string[] } = { keywords: SAMPLE_KEYWORDS }) {
  const home = tempDir();
  const r = ref(home, 'box');
  await mixDriver.create(r, context(clock).ctx, { meta });
  return { home, dir: r.path, r, clock };
}

async function appendTo(home: string, messages: readonly NewMessage[], clock: Clock, options = {}) {
  const rec = context(clock);
  const mb = await mixDriver.open(ref(home, 'box'), 'write', rec.ctx);
  try {
    return { result: await mb.append(batch(messages), options), ...rec };
  } finally {
    await mb.close();
  }
}

async function readBox(home: string) {
  const mb = await mixDriver.open(ref(home, 'box'), 'read', context().ctx);
  try {
    return { meta: mb.meta, messages: await collect(mb.messages()) };
  } finally {
    await mb.close();
  }
}

describe('append (formats-dir.md 2.10)', () => {
  it('assigns L+1, L+2 ..., one sequence for the batch, no "old" bit; .mixmeta one sequence ahead', async () => {
    const { home, dir, clock } = await fresh(new Clock(T0), { uidLast: 7, keywords: SAMPLE_KEYWORDS });
    clock.set(T0 + 10);
    const { result } = await appendTo(home, SAMPLE.slice(0, 2), clock);
    expect(result.uids).toEqual([8, 9]);
    clock.set(T0 + 10);
    const second = await appendTo(home, SAMPLE.slice(2), clock);
    expect(second.result.uids).toEqual([10, 11]);
    // the second append in the same second runs ahead of the clock: .mixmeta said T0+11
    expect(fileLines(dir, '.mixindex')[0]).toBe(`S${(T0 + 12).toString(16)}`);
    expect(fileLines(dir, '.mixstatus').map((l) => l.slice(19))).toEqual([
      '', '000d:6b058d8c:', '0022:6b058d8c:', '0000:6b058d8e:', '0001:6b058d8e:',
    ]);
    expect(fileLines(dir, '.mixmeta').slice(0, 3)).toEqual([`S${(T0 + 13).toString(16)}`, `V${T0.toString(16)}`, 'L0000000b']);
    const { messages } = await readBox(home);
    expect(messages.every((m) => m.recent)).toBe(true);
  });

  it('keeps given UIDs above the last one, raising L; reassigns the others and reports them', async () => {
    const { home, dir, clock } = await fresh(new Clock(T0), { uidLast: 100 });
    const uids = [50, 120, 110, 130];
    const { result } = await appendTo(home, SAMPLE.map((m, i) => ({ ...m, uid: uids[i] })), clock, { keepUids: true });
    expect(result.uids).toEqual([50, 120, 121, 130]);
    expect(result.losses).toEqual(new Map([['uid', new Map([['not above the previous UID', 1]])]]));
    expect(fileLines(dir, '.mixmeta')[2]).toBe('L00000082');
    expect((await readBox(home)).messages.map((m) => m.uid)).toEqual([50, 120, 121, 130]);
    await expect(appendTo(home, [{ ...SAMPLE[0]!, uid: 5 }], clock, { keepUids: true, strict: true })).rejects.toBeInstanceOf(LossyCopy);
  });

  it('defines new keywords in K (where c-client would drop them) up to 30, and reports the rest', async () => {
    const { home, dir, clock } = await fresh(new Clock(T0), { keywords: ['work'] });
    const many = Array.from({ length: 31 }, (_v, i) => `k${i}`);
    const { result } = await appendTo(home, [
      { ...SAMPLE[0]!, keywords: ['WORK', 'Junk'] },
      { ...SAMPLE[1]!, keywords: ['bad word', '€uro', ...many] },
    ], clock);
    const k = fileLines(dir, '.mixmeta')[4]!;
    expect(k).toBe(`Kwork Junk ${many.slice(0, 28).join(' ')}`);
    // a name outside ASCII can't be written into the K line's bytes: reported, never mangled
    expect(result.losses.get('keyword')).toEqual(new Map([['bad word', 1], ['€uro', 1], ['k28', 1], ['k29', 1], ['k30', 1]]));
    const { messages } = await readBox(home);
    expect(messages[0]!.keywords).toEqual(['work', 'Junk']);
    expect(messages[1]!.keywords).toEqual(many.slice(0, 28));
  });

  it('is all or nothing: a failing batch, a zero-length message or a strict loss leave every file as it was', async () => {
    const { home, dir, clock } = await fresh();
    await appendTo(home, SAMPLE.slice(0, 2), clock);
    const before = snapshot(dir);
    await expect(appendTo(home, [newMessage('x\r\n'), newMessage('')], clock)).rejects.toBeInstanceOf(Unsupported);
    expect(snapshot(dir)).toEqual(before);
    const failing = (async function* () {
      yield SAMPLE[2]!;
      throw new Error('the source broke');
    })();
    const mb = await mixDriver.open(ref(home, 'box'), 'write', context(clock).ctx);
    await expect(mb.append(failing)).rejects.toThrow('the source broke');
    await expect(mb.append(batch([{ ...SAMPLE[3]!, keywords: ['bad word'] }]), { strict: true })).rejects.toBeInstanceOf(LossyCopy);
    await mb.close();
    expect(snapshot(dir)).toEqual(before);
    // and the mailbox goes on as if nothing had happened
    expect((await appendTo(home, SAMPLE.slice(2), clock)).result.uids).toEqual([3, 4]);
    expect((await readBox(home)).messages.map((m) => m.text)).toEqual(SAMPLE.map((m) => m.text));
  });

  it('a failed rollover removes the new data file', async () => {
    const { home, dir, clock } = await fresh();
    await appendTo(home, [newMessage(`${'x'.repeat(1_048_000)}\r\n`)], clock);
    const before = snapshot(dir);
    await expect(appendTo(home, [newMessage('y\r\n'), newMessage('')], clock)).rejects.toBeInstanceOf(Unsupported);
    expect(snapshot(dir)).toEqual(before);
  });

  it('checks for room first: when a file can\'t grow, the others are cut back and nothing is overwritten', async () => {
    const { home, dir, clock } = await fresh();
    await appendTo(home, SAMPLE, clock);
    const before = snapshot(dir);
    const table = new MessageTable();
    for (let uid = 1; uid <= 50; uid++) {
      table.push({ uid, date: { digits: 20240101000000, zone: 0 }, size: 1, file: T0, pos: 0, hoff: 45, hsiz: 1, keywords: 0, flags: 0, modseq: 1 });
    }
    const open = (f: string, flags: string): number => fs.openSync(path.join(dir, f), flags);
    // .mixstatus opened read-only: growing it fails after .mixmeta and .mixindex have grown
    const fds = { meta: open('.mixmeta', 'r+'), index: open('.mixindex', 'r+'), status: open('.mixstatus', 'r') };
    try {
      await expect(reserve(fds, {
        meta: { seq: T0 + 9, uidValidity: T0, uidLast: 50, current: T0, keywords: [...SAMPLE_KEYWORDS, 'x'.repeat(40)] },
        index: { seq: T0 + 9, table },
        status: { seq: T0 + 9, table },
      })).rejects.toThrow();
    } finally {
      Object.values(fds).forEach((fd) => fs.closeSync(fd));
    }
    expect(snapshot(dir)).toEqual(before);
  });

  it('an empty batch writes nothing', async () => {
    const { home, dir, clock } = await fresh();
    const before = snapshot(dir);
    expect((await appendTo(home, [], clock)).result).toEqual({ appended: 0, uids: [], losses: new Map(), changes: new Map() });
    expect(snapshot(dir)).toEqual(before);
  });

  it('rolls over to a new file only when the current one is not empty and would pass 1 MiB; a batch stays in one file', async () => {
    const { home, dir, clock } = await fresh();
    fs.chmodSync(path.join(dir, `.mix${T0.toString(16)}`), 0o640);
    const big = (c: string): NewMessage => newMessage(`Subject: ${c}\r\n\r\n${c.repeat(400_000)}\r\n`);
    // three 400 KB messages in one batch: one file over 1 MiB (c-client verified the same)
    await appendTo(home, [big('a'), big('b'), big('c')], clock);
    expect(dataFiles(dir)).toEqual([[`.mix${T0.toString(16)}`, 3 * (45 + 400_016)]]);
    clock.set(T0 + 5);
    await appendTo(home, [newMessage('small\r\n')], clock);
    const rolled = `.mix${(T0 + 5).toString(16)}`;
    expect(dataFiles(dir)).toEqual([[`.mix${T0.toString(16)}`, 3 * (45 + 400_016)], [rolled, 45 + 7]]);
    expect(fs.statSync(path.join(dir, rolled)).mode & 0o777).toBe(0o640);
    expect(fileLines(dir, '.mixmeta')[3]).toBe(`N${(T0 + 5).toString(16)}`);
    // the new current file takes appends while they fit
    await appendTo(home, [newMessage('more\r\n')], clock);
    expect(dataFiles(dir).map(([, size]) => size)).toEqual([3 * (45 + 400_016), 45 + 7 + 45 + 6]);
    expect((await readBox(home)).messages.map((m) => m.size)).toEqual([400_016, 400_016, 400_016, 7, 6]);
  });

  it('writes texts bigger than its buffer, and many through a small one', async () => {
    tuning.chunkSize = 300;
    const { home, clock } = await fresh();
    const messages = [...SAMPLE, newMessage(`Subject: big\r\n\r\n${'z'.repeat(1000)}\r\n`), ...SAMPLE];
    await appendTo(home, messages, clock);
    expect((await readBox(home)).messages.map((m) => m.text)).toEqual(messages.map((m) => m.text));
  });

  it('refuses on a read-only open', async () => {
    const { home } = await fresh();
    const mb = await mixDriver.open(ref(home, 'box'), 'read', context().ctx);
    await expect(mb.append(batch(SAMPLE))).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(mb.store([1], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await expect(mb.expunge()).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await mb.close();
  });
});

describe('flag changes (formats-dir.md 2.11)', () => {
  it('change only what differs; write nothing when nothing changes; never touch the index; keep "old" as it is', async () => {
    const { home, dir, clock } = await fresh();
    await appendTo(home, SAMPLE, clock);
    // message 3 was claimed by a c-client session ("old"), the others were not
    fs.writeFileSync(path.join(dir, '.mixstatus'), fileText(dir, '.mixstatus').replace(':00000003:00000000:0000:', ':00000003:00000000:0010:'));
    const index = snapshot(dir)['.mixindex'];
    const before = snapshot(dir);
    clock.set(T0 + 100);
    const { ctx } = context(clock);
    const mb = await mixDriver.open(ref(home, 'box'), 'write', ctx);
    expect(snapshot(dir)).toEqual(before);
    await mb.store([1, 4], { add: { flags: ['\\Seen'] } });
    await mb.store([2], { remove: { keywords: ['personal', 'nokw'] } });
    expect(snapshot(dir)).toEqual(before);
    await mb.store([1, 2, 3, 99], { add: { flags: ['\\Flagged'] }, remove: { flags: ['\\Deleted'] } });
    await mb.close();
    expect(fileLines(dir, '.mixstatus')).toEqual([
      `S${(T0 + 100).toString(16)}`,
      ':00000001:00000003:000d:6b058d83:',
      `:00000002:00000001:0024:${(T0 + 100).toString(16)}:`,
      `:00000003:00000000:0014:${(T0 + 100).toString(16)}:`,
      ':00000004:00000004:0001:6b058d83:',
    ]);
    expect(snapshot(dir)['.mixindex']).toBe(index);
    const { messages } = await readBox(home);
    expect(messages.map((m) => m.recent)).toEqual([true, true, false, true]);
  });

  it('invalid keywords and the 31st keyword are refused with c-client\'s warnings', async () => {
    const { home, dir, clock } = await fresh(new Clock(T0), { keywords: Array.from({ length: 29 }, (_v, i) => `k${i}`) });
    await appendTo(home, [SAMPLE[0]!].map((m) => ({ ...m, keywords: [] })), clock);
    const { ctx, warnings } = context(clock);
    const mb = await mixDriver.open(ref(home, 'box'), 'write', ctx);
    await mb.store([1], { add: { keywords: ['a(b', 'last', 'one-too-many'] } });
    await mb.close();
    expect(warnings).toEqual(['Invalid flag: a(b', 'Unknown flag: one-too-many']);
    expect(fileLines(dir, '.mixmeta')[4]!.endsWith(' k28 last')).toBe(true);
    expect((await readBox(home)).messages[0]!.keywords).toEqual(['last']);
  });
});

describe('expunge and reclaiming space (formats-dir.md 2.12)', () => {
  /** The worked example's mailbox: the four sample messages, UIDs 2-5, in one data file. */
  async function example() {
    const f = await fresh(new Clock(T0), { uidLast: 1, keywords: SAMPLE_KEYWORDS });
    await appendTo(f.home, SAMPLE, f.clock);
    return f;
  }

  async function expungeIn(home: string, clock: Clock, uids?: number[]) {
    const rec = context(clock);
    const mb = await mixDriver.open(ref(home, 'box'), 'write', rec.ctx);
    try {
      return { count: await mb.expunge(uids), ...rec };
    } finally {
      await mb.close();
    }
  }

  it('removes \\Deleted messages (only those named, if any), keeps L and V; the survivors move to a new file', async () => {
    const { home, dir, clock } = await example();
    const metaBefore = fileText(dir, '.mixmeta');
    const inodes = ['.mixmeta', '.mixindex', '.mixstatus'].map((f) => inode(path.join(dir, f)));
    const mb = await mixDriver.open(ref(home, 'box'), 'write', context(clock).ctx);
    await mb.store([4], { add: { flags: ['\\Deleted'] } });
    await mb.close();
    // UID 3 is \Deleted too, but only UID 4 is named
    expect((await expungeIn(home, clock, [4, 5])).count).toBe(1);
    expect((await readBox(home)).messages.map((m) => m.uid)).toEqual([2, 3, 5]);
    clock.set(T0 + 20);
    const { count, notes } = await expungeIn(home, clock);
    expect(count).toBe(1);
    expect(notes).toEqual(['Expunged 1 messages']);
    // as c-client's prune of UIDs 3 and 4 (2.12): 426 bytes left, UID 5 right after UID 2 at 0xc5;
    // but in a new data file, the old current one emptied
    const fresh = `.mix${(T0 + 20).toString(16)}`;
    expect(dataFiles(dir)).toEqual([[`.mix${T0.toString(16)}`, 0], [fresh, 426]]);
    expect(fileLines(dir, '.mixindex')).toEqual([
      `S${(T0 + 20).toString(16)}`,
      `:00000002:20231122101112+0000:00000098:${fresh.slice(4)}:00000000:0000002d:0000008c:`,
      `:00000005:20231125080000+0000:000000b8:${fresh.slice(4)}:000000c5:0000002d:00000085:`,
    ]);
    expect(fileText(dir, '.mixmeta')).toBe(metaBefore);
    expect(['.mixmeta', '.mixindex', '.mixstatus'].map((f) => inode(path.join(dir, f)))).toEqual(inodes);
    const { messages, meta } = await readBox(home);
    expect(messages.map((m) => m.text)).toEqual([SAMPLE[0]!.text, SAMPLE[3]!.text]);
    expect(meta.uidLast).toBe(5);
    // appends go to the emptied current file again
    await appendTo(home, [newMessage('new\r\n')], clock);
    expect(dataFiles(dir)).toEqual([[`.mix${T0.toString(16)}`, 50], [fresh, 426]]);
    expect((await readBox(home)).messages.map((m) => m.uid)).toEqual([2, 5, 6]);
  });

  it('cuts the tail when the survivors start the file; deletes an old file nobody needs; a stray file goes too', async () => {
    const { home, dir, clock } = await example();
    clock.set(T0 + 1);
    await appendTo(home, [newMessage(`${'x'.repeat(1_048_000)}\r\n`)], clock);
    const [old, current] = dataFiles(dir).map(([f]) => f);
    fs.writeFileSync(path.join(dir, '.mix00abcdef'), 'stray');
    const mb = await mixDriver.open(ref(home, 'box'), 'write', context(clock).ctx);
    await mb.store([2, 3, 4, 5], { add: { flags: ['\\Deleted'] } });
    await mb.store([6], { remove: { flags: ['\\Deleted'] } });
    await mb.close();
    await expungeIn(home, clock);
    expect(dataFiles(dir).map(([f]) => f)).toEqual([current]);
    expect(dataFiles(dir).map(([f]) => f)).not.toContain(old);
    const mb2 = await mixDriver.open(ref(home, 'box'), 'write', context(clock).ctx);
    await mb2.append(batch([newMessage('a\r\n'), newMessage('b\r\n')]));
    await mb2.store([7], { add: { flags: ['\\Deleted'] } });
    await mb2.store([8], { add: { flags: ['\\Deleted'] } });
    const { ctx, notes } = context(clock);
    await mb2.close();
    const mb3 = await mixDriver.open(ref(home, 'box'), 'write', ctx);
    expect(await mb3.expunge()).toBe(2);
    await mb3.close();
    expect(notes).toEqual(['Expunged 2 messages']);
    expect(dataFiles(dir)).toEqual([[current, 45 + 1_048_002]]);
  });

  it('another open session keeps the data in place; a later expunge reclaims it and moves the messages', async () => {
    const { home, dir, clock } = await example();
    const dataBefore = dataFiles(dir);
    const other = fs.openSync(path.join(dir, '.mixmeta'), 'r');
    try {
      expect(flockNow(other, 'shared')).toBe(true);
      const mb = await mixDriver.open(ref(home, 'box'), 'write', context(clock).ctx);
      await mb.store([4], { add: { flags: ['\\Deleted'] } });
      expect(await mb.expunge()).toBe(2);
      await mb.close();
      expect(dataFiles(dir)).toEqual(dataBefore);
      expect(fileLines(dir, '.mixindex').map((l) => l.slice(0, 10))).toEqual([expect.any(String), ':00000002:', ':00000005:']);
      expect(fileLines(dir, '.mixindex')[2]!.slice(48, 56)).toBe('000002a2');
    } finally {
      fs.closeSync(other);
    }
    const { count, notes } = await expungeIn(home, clock);
    expect(count).toBe(0);
    expect(notes).toEqual(['Reclaimed 477 bytes of expunged space']);
    expect(dataFiles(dir).map(([, size]) => size)).toEqual([0, 426]);
    expect((await readBox(home)).messages.map((m) => m.text)).toEqual([SAMPLE[0]!.text, SAMPLE[3]!.text]);
  });

  it('waits with the space while this session is listing, and reclaims it at close', async () => {
    const { home, dir, clock } = await example();
    const mb = await mixDriver.open(ref(home, 'box'), 'write', context(clock).ctx);
    const listing = mb.messages()[Symbol.asyncIterator]();
    const first = await listing.next();
    expect(await mb.expunge()).toBe(1);
    expect(dataFiles(dir).map(([, size]) => size)).toEqual([903]);
    // the listing goes on reading the texts where they are
    expect((await first.value!.text()).equals(SAMPLE[0]!.text)).toBe(true);
    const rest = [];
    for (let r = await listing.next(); !r.done; r = await listing.next()) rest.push(await r.value.text());
    expect(rest).toEqual([SAMPLE[1]!.text, SAMPLE[2]!.text, SAMPLE[3]!.text]);
    await mb.close();
    expect(dataFiles(dir).map(([, size]) => size)).toEqual([0, 903 - 45 - 220]);
    expect((await readBox(home)).messages.map((m) => m.uid)).toEqual([2, 4, 5]);
  });

  it('nothing to expunge and no space to reclaim writes nothing', async () => {
    const { home, dir, clock } = await fresh();
    await appendTo(home, [SAMPLE[0]!], clock);
    const before = snapshot(dir);
    expect((await expungeIn(home, clock)).count).toBe(0);
    expect(snapshot(dir)).toEqual(before);
  });
});
