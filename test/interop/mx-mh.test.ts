// Proves that mailsmith's mx and mh drivers and the real UW c-client read and
// write the same folders, both ways:
// - the golden folders mailutil wrote (mx, mx-pruned, mh, mh-pruned, with the
//   file times EXPECTED.json records) read the same in ccdump and mailsmith,
//   and as EXPECTED.json;
// - the 252 real messages, copied by `mailutil copy -kw` into mx and MH, read
//   the same in ccdump and mailsmith (text, date, flags, keywords, UIDs as far
//   as each format keeps them), and `check` agrees;
// - folders mailsmith writes (UIDs, flags, keywords kept in mx; what MH keeps
//   in mh) read in ccdump as intended; mailsmith's .mxindex is byte for byte
//   what c-client writes back; flag changes and expunges made by mailsmith
//   read the same in c-client, and prunes made by mailutil the same in mailsmith;
// - `mailsmith copy` into mx keeps UIDs, and into MH names what it drops (exit 3).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtime, formatInternalDate } from '../../src/mail/dates.js';
import { resolveName } from '../../src/names/index.js';
import { createMailbox, makeStoreContext, openMailbox } from '../../src/store/index.js';
import type { LocalRef, Mailbox, NewMessage } from '../../src/store/types.js';
import { afterChanges, makeChanges, withMessages } from './changes.js';
import { ALL_KEYWORDS, CREATED_WITH, corpusMessages, statusLines } from './corpus.js';
import { sharedSetup, type OracleHome } from './oracle.js';
import { diffDumps, type DumpMessage, type MailboxDump } from './dump.js';
import { goldenDir, goldenDiffs, loadExpected } from './golden.js';
import { checkLine, mailsmithCli, type MailsmithDump, type MailsmithMessage } from './mailsmith.js';
import { realMessages, unixMbox, withoutEnvelope, type MboxEntry } from './messages.js';

process.env.TZ = 'UTC';

const MH_PROFILE = 'Path: Mail\n';

/** A name as mailsmith's commands resolve it in this home (#mh/ names need the profile). */
function named(home: string, name: string, purpose: 'open' | 'create' = 'open'): LocalRef {
  const ref = resolveName(name, { home, user: 'user', spoolDir: '/var/mail', restrict: false }, purpose);
  if (ref.kind !== 'local') throw new Error(`not local: ${name}`);
  return ref;
}

/** Everything mailsmith reports, opened read-only by name. */
async function readNamed(home: string, name: string, now?: Date): Promise<MailsmithDump> {
  const warnings: string[] = [];
  const ctx = makeStoreContext({ warn: (t) => warnings.push(t), ...(now ? { now: () => now } : {}) });
  const mb = await openMailbox(named(home, name), 'read', ctx);
  try {
    const messages: MailsmithMessage[] = [];
    for await (const m of mb.messages()) {
      messages.push({
        uid: m.uid, internalDate: formatInternalDate(m.internalDate), flags: [...m.flags], keywords: [...m.keywords],
        size: m.size, text: await m.text(), recent: m.recent,
      });
    }
    return { format: mb.format, meta: { ...mb.meta, keywords: [...mb.meta.keywords] }, messages, warnings };
  } finally {
    await mb.close();
  }
}

async function changeNamed<T>(home: string, name: string, change: (mb: Mailbox) => Promise<T>): Promise<T> {
  const mb = await openMailbox(named(home, name), 'write', makeStoreContext());
  try {
    return await change(mb);
  } finally {
    await mb.close();
  }
}

/** MH's UID validity is the time of each open: compare everything else. */
function withValidity(dump: MailboxDump, uidValidity: number): MailboxDump {
  return { ...dump, meta: { ...dump.meta, uidValidity } };
}

/** A golden folder copied into the home as `to`, each message file dated as EXPECTED.json says, read an hour later. */
async function putGolden(home: OracleHome, name: string, to: string): Promise<void> {
  const mtimes = (await loadExpected())[name]!.fileMtimes ?? {};
  for (const entry of fs.readdirSync(path.join(goldenDir(), name))) {
    const file = await home.putCopy(path.join(to, entry), path.join(goldenDir(), name, entry));
    const mtime = mtimes[entry];
    if (mtime !== undefined) fs.utimesSync(file, mtime + 3600, mtime);
  }
}

describe.each([
  ['mx', 'mx'], ['mx-pruned', 'mx-pruned'], ['mh', '#mh/mh'], ['mh-pruned', '#mh/mh-pruned'],
] as const)('golden %s', (golden, name) => {
  const setup = sharedSetup(`mxmh-golden-${golden}`, async (home) => {
    await home.put('.mh_profile', MH_PROFILE);
    await putGolden(home, golden, name.startsWith('#mh/') ? `Mail/${golden}` : golden);
    return { expected: (await loadExpected())[golden]! };
  });
  afterAll(() => setup.dispose());

  it('ccdump and mailsmith both read it as EXPECTED.json; mailsmith check prints mailutil\'s line', async () => {
    const { home, expected } = await setup.get();
    const oracle = await home.ccdump(name);
    const ours = await readNamed(home.dir, name, new Date(expected.uidValidity * 1000));
    expect({ driver: oracle.driver, format: ours.format, warnings: [...oracle.warnings, ...ours.warnings] })
      .toEqual({ driver: expected.driver, format: expected.driver, warnings: [] });
    // c-client gives an MH folder the time of the open as its UID validity
    const isMh = expected.driver === 'mh';
    expect(goldenDiffs(isMh ? withValidity(oracle, expected.uidValidity) : oracle, expected)).toEqual([]);
    expect(goldenDiffs(ours, expected)).toEqual([]);
    expect(checkLine(ours, name)).toBe(await home.check(name));
    const r = await mailsmithCli(home.dir, 'check', name);
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ status: 0, stdout: expected.check, stderr: '' });
  });
});

describe('mailutil writes mx and MH, mailsmith reads', () => {
  const setup = sharedSetup('mxmh-from-mailutil', async (home) => {
    await home.put('.mh_profile', MH_PROFILE);
    const entries: MboxEntry[] = (await realMessages()).map((m, i) => ({
      envelope: `sender${i}@example.org ${formatCtime({ ms: Date.UTC(1998, 0, 1) + i * 37 * 86_400_000 + i * 7_919_000, zone: 0 })}`,
      status: statusLines(i),
      text: withoutEnvelope(m.raw),
    }));
    await home.put('source', unixMbox(entries));
    await home.mailutilOk('copy', '-kw', 'source', '#driver.mx/to-mx');
    // MH takes no keywords: mailutil warns for each, and exits 0
    const r = await home.mailutil('copy', '-kw', 'source', '#mh/to-mh');
    if (r.status !== 0) throw new Error(`mailutil copy into MH: ${r.stdout}${r.stderr}`);
    return {};
  });
  afterAll(() => setup.dispose());

  it.each(['to-mx', '#mh/to-mh'])('%s: every message as c-client reports it, and the same check line', async (name) => {
    const { home } = await setup.get();
    const oracle = await home.ccdump(name);
    const ours = await readNamed(home.dir, name);
    expect(oracle.messages.length).toBe(252);
    expect(ours.format).toBe(oracle.driver);
    expect(diffDumps(ours, name.startsWith('#mh/') ? withValidity(oracle, ours.meta.uidValidity) : oracle)).toEqual([]);
    expect(checkLine(ours, name)).toBe(await home.check(name));
  });
});

// mx and MH keep only the instant of an internal date, not its zone.

/** What every reader must report for the mx folder mailsmith wrote: all but the zones. */
function mxModel(messages: readonly NewMessage[]): MailboxDump {
  return {
    meta: { uidValidity: CREATED_WITH.uidValidity, uidLast: Math.max(...messages.map((m) => m.uid!)), keywords: ALL_KEYWORDS },
    messages: messages.map((m) => ({
      uid: m.uid!, internalDate: formatInternalDate({ ms: m.internalDate.ms, zone: 0 }), flags: m.flags, keywords: m.keywords,
      size: m.text.length, text: m.text,
    })),
  };
}

/**
 * What every reader must report for an MH folder mailsmith wrote: the text without CRs read
 * back with CRLF, the date in UTC, the file numbers as UIDs, and \Seen for all (the append
 * time is after every internal date), nothing else. UID validity is the reader's time of open.
 */
function mhModel(messages: readonly NewMessage[], uidValidity: number): MailboxDump {
  return {
    meta: { uidValidity, uidLast: messages.length, keywords: [] },
    messages: messages.map((m, i) => {
      const text = Buffer.from(m.text.toString('latin1').replace(/\r/g, '').replace(/\n/g, '\r\n'), 'latin1');
      return { uid: i + 1, internalDate: formatInternalDate({ ms: m.internalDate.ms, zone: 0 }), flags: ['\\Seen'], keywords: [], size: text.length, text };
    }),
  };
}

/** An MH folder's last UID is its highest file number. */
function mhWithMessages(dump: MailboxDump, messages: DumpMessage[]): MailboxDump {
  return { meta: { ...dump.meta, uidLast: Math.max(0, ...messages.map((m) => m.uid)) }, messages };
}

describe('mailsmith writes mx, c-client reads', () => {
  const setup = sharedSetup('mxmh-to-mailutil-mx', async (home) => {
    const messages = await corpusMessages();
    const ctx = makeStoreContext();
    const ref = named(home.dir, '#driver.mx/box', 'create');
    await createMailbox(ref, ctx, { meta: CREATED_WITH });
    const appended = await changeNamed(home.dir, 'box', (mb) => mb.append((async function* () { yield* messages; })(), { keepUids: true }));
    return { messages, expected: mxModel(messages), appended, index: await home.read('box/.mxindex') };
  });
  afterAll(() => setup.dispose());

  async function copyOfBox(home: OracleHome, name: string): Promise<void> {
    for (const entry of fs.readdirSync(home.path('box'))) {
      const file = await home.putCopy(path.join(name, entry), home.path(path.join('box', entry)));
      const st = fs.statSync(home.path(path.join('box', entry)));
      fs.utimesSync(file, st.atime, st.mtime);
    }
  }

  it('append keeps every UID and names only the zones it cannot keep', async () => {
    const { messages, appended } = await setup.get();
    expect(appended.uids).toEqual(messages.map((m) => m.uid));
    const zoned = messages.filter((m) => m.internalDate.zone !== 0).length;
    expect([...appended.losses.keys()]).toEqual(['date-zone']);
    expect([...appended.losses.get('date-zone')!.values()].reduce((a, b) => a + b, 0)).toBe(zoned);
  });

  it('c-client reads every message, UID, date, flag, keyword and byte as written; mailsmith reads the same', async () => {
    const { home, expected } = await setup.get();
    const oracle = await home.ccdump('box');
    expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: 'mx', warnings: [] });
    expect(diffDumps(oracle, expected)).toEqual([]);
    expect(diffDumps(await readNamed(home.dir, 'box'), expected)).toEqual([]);
  });

  it('the index is byte for byte what c-client writes back: a mailutil read-write pass leaves it as it was', async () => {
    const { home, expected, index } = await setup.get();
    await copyOfBox(home, 'rw');
    const r = await home.prune('rw', 'subject no-such-thing-anywhere');
    expect(r.stdout.trim()).toBe('No matching messages, so nothing purged');
    expect((await home.read('rw/.mxindex')).equals(index)).toBe(true);
    const ours = await readNamed(home.dir, 'rw');
    expect(diffDumps(ours, expected)).toEqual([]);
    expect(checkLine(ours, 'rw')).toBe(await home.check('rw'));
  });

  it('flag changes and an expunge made by mailsmith read the same in c-client', async () => {
    const { home, messages, expected } = await setup.get();
    await copyOfBox(home, 'changed');
    await changeNamed(home.dir, 'changed', (mb) => makeChanges(mb, messages.map((m) => m.uid!), ['Junk', 'Later']));
    const changed = afterChanges(expected.messages, ['Junk', 'Later']);
    const model = { meta: { ...expected.meta, keywords: [...ALL_KEYWORDS, 'Later'] }, messages: changed };
    expect(diffDumps(await home.ccdump('changed'), model)).toEqual([]);
    const ours = await readNamed(home.dir, 'changed');
    expect(diffDumps(ours, model)).toEqual([]);
    expect(checkLine(ours, 'changed')).toBe(await home.check('changed'));
  });

  it('a prune made by mailutil reads the same in mailsmith', async () => {
    const { home, expected } = await setup.get();
    await copyOfBox(home, 'pruned');
    const deleted = expected.messages.filter((m) => m.flags.includes('\\Deleted')).length;
    expect((await home.prune('pruned', 'deleted')).stdout.trim()).toBe(`${deleted} message(s) purged`);
    const model = withMessages(expected, expected.messages.filter((m) => !m.flags.includes('\\Deleted')));
    expect(diffDumps(await home.ccdump('pruned'), model)).toEqual([]);
    expect(diffDumps(await readNamed(home.dir, 'pruned'), model)).toEqual([]);
  });

  it('mailsmith copy into a new mx keeps the UID validity and UIDs; c-client reads it the same', async () => {
    const { home, expected } = await setup.get();
    const r = await mailsmithCli(home.dir, 'copy', 'box', '#driver.mx/cli-mx');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const oracle = await home.ccdump('cli-mx');
    expect(oracle.driver).toBe('mx');
    expect(diffDumps(oracle, expected)).toEqual([]);
  });

  it('mailsmith copy into MH writes what c-client reads, and names every kind of loss (exit 3)', async () => {
    const { home, messages } = await setup.get();
    await home.put('.mh_profile', MH_PROFILE);
    const r = await mailsmithCli(home.dir, 'copy', 'box', '#mh/cli-mh');
    expect(r.status).toBe(3);
    for (const what of ['flag dropped \\Seen', 'flag dropped \\Deleted', 'keyword dropped work', 'keyword dropped Junk', 'UIDs not kept']) {
      expect(r.stderr).toContain(what);
    }
    const oracle = await home.ccdump('#mh/cli-mh');
    expect(oracle.driver).toBe('mh');
    expect(diffDumps(oracle, mhModel(messages, oracle.meta.uidValidity))).toEqual([]);
  });
});

describe('mailsmith writes MH, c-client reads', () => {
  const setup = sharedSetup('mxmh-to-mailutil-mh', async (home) => {
    await home.put('.mh_profile', MH_PROFILE);
    const messages = await corpusMessages();
    await createMailbox(named(home.dir, '#mh/box', 'create'), makeStoreContext());
    const appended = await changeNamed(home.dir, '#mh/box', (mb) => mb.append((async function* () { yield* messages; })()));
    return { messages, appended };
  });
  afterAll(() => setup.dispose());

  it('c-client reads the text, dates and numbers mailsmith wrote; mailsmith reads the same; check agrees', async () => {
    const { home, messages, appended } = await setup.get();
    expect({ appended: appended.appended, losses: [...appended.losses.keys()].sort() }).toEqual({
      appended: 252, losses: ['date-zone', 'flag', 'keyword'],
    });
    const oracle = await home.ccdump('#mh/box');
    expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: 'mh', warnings: [] });
    expect(diffDumps(oracle, mhModel(messages, oracle.meta.uidValidity))).toEqual([]);
    const ours = await readNamed(home.dir, '#mh/box');
    expect(diffDumps(ours, mhModel(messages, ours.meta.uidValidity))).toEqual([]);
    expect(checkLine(ours, '#mh/box')).toBe(await home.check('#mh/box'));
  });

  it('an expunge made by mailsmith, then a prune made by mailutil, read the same on both sides', async () => {
    const { home, messages } = await setup.get();
    await createMailbox(named(home.dir, '#mh/both', 'create'), makeStoreContext());
    await changeNamed(home.dir, '#mh/both', (mb) => mb.append((async function* () { yield* messages; })()));
    await changeNamed(home.dir, '#mh/both', async (mb) => {
      await mb.store(messages.map((_m, i) => i + 1).filter((u) => u % 9 === 0), { add: { flags: ['\\Deleted'] } });
      return mb.expunge();
    });
    const full = mhModel(messages, 0);
    const afterOurs = full.messages.filter((m) => m.uid % 9 !== 0);
    const oracle = await home.ccdump('#mh/both');
    expect(diffDumps(oracle, mhWithMessages(withValidity(full, oracle.meta.uidValidity), afterOurs))).toEqual([]);
    // mailutil's prune: every message dated before 2000
    const before2000 = afterOurs.filter((m) => Date.parse(m.internalDate.trim().replace(/^(\d+)-(\w+)-(\d+) /, '$2 $1 $3 ')) < Date.UTC(2000, 0, 1));
    expect((await home.prune('#mh/both', 'before 1-Jan-2000')).stdout.trim()).toBe(`${before2000.length} message(s) purged`);
    const afterBoth = afterOurs.filter((m) => !before2000.includes(m));
    const ours = await readNamed(home.dir, '#mh/both');
    expect(diffDumps(ours, mhWithMessages(withValidity(full, ours.meta.uidValidity), afterBoth))).toEqual([]);
    const again = await home.ccdump('#mh/both');
    expect(diffDumps(ours, withValidity(again, ours.meta.uidValidity))).toEqual([]);
  });
});
