// Issue 4's last interop clause: for each c-client format (mmdf, mtx, tenex,
// mix, mx, mh), flag changes and expunges made by EACH side read the same on
// the other. c-client's own changes come from tools/ccflag.c (mail_setflag,
// mail_clearflag, mail_expunge in one read-write session: mailutil has no flag
// command); mailsmith's from its store API. For a folder mailutil made
// (`mailutil copy -kw`) and one mailsmith made, three rounds in turn:
//   1. c-client sets and clears flags and keywords (one keyword new to the
//      mailbox), deletes and expunges, then flags messages after the expunge;
//   2. mailsmith does the same through store() and expunge();
//   3. c-client again, on what mailsmith rewrote.
// After each round ccdump and mailsmith report the same mailbox (text, date,
// flags, keywords, UIDs, UID validity, last UID), and both match the round's
// model, computed from what c-client reported before it. What a format cannot
// store is modelled as such: mtx, tenex and MH keep no keywords (UIDs are
// positions in mtx and tenex, file numbers in MH, whose UID validity is the
// time of each open), and MH keeps no flag beyond a session: only the
// expunges of a round last there, as in c-client's mh driver.
// While mailsmith holds a mailbox open read-write, a c-client session changes
// what c-client allows (mmdf: nothing, it opens read-only; mtx and tenex: flags
// but no expunge; mix, mx, MH: both), and mailsmith's own change afterwards
// keeps c-client's. And create, rename and delete across the two: a new
// mailbox either side makes reads in the other as its own does; each side
// renames and deletes mailboxes the other made (with mail, and empty),
// leaving nothing behind.
import fs from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtimeWithZone, formatInternalDate } from '../../src/mail/dates.js';
import type { SystemFlag } from '../../src/mail/flags.js';
import { resolveName } from '../../src/names/index.js';
import { createMailbox, deleteMailbox, makeStoreContext, openMailbox, renameMailbox } from '../../src/store/index.js';
import type { FormatName, LocalRef, Mailbox, NewMessage } from '../../src/store/types.js';
import { diffDumps, type DumpMessage, type MailboxDump } from './dump.js';
import { realMessages, toCrlf, unixMbox, withoutEnvelope } from './messages.js';
import { sharedSetup, type OracleHome } from './oracle.js';

process.env.TZ = 'UTC';

interface Traits {
  readonly format: FormatName;
  /** Keywords are stored (else neither side may name one). */
  readonly keywords: boolean;
  /** Flags outlive the session that set them (MH: only its expunges do). */
  readonly flagsPersist: boolean;
  /** How UIDs are kept: stored, message positions, or MH file numbers. */
  readonly uids: 'stored' | 'positions' | 'files';
  /**
   * What a c-client session can do while mailsmith has the mailbox open read-write: only
   * read (mmdf), all but expunge (mtx, tenex), or everything (mix, mx, MH share it).
   */
  readonly whileOpen: 'read-only' | 'no-expunge' | 'shared';
}

const FORMATS: readonly Traits[] = [
  { format: 'mmdf', keywords: true, flagsPersist: true, uids: 'stored', whileOpen: 'read-only' },
  { format: 'mtx', keywords: false, flagsPersist: true, uids: 'positions', whileOpen: 'no-expunge' },
  { format: 'tenex', keywords: false, flagsPersist: true, uids: 'positions', whileOpen: 'no-expunge' },
  { format: 'mix', keywords: true, flagsPersist: true, uids: 'stored', whileOpen: 'shared' },
  { format: 'mx', keywords: true, flagsPersist: true, uids: 'stored', whileOpen: 'shared' },
  { format: 'mh', keywords: false, flagsPersist: false, uids: 'files', whileOpen: 'shared' },
];

const KEYWORDS = ['work', '$Label1', 'Junk'];

/** A change of one round: by message number, as the session numbers them at that point. */
type Step =
  | { readonly op: 'set' | 'clear'; readonly msgnos: readonly number[]; readonly flags: readonly string[] }
  | { readonly op: 'expunge' };

const isSystem = (f: string): boolean => f.startsWith('\\');

/** Message numbers 1..n whose (number - 1) % every === at. */
function every(n: number, every: number, at: number): number[] {
  return Array.from({ length: n }, (_v, i) => i + 1).filter((k) => (k - 1) % every === at);
}

/** The round's steps for a mailbox of n messages; keywords only where the format keeps them. */
function round(which: 1 | 2 | 3, n: number, t: Traits): Step[] {
  const kw = (...k: string[]): string[] => (t.keywords ? k : []);
  switch (which) {
    case 1:
      return [
        { op: 'set', msgnos: every(n, 4, 1), flags: ['\\Flagged', ...kw('Junk')] },
        { op: 'clear', msgnos: every(n, 6, 1), flags: ['\\Seen', '\\Answered', ...kw('work')] },
        { op: 'set', msgnos: every(n, 5, 2), flags: ['\\Seen', ...kw('Later')] },
        { op: 'set', msgnos: every(n, 7, 3), flags: ['\\Deleted'] },
        { op: 'expunge' },
        { op: 'set', msgnos: [1, 2], flags: ['\\Draft', ...kw('$Label1')] },
      ];
    case 2:
      return [
        { op: 'set', msgnos: every(n, 3, 0), flags: ['\\Answered', ...kw('Junk', 'Mine')] },
        { op: 'clear', msgnos: every(n, 4, 1), flags: ['\\Flagged', ...kw('Later')] },
        { op: 'set', msgnos: every(n, 5, 4), flags: ['\\Deleted'] },
        { op: 'expunge' },
        { op: 'clear', msgnos: [1], flags: ['\\Draft'] },
      ];
    case 3:
      return [
        { op: 'clear', msgnos: every(n, 2, 0), flags: ['\\Answered', ...kw('Mine')] },
        { op: 'set', msgnos: every(n, 9, 5), flags: ['\\Deleted', '\\Seen'] },
        { op: 'expunge' },
        { op: 'set', msgnos: [2, 3], flags: ['\\Flagged', ...kw('Last')] },
      ];
  }
}

/** What a reader must report after the steps, computed from what c-client reported before them. */
function model(before: MailboxDump, steps: readonly Step[], t: Traits): MailboxDump {
  let messages = before.messages.map((m) => ({ ...m, flags: [...m.flags], keywords: [...m.keywords], deleted: false }));
  const keywords = [...before.meta.keywords];
  for (const s of steps) {
    if (s.op === 'expunge') {
      messages = messages.filter((m) => !(t.flagsPersist ? m.flags.includes('\\Deleted') : m.deleted));
      continue;
    }
    for (const k of s.flags.filter((f) => !isSystem(f))) if (s.op === 'set' && !keywords.includes(k)) keywords.push(k);
    for (const msgno of s.msgnos) {
      const m = messages[msgno - 1]!;
      if (!t.flagsPersist) {
        // MH: the session remembers \Deleted until its expunge; nothing else lasts
        if (s.flags.includes('\\Deleted')) m.deleted = s.op === 'set';
        continue;
      }
      const sys = s.flags.filter(isSystem);
      const kws = s.flags.filter((f) => !isSystem(f));
      m.flags = s.op === 'set' ? [...new Set([...m.flags, ...sys])] : m.flags.filter((f) => !sys.includes(f));
      m.keywords = s.op === 'set' ? [...new Set([...m.keywords, ...kws])] : m.keywords.filter((k) => !kws.includes(k));
    }
  }
  const kept: DumpMessage[] = messages.map(({ deleted: _d, ...m }, i) => (t.uids === 'positions' ? { ...m, uid: i + 1 } : m));
  const uidLast = t.uids === 'stored' ? before.meta.uidLast : Math.max(0, ...kept.map((m) => m.uid));
  return { meta: { uidValidity: before.meta.uidValidity, uidLast, keywords }, messages: kept };
}

/** Differences, the UID validity aside where each open gives its own. */
function differences(actual: MailboxDump, expected: MailboxDump, t: Traits): string[] {
  const validity = t.uids === 'stored' ? expected.meta.uidValidity : actual.meta.uidValidity;
  return diffDumps(actual, { ...expected, meta: { ...expected.meta, uidValidity: validity } });
}

/** c-client's round: the steps as ccflag operations. */
async function cclientRound(home: OracleHome, name: string, steps: readonly Step[]): Promise<void> {
  const ops = steps.flatMap((s) => (s.op === 'expunge' ? ['expunge'] : [s.op, s.msgnos.join(','), s.flags.join(' ')]));
  await home.ccflag(name, ...ops);
}

/** mailsmith's round: the same steps through store() and expunge(), message numbers turned into UIDs. */
async function mailsmithRound(home: OracleHome, name: string, steps: readonly Step[]): Promise<void> {
  await change(home, name, async (mb) => {
    let uids: number[] = [];
    for await (const m of mb.messages()) uids.push(m.uid);
    for (const s of steps) {
      if (s.op === 'expunge') {
        const gone = new Set<number>();
        for await (const m of mb.messages()) if (m.flags.includes('\\Deleted')) gone.add(m.uid);
        await mb.expunge();
        uids = uids.filter((u) => !gone.has(u));
        continue;
      }
      const flags = s.flags.filter(isSystem) as SystemFlag[];
      const keywords = s.flags.filter((f) => !isSystem(f));
      const targets = s.msgnos.map((n) => uids[n - 1]!);
      await mb.store(targets, s.op === 'set' ? { add: { flags, keywords } } : { remove: { flags, keywords } });
    }
  });
}

function ref(home: OracleHome, name: string, purpose: 'open' | 'create' = 'open'): LocalRef {
  const r = resolveName(name, { home: home.dir, user: 'user', spoolDir: '/var/mail', restrict: false }, purpose);
  if (r.kind !== 'local') throw new Error(`not local: ${name}`);
  return r;
}

async function change(home: OracleHome, name: string, fn: (mb: Mailbox) => Promise<void>): Promise<void> {
  const mb = await openMailbox(ref(home, name), 'write', makeStoreContext());
  try {
    await fn(mb);
  } finally {
    await mb.close();
  }
}

async function readOurs(home: OracleHome, name: string): Promise<MailboxDump & { format: FormatName; warnings: string[] }> {
  const warnings: string[] = [];
  const mb = await openMailbox(ref(home, name), 'read', makeStoreContext({ warn: (w) => warnings.push(w) }));
  try {
    const messages: DumpMessage[] = [];
    for await (const m of mb.messages()) {
      messages.push({
        uid: m.uid, internalDate: formatInternalDate(m.internalDate), flags: [...m.flags], keywords: [...m.keywords],
        size: m.size, text: await m.text(),
      });
    }
    return { format: mb.format, meta: { ...mb.meta, keywords: [...mb.meta.keywords] }, messages, warnings };
  } finally {
    await mb.close();
  }
}

/** Both readers agree on the mailbox; c-client's report, to model the next round from. */
async function bothAgree(home: OracleHome, name: string, t: Traits, expected?: MailboxDump): Promise<MailboxDump> {
  const oracle = await home.ccdump(name);
  const ours = await readOurs(home, name);
  expect({ driver: oracle.driver, format: ours.format, warnings: [...oracle.warnings, ...ours.warnings] })
    .toEqual({ driver: t.format, format: t.format, warnings: [] });
  expect(differences(ours, oracle, t), 'mailsmith against c-client').toEqual([]);
  if (expected) expect(differences(oracle, expected, t), 'c-client against the model').toEqual([]);
  return oracle;
}

/** Every round in turn, each checked on both sides against its model. */
async function threeRounds(home: OracleHome, name: string, t: Traits): Promise<void> {
  let now = await bothAgree(home, name, t);
  expect(now.messages.length).toBeGreaterThan(20);
  for (const which of [1, 2, 3] as const) {
    const steps = round(which, now.messages.length, t);
    if (which === 2) await mailsmithRound(home, name, steps);
    else await cclientRound(home, name, steps);
    const expected = model(now, steps, t);
    expect(expected.messages.length).toBeLessThan(now.messages.length);
    now = await bothAgree(home, name, t, expected);
  }
}

/** A spread of the real corpus, small enough to keep three rounds on twelve folders quick. */
async function sample(): Promise<Buffer[]> {
  return (await realMessages()).filter((_m, i) => i % 7 === 0).map((m) => m.raw);
}

function flagsFor(i: number): SystemFlag[] {
  const all: [number, SystemFlag][] = [[3, '\\Seen'], [11, '\\Deleted'], [7, '\\Flagged'], [5, '\\Answered'], [13, '\\Draft']];
  return all.filter(([k]) => i % k === 0).map(([, f]) => f);
}

const ZONES = [0, -480, 60, 330, -300];
const dateOf = (i: number) => ({ ms: Date.UTC(1996, 0, 1) + i * 43 * 86_400_000 + i * 9_127_000, zone: ZONES[i % ZONES.length]! });

const setup = sharedSetup('cclient-changes', async (home) => {
  await home.put('.mh_profile', 'Path: Mail\n');
  const raws = await sample();
  /** The sample as a unix mbox with c-client's status lines (keywords only for formats that keep them). */
  const source = (keywords: boolean): Buffer => unixMbox(raws.map((raw, i) => {
    const x = `${i % 11 === 0 ? 'D' : ''}${i % 7 === 0 ? 'F' : ''}${i % 5 === 0 ? 'A' : ''}${i % 13 === 0 ? 'T' : ''}`;
    return {
      envelope: `sender${i}@example.org ${formatCtimeWithZone(dateOf(i))}`,
      status: [
        ...(i === 0 && keywords ? [`X-IMAPbase: 1600000000 0000000600 ${KEYWORDS.join(' ')}`] : []),
        ...(i % 3 === 0 ? ['Status: RO'] : []),
        ...(x ? [`X-Status: ${x}`] : []),
        ...(keywords && i % 4 === 0 ? ['X-Keywords: work Junk'] : []),
      ],
      text: withoutEnvelope(raw),
    };
  }));
  await home.put('source-kw', source(true));
  await home.put('source', source(false));
  const messages: NewMessage[] = raws.map((raw, i) => ({
    text: toCrlf(raw),
    internalDate: dateOf(i),
    flags: flagsFor(i),
    keywords: KEYWORDS.filter((_k, k) => i % (4 + k) === 0),
    uid: 101 + 3 * i,
  }));
  return { messages };
});
afterAll(() => setup.dispose());

/** The name each side uses: MH folders through the profile's #mh/ namespace. */
const nameOf = (t: Traits, base: string): string => (t.format === 'mh' ? `#mh/${t.format}-${base}` : `${t.format}-${base}`);

describe.each(FORMATS)('$format', (t) => {
  it('a folder mailutil made: c-client, then mailsmith, then c-client change flags and expunge; both read the same each time', async () => {
    const { home } = await setup.get();
    const name = nameOf(t, 'theirs');
    const target = t.format === 'mh' ? name : `#driver.${t.format}/${name}`;
    await home.mailutilOk('copy', '-kw', t.keywords ? 'source-kw' : 'source', target);
    await threeRounds(home, name, t);
  });

  it('a folder mailsmith made: the same three rounds', async () => {
    const { home, messages } = await setup.get();
    const name = nameOf(t, 'ours');
    const ctx = makeStoreContext();
    const created = t.format === 'mh' ? name : `#driver.${t.format}/${name}`;
    await createMailbox(ref(home, created, 'create'), ctx, { meta: { uidValidity: 1_234_567_890, uidLast: 100, keywords: ['work'] } });
    const kept = t.keywords ? messages : messages.map((m) => ({ ...m, keywords: [] }));
    // through the #driver. name: an empty file alone reads as unix, to c-client as to mailsmith
    await change(home, created, async (mb) => {
      await mb.append((async function* () { yield* kept; })(), { keepUids: t.uids === 'stored' });
    });
    await threeRounds(home, name, t);
  });

  it('c-client changes made while mailsmith has the mailbox open are kept, and refused only where c-client refuses them', async () => {
    const { home, messages } = await setup.get();
    const name = nameOf(t, 'open');
    const created = t.format === 'mh' ? name : `#driver.${t.format}/${name}`;
    await createMailbox(ref(home, created, 'create'), makeStoreContext());
    await change(home, created, async (mb) => {
      await mb.append((async function* () { yield* messages.slice(0, 5).map((m) => ({ ...m, flags: [], keywords: [] })); })());
    });
    const before = await bothAgree(home, name, t);
    const theirs: Step[] = [{ op: 'set', msgnos: [1], flags: ['\\Flagged'] }, { op: 'set', msgnos: [3], flags: ['\\Deleted'] }, { op: 'expunge' }];
    const mb = await openMailbox(ref(home, name), 'write', makeStoreContext());
    try {
      const uids: number[] = [];
      for await (const m of mb.messages()) uids.push(m.uid);
      const attempt = cclientRound(home, name, theirs);
      if (t.whileOpen === 'read-only') await expect(attempt).rejects.toThrow(/Mailbox is open by another process, access is readonly/);
      else if (t.whileOpen === 'no-expunge') await expect(attempt).rejects.toThrow(/Can't expunge because mailbox is in use by another process/);
      else await attempt;
      // mailsmith's own change afterwards, in the same session, must not undo c-client's
      await mb.store([uids[1]!], { add: { flags: ['\\Seen'] } });
    } finally {
      await mb.close();
    }
    const applied = { 'read-only': [], 'no-expunge': theirs.slice(0, 2), shared: theirs }[t.whileOpen];
    const expected = model(model(before, applied, t), [{ op: 'set', msgnos: [2], flags: ['\\Seen'] }], t);
    await bothAgree(home, name, t, expected);
  });

  it('create, rename and delete: each side takes the mailboxes the other made as its own', async () => {
    const { home, messages } = await setup.get();
    const driver = (name: string): string => (t.format === 'mh' ? name : `#driver.${t.format}/${name}`);
    const exists = (name: string): boolean => fs.existsSync(ref(home, name).path);
    // new, empty mailboxes: mailsmith's reads in c-client as c-client's own does, and the other way round
    const [newOurs, newTheirs] = [nameOf(t, 'new-ours'), nameOf(t, 'new-theirs')];
    const meta = { uidValidity: 4242, uidLast: 7, keywords: t.keywords ? ['work'] : [] };
    await createMailbox(ref(home, driver(newOurs), 'create'), makeStoreContext(), { meta });
    await home.mailutilOk('create', driver(newTheirs));
    const [ccOurs, ccTheirs] = [await home.ccdump(newOurs), await home.ccdump(newTheirs)];
    const [msOurs, msTheirs] = [await readOurs(home, newOurs), await readOurs(home, newTheirs)];
    // (mtx and tenex: an empty file, as c-client's create makes it, which neither side can tell from an empty unix mbox)
    expect({ driver: ccOurs.driver, format: msOurs.format }).toEqual({ driver: ccTheirs.driver, format: msTheirs.format });
    expect([ccOurs, ccTheirs, msOurs, msTheirs].map((d) => d.messages.length)).toEqual([0, 0, 0, 0]);
    expect(differences(msTheirs, ccTheirs, t)).toEqual([]);
    if (t.uids === 'stored') expect(ccOurs.meta).toEqual(meta);

    // mailutil's mailbox renamed by mailsmith, which c-client then reads as before
    const [muA, muB] = [nameOf(t, 'mu-a'), nameOf(t, 'mu-b')];
    await home.mailutilOk('copy', '-kw', t.keywords ? 'source-kw' : 'source', driver(muA));
    const theirs = await home.ccdump(muA);
    await renameMailbox(ref(home, muA), ref(home, muB, 'create'), makeStoreContext());
    expect(exists(muA)).toBe(false);
    expect(differences(await home.ccdump(muB), theirs, t)).toEqual([]);

    // mailsmith's mailbox, after an append, an expunge and another append, renamed by mailutil
    const [msC, msD] = [nameOf(t, 'ms-c'), nameOf(t, 'ms-d')];
    await createMailbox(ref(home, driver(msC), 'create'), makeStoreContext(), { meta });
    const some = messages.slice(0, 6).map((m) => ({ ...m, flags: [], keywords: t.keywords ? m.keywords : [] }));
    await change(home, driver(msC), async (mb) => {
      await mb.append((async function* () { yield* some.slice(0, 4); })());
      let last = 0;
      for await (const m of mb.messages()) last = m.uid;
      await mb.store([last], { add: { flags: ['\\Deleted'] } });
      expect(await mb.expunge()).toBe(1);
      await mb.append((async function* () { yield* some.slice(4); })());
    });
    const ours = await readOurs(home, msC);
    expect(ours.messages.length).toBe(5);
    await home.mailutilOk('rename', msC, msD);
    expect(exists(msC)).toBe(false);
    expect(differences(await readOurs(home, msD), ours, t)).toEqual([]);

    // and each side deletes what the other made, leaving nothing behind
    await deleteMailbox(ref(home, muB), makeStoreContext());
    await home.mailutilOk('delete', msD);
    await deleteMailbox(ref(home, newTheirs), makeStoreContext());
    await home.mailutilOk('delete', newOurs);
    expect([muB, msD, newTheirs, newOurs].filter(exists)).toEqual([]);
  });
});
