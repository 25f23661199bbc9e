// repair-mbx against the real c-client. A corpus of real messages is copied into mbx by
// the real mailutil (`copy -kw`, then a read-write pass that gives every message its UID),
// damaged in each classic way, and repaired. Each repair must leave a file the real
// mailutil opens without a word (ccdump reads every message without a warning, `mailutil
// check` prints its line), keep every message the damage did not touch with the same
// text, internal date and flags (and keywords, when the header block was not hit), account
// for every input byte in the repaired messages and the badmsg files, and keep a backup;
// a dry run first must change nothing; check --verify must find the damage, and nothing once
// repaired. Then random damage (fast-check: one to three damages at once) to random mbx files
// mailutil wrote, some with a message that quotes an mbx header line.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { mbxRepairKit } from '../../src/drivers/mbx/index.js';
import { NotAMailbox } from '../../src/errors.js';
import { formatCtimeWithZone } from '../../src/mail/dates.js';
import { repairMbx, type RepairResult } from '../../src/ops/repair-mbx.js';
import { verifyMailbox, type VerifyProblem } from '../../src/ops/verify.js';
import { recordingContext } from '../helpers/store.js';
import { expectAccounted, parseEntries, type Entry } from '../ops/repair-helpers.js';
import { localRef } from './mailsmith.js';
import { realMessages, unixMbox, withoutEnvelope, type MboxEntry } from './messages.js';
import { sharedSetup, type OracleHome } from './oracle.js';
import type { DumpMessage } from './dump.js';

process.env.TZ = 'UTC';

const STATUS = [['Status: RO'], ['Status: O', 'X-Status: F'], [], ['Status: RO', 'X-Status: A', 'X-Keywords: work'], ['Status: O', 'X-Keywords: Junk work']];

/**
 * A message whose text quotes an mbx file: a line that is a valid internal header, with as many
 * bytes after it as it says. A repair that resynchronises on anything that looks like a header
 * line would split it.
 */
const TRAP = Buffer.from('From: trap@example.org\nSubject: an mbx file quoted\n\n*mbx*\n'
  + ' 7-May-2001 20:54:30 -0700,12;000000000000-00000005\nhello worl\nthe end\n', 'latin1');

interface SourceOptions {
  /** Index into STATUS for each message (default: the message's index). */
  readonly statuses?: readonly number[];
  /** Put TRAP in at this position. */
  readonly trapAt?: number;
}

const corpus = realMessages();

/** A unix mbox of `count` real messages (each ending with a line end), with flags and keywords. */
async function sourceMbox(count: number, skip: number, options: SourceOptions = {}): Promise<Buffer> {
  const texts = (await corpus).filter((m) => m.raw.length < 6000).slice(skip, skip + count).map((m) => withoutEnvelope(m.raw));
  if (options.trapAt !== undefined) texts.splice(options.trapAt, 0, TRAP);
  const entries: MboxEntry[] = texts.map((text, i) => {
    const status = STATUS[(options.statuses?.[i] ?? i) % STATUS.length]!;
    return {
      envelope: `sender${i}@example.org ${formatCtimeWithZone({ ms: Date.UTC(2001, 4, 7 + i, 20, 54, 30), zone: 0 })}`,
      status: i === 0 ? ['X-IMAPbase: 1700000000 0000000000 work Junk', ...status] : status,
      text,
    };
  });
  return unixMbox(entries);
}

/** mailutil's own mbx copy of a source mbox, after a read-write pass that numbered its messages (unless told not to). */
async function mailutilMbx(home: OracleHome, name: string, source: Buffer, numbered = true): Promise<Buffer> {
  await home.put(`${name}.src`, source);
  await home.mailutilOk('copy', '-kw', `${name}.src`, `#driver.mbx/${name}`);
  // prune opens read-write (UIDs and "old" bits written in place) and matches nothing
  if (numbered) await home.prune(name, 'before 1-jan-1971');
  return home.read(name);
}

const setup = sharedSetup('repair-mbx', async (home) => {
  const base = await mailutilMbx(home, 'base', await sourceMbox(12, 0));
  const small = await mailutilMbx(home, 'small', await sourceMbox(6, 20));
  return { base, small, baseDump: await home.ccdump('base') };
});
afterAll(() => setup.dispose());

/** What c-client logged that is more than information ("info: Mailbox is empty" is c-client's word for none). */
const complaints = (dump: { warnings: string[] }): string[] => dump.warnings.filter((l) => !l.startsWith('info: '));

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Hit {
  /** Byte range of the original the damage hit (an insertion: from === to). */
  readonly from: number;
  readonly to: number;
}

interface Damage extends Hit {
  readonly bytes: Buffer;
  /** More places hit, when several damages were done at once. */
  readonly others?: readonly Hit[];
}

const hitsOf = (d: Damage): Hit[] => [d, ...(d.others ?? [])];

/** Messages of the original the damage did not touch (an insertion touches the message it lands inside). */
function untouched(entries: readonly Entry[], d: Damage): number[] {
  const out: number[] = [];
  entries.forEach((e, k) => {
    const end = e.offset + e.text.length + e.line.length + 2;
    const hit = hitsOf(d).some((h) => (h.from === h.to ? e.offset < h.from && h.from < end : e.offset < h.to && h.from < end));
    if (!hit) out.push(k);
  });
  return out;
}

const same = (m: DumpMessage): string =>
  `${m.internalDate} ${[...m.flags].sort().join(' ')} ${sha(m.text)}`;

/** Damaged bytes in, repaired mailbox out, checked from every side. */
async function repairAndCheck(home: OracleHome, name: string, original: Buffer, originalDump: Awaited<ReturnType<OracleHome['ccdump']>>, d: Damage): Promise<RepairResult> {
  const file = await home.put(name, d.bytes);
  const ctx = recordingContext({ lockTimeoutMs: 5000 }).ctx;
  const dry = await repairMbx(localRef(home.dir, name), ctx, { dryRun: true });
  expect(sha(fs.readFileSync(file)), 'a dry run changes nothing').toBe(sha(d.bytes));
  expect(fs.readdirSync(home.dir).filter((f) => f.startsWith(`${name}.`)), 'a dry run makes no files').toEqual([]);
  const result = await repairMbx(localRef(home.dir, name), ctx);
  expect(result.problems, 'the dry run found what the repair found').toEqual(dry.problems);
  expect(result.healthy, 'the damage was found').toBe(false);
  // the real c-client opens the repaired file without a complaint
  const dump = await home.ccdump(name);
  expect(complaints(dump)).toEqual([]);
  expect(dump.driver).toBe('mbx');
  expect(dump.messages.length).toBe(result.messages);
  expect(await home.check(name)).toMatch(new RegExp(`, ${result.messages} total in ${name}$`));
  // nothing lost
  expectAccounted(d.bytes, result, await home.read(name));
  expect(fs.readFileSync(result.backup!).equals(d.bytes), 'the backup is the damaged original').toBe(true);
  const repaired = new Set(dump.messages.map(same));
  const entries = parseEntries(original);
  const headerHit = hitsOf(d).some((h) => h.from < 2048);
  expect(dump.meta.uidValidity, 'the UID validity is kept').toBe(originalDump.meta.uidValidity);
  expect(dump.meta.uidLast).toBeGreaterThanOrEqual(originalDump.meta.uidLast);
  for (const k of untouched(entries, d)) {
    const m = originalDump.messages[k]!;
    expect(repaired.has(same(m)), `message ${k + 1} (at ${entries[k]!.offset}) kept as it was`).toBe(true);
    // its UID too: only invalid UIDs are renumbered
    expect(dump.messages.filter((r) => same(r) === same(m)).map((r) => r.uid), `message ${k + 1}'s UID kept`).toContain(m.uid);
    if (!headerHit) expect(dump.messages.find((r) => same(r) === same(m))!.keywords).toEqual(m.keywords);
  }
  // every renumbered message is named in an action
  expect(result.actions.filter((a) => / → UID [0-9a-f]{8}/.test(a.text)).length).toBe(result.renumbered);
  return result;
}

describe('the classic damage', () => {
  const cases: [string, (base: Buffer, e: Entry[]) => Damage][] = [
    ['the file cut in the middle of a message', (b, e) => {
      const at = e[9]!.offset + 200;
      return { bytes: b.subarray(0, at), from: at, to: b.length };
    }],
    ['bytes overwritten in an internal header', (b, e) => {
      const at = e[3]!.offset + 4;
      const bytes = Buffer.from(b);
      bytes.write('#@!%&', at, 'latin1');
      return { bytes, from: at, to: at + 5 };
    }],
    ['a size too large', (b, e) => sizeDamage(b, e[2]!, 500)],
    ['a size too small', (b, e) => sizeDamage(b, e[4]!, -37)],
    ['bad flags hex', (b, e) => fieldDamage(b, e[5]!, 10, 'q')],
    ['a bad UID', (b, e) => fieldDamage(b, e[6]!, 19, 'z')],
    ['garbage between messages', (b, e) => {
      const at = e[3]!.offset;
      const junk = Buffer.concat([Buffer.from('This is no message at all\r\n'), Buffer.from([0, 1, 2, 255, 13, 10, 200, 13])]);
      return { bytes: Buffer.concat([b.subarray(0, at), junk, b.subarray(at)]), from: at, to: at };
    }],
    ['a zero-filled region', (b, e) => {
      const from = e[5]!.offset - 10;
      const to = e[5]!.offset + 300;
      const bytes = Buffer.from(b);
      bytes.fill(0, from, to);
      return { bytes, from, to };
    }],
    ['a damaged header block', (b) => {
      const bytes = Buffer.from(b);
      bytes.write('*MBX', 0, 'latin1');
      bytes.write('w\x01rk', 25, 'latin1');
      bytes.fill(0x41, 600, 700);
      return { bytes, from: 0, to: 700 };
    }],
    ['a duplicated message', (b, e) => {
      const dup = b.subarray(e[3]!.offset, e[4]!.offset);
      return { bytes: Buffer.concat([b.subarray(0, e[4]!.offset), dup, b.subarray(e[4]!.offset)]), from: e[4]!.offset, to: e[4]!.offset };
    }],
  ];

  /** The damage that leaves a message with a UID c-client rejects: only that one is renumbered. */
  const RENUMBERED: Record<string, number> = { 'a bad UID': 1, 'a duplicated message': 1 };

  it.each(cases)('%s: repaired, nothing lost, and c-client reads the result without complaint', async (label, damage) => {
    const { home, base, baseDump } = await setup.get();
    const d = damage(base, parseEntries(base));
    const name = `case-${cases.findIndex(([l]) => l === label)}`;
    // the damage is real: c-client does not read the damaged file as the mailbox it was
    await home.put(name, d.bytes);
    expect(await cClientSeesDamage(home, name, baseDump.messages.length)).toBe(true);
    // check --verify finds it too, and nothing once repaired (but NULs some real messages hold)
    const found = async (): Promise<VerifyProblem[]> =>
      (await verifyMailbox(localRef(home.dir, name), recordingContext().ctx)).problems.filter((p) => p.kind !== 'nul');
    expect((await found()).length, 'check --verify finds the damage').toBeGreaterThan(0);
    const result = await repairAndCheck(home, name, base, baseDump, d);
    expect(result.renumbered).toBe(RENUMBERED[label] ?? 0);
    expect(await found()).toEqual([]);
  });

  it('rebuilds a damaged header block with its readable keywords, and names the unreadable one', async () => {
    const { home, base, baseDump } = await setup.get();
    const d = cases.find(([l]) => l === 'a damaged header block')![1](base, parseEntries(base));
    await home.put('header-keywords', d.bytes);
    const result = await repairMbx(localRef(home.dir, 'header-keywords'), recordingContext({ lockTimeoutMs: 5000 }).ctx);
    expect(result.headerRebuilt).toBe(true);
    const dump = await home.ccdump('header-keywords');
    // "work" (keyword 1) was overwritten: its messages keep it under a placeholder name
    const renamed = (k: string): string => (k === 'work' ? '$RepairedKeyword1' : k);
    expect(dump.meta.keywords).toEqual(baseDump.meta.keywords.map(renamed));
    expect(dump.messages.map((m) => [m.uid, m.keywords])).toEqual(baseDump.messages.map((m) => [m.uid, m.keywords.map(renamed)]));
  });

  it('leaves a healthy mailbox mailutil wrote byte for byte as it was, with no other file', async () => {
    const { home, base } = await setup.get();
    const file = await home.put('healthy', base);
    // to the nanosecond: the store's probe puts back only the access time a read moved (src/store/detect.ts)
    const mtimeNs = (): bigint => fs.statSync(file, { bigint: true }).mtimeNs;
    const mtime = mtimeNs();
    for (const dryRun of [true, false]) {
      const result = await repairMbx(localRef(home.dir, 'healthy'), recordingContext({ lockTimeoutMs: 5000 }).ctx, { dryRun });
      expect(result).toMatchObject({ healthy: true, problems: [], badmsg: [], backup: null });
    }
    expect(sha(fs.readFileSync(file))).toBe(sha(base));
    expect(mtimeNs()).toBe(mtime);
    expect(fs.readdirSync(home.dir).filter((f) => f.startsWith('healthy.'))).toEqual([]);
  });
});

function sizeDamage(b: Buffer, e: Entry, delta: number): Damage {
  const comma = e.offset + 26;
  const semi = b.indexOf(';', comma);
  const bytes = Buffer.concat([b.subarray(0, comma + 1), Buffer.from(String(e.size + delta)), b.subarray(semi)]);
  return { bytes, from: e.offset, to: e.offset + e.line.length + 2 + e.size };
}

function fieldDamage(b: Buffer, e: Entry, fromSemi: number, byte: string): Damage {
  const at = b.indexOf(';', e.offset) + fromSemi;
  const bytes = Buffer.from(b);
  bytes.write(byte, at, 'latin1');
  return { bytes, from: at, to: at + 1 };
}

/** c-client fails on the file, warns, reads it as another format, or sees other messages. */
async function cClientSeesDamage(home: OracleHome, name: string, count: number): Promise<boolean> {
  try {
    const dump = await home.ccdump(name);
    return complaints(dump).length > 0 || dump.driver !== 'mbx' || dump.messages.length !== count;
  } catch {
    return true;
  }
}

describe('random damage', () => {
  type Kind = 'overwrite' | 'zero' | 'delete' | 'insert' | 'truncate' | 'duplicate';
  const damage: fc.Arbitrary<RandomDamage> = fc.record({
    kind: fc.constantFrom<Kind>('overwrite', 'zero', 'delete', 'insert', 'truncate', 'duplicate'),
    at: fc.double({ min: 0, max: 1, noNaN: true }),
    other: fc.double({ min: 0, max: 1, noNaN: true }),
    length: fc.integer({ min: 1, max: 400 }),
    noise: fc.uint8Array({ minLength: 1, maxLength: 120 }),
  });

  interface RandomDamage {
    kind: Kind;
    /** Where, as a share of the file. */
    at: number;
    /** duplicate: where the copied bytes come from, as a share of the file. */
    other: number;
    length: number;
    noise: Uint8Array;
  }

  /** One damage, inside the bytes from..to of b (the rest of b as it was: later zones are damaged first). */
  function apply(b: Buffer, r: RandomDamage, zone: Hit): Damage {
    const pos = zone.from + Math.floor(r.at * (zone.to - zone.from));
    const end = Math.min(zone.to, pos + r.length);
    switch (r.kind) {
      case 'overwrite': {
        const bytes = Buffer.from(b);
        const noise = Buffer.from(r.noise).subarray(0, end - pos);
        noise.copy(bytes, pos);
        return { bytes, from: pos, to: pos + noise.length };
      }
      case 'zero': {
        const bytes = Buffer.from(b);
        bytes.fill(0, pos, end);
        return { bytes, from: pos, to: end };
      }
      case 'delete':
        return { bytes: Buffer.concat([b.subarray(0, pos), b.subarray(end)]), from: pos, to: end };
      case 'insert':
        return { bytes: Buffer.concat([b.subarray(0, pos), Buffer.from(r.noise), b.subarray(pos)]), from: pos, to: pos };
      case 'truncate': {
        // fewer bytes than "*mbx*" CRLF leave no mbx file to repair (repair-mbx refuses it)
        const cut = Math.max(pos, 7);
        return { bytes: b.subarray(0, cut), from: cut, to: Number.MAX_SAFE_INTEGER };
      }
      case 'duplicate': {
        const src = Math.floor(r.other * b.length);
        const piece = b.subarray(src, Math.min(b.length, src + r.length * 4));
        return { bytes: Buffer.concat([b.subarray(0, pos), piece, b.subarray(pos)]), from: pos, to: pos };
      }
    }
  }

  /**
   * Several damages: the file cut into as many zones, each damaged inside its own, the last zone
   * first, so that every damage's place in the original stays where it was computed.
   */
  function applyAll(b: Buffer, rs: readonly RandomDamage[]): Damage {
    const width = b.length / rs.length;
    let bytes = b;
    const hits: Hit[] = [];
    for (let k = rs.length - 1; k >= 0; k--) {
      const d = apply(bytes, rs[k]!, { from: Math.floor(k * width), to: k === rs.length - 1 ? b.length : Math.floor((k + 1) * width) });
      bytes = d.bytes;
      hits.push({ from: d.from, to: d.to });
    }
    const [first, ...others] = hits;
    return { bytes, ...first!, others };
  }

  /**
   * An mbx file mailutil writes from 1 to 6 real messages (and perhaps TRAP), with flags and
   * keywords; as mailutil's copy leaves it (no UIDs yet), or after a read-write pass numbered it.
   */
  const mailbox = fc.record({
    skip: fc.integer({ min: 0, max: 60 }),
    count: fc.integer({ min: 1, max: 6 }),
    statuses: fc.array(fc.nat(STATUS.length - 1), { minLength: 7, maxLength: 7 }),
    trapAt: fc.option(fc.nat(6), { nil: undefined }),
    numbered: fc.boolean(),
  });

  it('never crashes, never loses an undamaged message, and always leaves a file c-client opens (one to three damages at once)', async () => {
    const { home } = await setup.get();
    let run = 0;
    await fc.assert(fc.asyncProperty(mailbox, fc.array(damage, { minLength: 1, maxLength: 3 }), async (spec, rs) => {
      const name = `random-${run++}`;
      const source = await sourceMbox(spec.count, spec.skip, { statuses: spec.statuses, trapAt: spec.trapAt === undefined ? undefined : Math.min(spec.trapAt, spec.count) });
      const sound = await mailutilMbx(home, `${name}-sound`, source, spec.numbered);
      const d = applyAll(sound, rs);
      if (d.bytes.equals(sound)) return;
      await checkRandom(home, name, sound, await home.ccdump(`${name}-sound`), d);
      // the home is handed to the oracle user before each mailutil run: keep it small
      for (const f of fs.readdirSync(home.dir)) if (f === name || f.startsWith(`${name}.`) || f.startsWith(`${name}-`)) fs.rmSync(home.path(f), { recursive: true });
    }), { numRuns: 25 });
    // each run has mailutil write a mailbox and c-client read two: room for a loaded machine
  }, 300_000);

  async function checkRandom(home: OracleHome, name: string, sound: Buffer, soundDump: Awaited<ReturnType<OracleHome['ccdump']>>, d: Damage): Promise<void> {
    await home.put(name, d.bytes);
    const ctx = recordingContext({ lockTimeoutMs: 5000 }).ctx;
    const entries = parseEntries(sound);
    const dry = await repairMbx(localRef(home.dir, name), ctx, { dryRun: true }).catch((e: unknown) => e);
    expect((await home.read(name)).equals(d.bytes), 'a dry run changes nothing').toBe(true);
    expect(fs.readdirSync(home.dir).filter((f) => f.startsWith(`${name}.`)), 'a dry run makes no files').toEqual([]);
    const outcome = await repairMbx(localRef(home.dir, name), ctx).catch((e: unknown) => e);
    const said = (r: unknown): unknown => (r instanceof Error ? r.message : (r as RepairResult).problems);
    expect(said(dry), 'the dry run found what the repair found (or refused as it did)').toEqual(said(outcome));
    if (outcome instanceof NotAMailbox) {
      // several damages can leave nothing of an mbx file (the start of its header zeroed and the rest cut
      // off): refused in one line, changing nothing; never while a message of the original is left whole
      expect(untouched(entries, d), `refused (${outcome.message}) although messages are left whole`).toEqual([]);
      expect((await home.read(name)).equals(d.bytes)).toBe(true);
      expect(fs.readdirSync(home.dir).filter((f) => f.startsWith(`${name}.`))).toEqual([]);
      return;
    }
    if (outcome instanceof Error) throw outcome;
    const result = outcome as RepairResult;
    const dump = await home.ccdump(name);
    expect(complaints(dump)).toEqual([]);
    expect(dump.driver).toBe('mbx');
    await home.check(name);
    if (result.healthy) {
      // damage that leaves a sound file (bytes inside a text changed): left as it is, and c-client agrees
      expect((await home.read(name)).equals(d.bytes)).toBe(true);
      expect(fs.readdirSync(home.dir).filter((f) => f.startsWith(`${name}.`))).toEqual([]);
    } else {
      expectAccounted(d.bytes, result, await home.read(name));
      expect(fs.readFileSync(result.backup!).equals(d.bytes), 'the backup is the damaged original').toBe(true);
    }
    const repaired = new Set(dump.messages.map(same));
    for (const k of untouched(entries, d)) {
      expect(repaired.has(same(soundDump.messages[k]!)), `message ${k + 1} (at ${entries[k]!.offset}) kept`).toBe(true);
    }
  }
});

describe('an append that opened the mailbox just before it was replaced', () => {
  it('is waited for after the locks are let go, and what it wrote to the old file is found', async () => {
    const { home, small } = await setup.get();
    const file = await home.put('late', small);
    await home.put('late-src', await sourceMbox(1, 40));
    const lock = await mbxRepairKit.lockForReplacement(file, 'late', 5000);
    try {
      // mailutil opens the file, then waits in flock(LOCK_SH) behind our exclusive lock
      const append = home.mailutil('append', 'late-src', 'late');
      await blockedOnFlock(fs.fstatSync(lock.fd).ino);
      // a repaired copy takes the old file's name
      fs.copyFileSync(file, `${file}.new`);
      fs.renameSync(`${file}.new`, file);
      const settled = await lock.releaseAndSettle(5000);
      const r = await append;
      expect(r.stderr).toBe('');
      expect(settled).toBeGreaterThan(lock.size);
      expect(fs.statSync(file).size).toBe(small.length);
    } finally {
      lock.close();
    }
  });
});

/** Waits until a process is blocked in flock(2) on this inode (/proc/locks shows waiters as "->"). */
async function blockedOnFlock(ino: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 20) {
    const locks = fs.readFileSync('/proc/locks', 'utf8');
    if (locks.split('\n').some((l) => l.includes('->') && l.includes('FLOCK') && new RegExp(`:${ino} `).test(l))) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('mailutil never waited for the lock');
}
