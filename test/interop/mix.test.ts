// Proves mix mailboxes pass between mailsmith and the real UW mailutil both
// ways. mailutil-made mix directories (the goldens, and all 252 real messages
// copied by `mailutil copy -kw` from a unix mbox with c-client's status
// headers) read in mailsmith exactly as c-client (ccdump) reads them: text,
// internal date with its zone, flags, keywords, UIDs, UID validity, last UID,
// \Recent. Mailboxes mailsmith makes (UIDs kept, a keyword created by the
// append, dates in many zones) read in c-client as written, and stay so
// after flag changes and expunges by either side: mailsmith's store and
// expunge (which reclaims space its own way), mailutil's prune (which burps
// what mailsmith wrote), a mailutil append into it, and `mailsmith copy` into
// and out of mix; and random hostile messages (NUL, bare CR, 8-bit, no final
// line end) come back from mix byte for byte, in c-client and in mailsmith.
import fc from 'fast-check';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtime, formatCtimeWithZone, formatInternalDate, type MailDate } from '../../src/mail/dates.js';
import type { NewMessage } from '../../src/store/types.js';
import { KEYWORD_POOL, mailDate, messageText, systemFlags } from './arbitraries.js';
import { afterChanges, expectPruneReadsAlike, makeChanges, withMessages } from './changes.js';
import { ALL_KEYWORDS, CREATED_WITH, corpusMessages, statusLines } from './corpus.js';
import { OracleHome, sharedSetup } from './oracle.js';
import { diffDumps, type MailboxDump } from './dump.js';
import { goldenDir, goldenDiffs, loadExpected } from './golden.js';
import { changeWithMailsmith, checkLine, mailsmithCli, readWithMailsmith, writeWithMailsmith } from './mailsmith.js';
import { realMessages, unixMbox, withoutEnvelope, type MboxEntry } from './messages.js';

process.env.TZ = 'UTC';

/** A golden mix directory, copied into the home under the same name. */
async function putGolden(home: OracleHome, name: string): Promise<void> {
  const dir = path.join(goldenDir(), name);
  for (const f of await fsp.readdir(dir)) await home.putCopy(`${name}/${f}`, path.join(dir, f));
}

/** A From_ date in one of the forms c-client accepts, chosen by i. */
function envelopeDate(i: number): string {
  const date: MailDate = { ms: Date.UTC(1999, 0, 1) + i * 31 * 86_400_000 + i * 6_151_000, zone: 0 };
  return i % 2 === 0 ? formatCtime(date) : formatCtimeWithZone({ ...date, zone: [-480, 330, 60, -210][i % 4]! });
}

describe('mailutil writes mix, mailsmith reads', () => {
  const setup = sharedSetup('mix-from-mailutil', async (home) => {
    const entries: MboxEntry[] = (await realMessages()).map((m, i) => ({
      envelope: `sender${i}@example.org ${envelopeDate(i)}`,
      status: statusLines(i),
      text: withoutEnvelope(m.raw),
    }));
    await home.put('source', unixMbox(entries));
    await home.mailutilOk('copy', '-kw', 'source', '#driver.mix/to-mix');
    await putGolden(home, 'mix');
    await putGolden(home, 'mix-pruned');
    return {};
  });
  afterAll(() => setup.dispose());

  it.each(['to-mix', 'mix', 'mix-pruned'])('%s: every message, UID, date, flag and keyword as c-client reads them', async (name) => {
    const { home } = await setup.get();
    const oracle = await home.ccdump(name);
    expect(oracle.driver).toBe('mix');
    const ours = await readWithMailsmith(home.dir, name);
    expect({ format: ours.format, warnings: ours.warnings }).toEqual({ format: 'mix', warnings: [] });
    expect(diffDumps(ours, oracle)).toEqual([]);
    expect(checkLine(ours, name)).toBe(await home.check(name));
    if (name === 'to-mix') expect(ours.messages.length).toBe(252);
    else expect(goldenDiffs(ours, (await loadExpected())[name]!)).toEqual([]);
  });

  it('after a mailutil prune (a read-write session, an expunge and a burp) mailsmith still reads what c-client reads', async () => {
    const { home } = await setup.get();
    await home.mailutilOk('copy', '-kw', 'to-mix', '#driver.mix/pruned');
    await home.prune('pruned', 'deleted');
    const oracle = await home.ccdump('pruned');
    const ours = await readWithMailsmith(home.dir, 'pruned');
    expect(diffDumps(ours, oracle)).toEqual([]);
    expect(ours.messages.length).toBeLessThan(252);
    expect(checkLine(ours, 'pruned')).toBe(await home.check('pruned'));
  });

  it('mailsmith copy out of mix into mbx and into mix keeps what c-client reads, UIDs included', async () => {
    const { home } = await setup.get();
    const oracle = await home.ccdump('to-mix');
    for (const to of ['mbx', 'mix'] as const) {
      const r = await mailsmithCli(home.dir, 'copy', 'to-mix', `#driver.${to}/out-${to}`);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      const copied = await home.ccdump(`out-${to}`);
      expect(copied.driver).toBe(to);
      expect(diffDumps(copied, oracle)).toEqual([]);
    }
  });
});

function model(messages: readonly NewMessage[]): MailboxDump {
  return {
    meta: { uidValidity: CREATED_WITH.uidValidity, uidLast: Math.max(...messages.map((m) => m.uid!)), keywords: ALL_KEYWORDS },
    messages: messages.map((m) => ({
      uid: m.uid!, internalDate: formatInternalDate(m.internalDate), flags: m.flags, keywords: m.keywords,
      size: m.text.length, text: m.text,
    })),
  };
}


describe('mailsmith writes mix, c-client reads', () => {
  const setup = sharedSetup('mix-to-mailutil', async (home) => {
    const messages = await corpusMessages();
    const { result, warnings } = await writeWithMailsmith(home.dir, 'box', 'mix', CREATED_WITH, messages);
    return { messages, expected: model(messages), result, warnings };
  });
  afterAll(() => setup.dispose());

  /** A copy of the mix directory mailsmith wrote, under another name. */
  async function copyOfBox(home: OracleHome, name: string): Promise<void> {
    await fsp.cp(home.path('box'), home.path(name), { recursive: true });
  }

  it('append keeps every UID and reports nothing lost', async () => {
    const { messages, result, warnings } = await setup.get();
    expect(result.uids).toEqual(messages.map((m) => m.uid));
    expect({ losses: result.losses, changes: result.changes, warnings }).toEqual({ losses: new Map(), changes: new Map(), warnings: [] });
  });

  it('c-client reads every message, UID, date, flag, keyword and byte as written; mailsmith reads the same', async () => {
    const { home, expected } = await setup.get();
    const oracle = await home.ccdump('box');
    expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: 'mix', warnings: [] });
    expect(diffDumps(oracle, expected)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'box');
    expect(diffDumps(ours, expected)).toEqual([]);
    // every message is new for the user's mail reader
    expect(checkLine(ours, 'box')).toBe(await home.check('box'));
    expect(ours.messages.every((m) => m.recent)).toBe(true);
  });

  it('survives a mailutil read-write session (which claims \\Recent), read the same by both', async () => {
    const { home, expected } = await setup.get();
    await copyOfBox(home, 'rw');
    const r = await home.prune('rw', 'subject no-such-thing-anywhere');
    expect({ stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ stdout: 'No matching messages, so nothing purged', stderr: '' });
    expect(diffDumps(await home.ccdump('rw'), expected)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'rw');
    expect(diffDumps(ours, expected)).toEqual([]);
    expect(ours.messages.some((m) => m.recent)).toBe(false);
    expect(checkLine(ours, 'rw')).toBe(await home.check('rw'));
  });

  it('flag changes and an expunge made by mailsmith read the same in c-client, which can then prune and append there', async () => {
    const { home, messages, expected } = await setup.get();
    await copyOfBox(home, 'changed');
    await changeWithMailsmith(home.dir, 'changed', (mb) => makeChanges(mb, messages.map((m) => m.uid!), ['Junk', 'NewOne']));
    const changed = afterChanges(expected.messages, ['Junk', 'NewOne']);
    const changedModel: MailboxDump = { meta: { ...expected.meta, keywords: [...ALL_KEYWORDS, 'NewOne'] }, messages: changed };
    expect(diffDumps(await home.ccdump('changed'), changedModel)).toEqual([]);
    expect(diffDumps(await readWithMailsmith(home.dir, 'changed'), changedModel)).toEqual([]);
    // c-client prunes (and burps) what mailsmith rewrote, and appends to it
    const pruned = changedModel.messages.filter((m) => !m.keywords.includes('NewOne'));
    await home.prune('changed', 'keyword NewOne');
    await home.mailutilOk('append', 'box', 'changed');
    const oracle = await home.ccdump('changed');
    const appendedUids = oracle.messages.slice(pruned.length).map((m) => m.uid);
    expect(appendedUids[0]).toBe(expected.meta.uidLast + 1);
    const afterModel = withMessages(changedModel, [
      ...pruned,
      ...expected.messages.map((m, i) => ({ ...m, uid: appendedUids[i]! })),
    ]);
    expect(diffDumps(oracle, { ...afterModel, meta: { ...afterModel.meta, uidLast: appendedUids.at(-1)! } }, { mailboxKeywords: false }))
      .toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'changed');
    expect(diffDumps(ours, oracle)).toEqual([]);
    expect(checkLine(ours, 'changed')).toBe(await home.check('changed'));
  });

  it('a prune made by mailutil reads the same in mailsmith', async () => {
    const { home, expected } = await setup.get();
    await copyOfBox(home, 'pruned');
    await expectPruneReadsAlike(home, 'pruned', expected);
  });

  it('mailsmith copy into mix writes what c-client reads, UIDs kept; mailutil copies it into unix as it does its own', async () => {
    const { home, expected } = await setup.get();
    const r = await mailsmithCli(home.dir, 'copy', 'box', '#driver.mix/cli-mix');
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const oracle = await home.ccdump('cli-mix');
    expect(oracle.driver).toBe('mix');
    expect(diffDumps(oracle, expected)).toEqual([]);
    // the same messages through c-client's own mix copy, then both into unix: the unix files agree
    await home.mailutilOk('copy', '-kw', 'box', '#driver.mix/c-mix');
    await home.mailutilOk('copy', '-kw', 'cli-mix', '#driver.unix/from-ours');
    await home.mailutilOk('copy', '-kw', 'c-mix', '#driver.unix/from-theirs');
    expect(diffDumps(await home.ccdump('from-ours'), await home.ccdump('from-theirs'), { uids: false })).toEqual([]);
  });
});

describe('random messages into mix', () => {
  const setup = sharedSetup('mix-random', async () => ({}));
  afterAll(() => setup.dispose());
  let serial = 0;

  const mailboxArb = fc
    .record({ uidValidity: fc.integer({ min: 1, max: 0xffffffff }), uidLast: fc.integer({ min: 0, max: 1000 }), keywords: fc.subarray(KEYWORD_POOL) })
    .chain((meta) => fc.record({
      meta: fc.constant(meta),
      messages: fc.array(fc.record({
        text: messageText, internalDate: mailDate, flags: systemFlags, keywords: fc.subarray(meta.keywords), uidGap: fc.integer({ min: 1, max: 40 }),
      }), { minLength: 1, maxLength: 4 }),
    }));

  it('mailsmith writes them; c-client and mailsmith read every byte, date, flag, keyword and UID back, also after an expunge', async () => {
    const { home } = await setup.get();
    await fc.assert(fc.asyncProperty(mailboxArb, async ({ meta, messages }) => {
      let uid = meta.uidLast;
      const written: NewMessage[] = messages.map(({ uidGap, ...m }) => ({ ...m, uid: (uid += uidGap) }));
      const name = `random-${++serial}`;
      await writeWithMailsmith(home.dir, name, 'mix', meta, written);
      const expected: MailboxDump = {
        meta: { uidValidity: meta.uidValidity, uidLast: uid, keywords: meta.keywords },
        messages: written.map((m) => ({
          uid: m.uid!, internalDate: formatInternalDate(m.internalDate), flags: m.flags, keywords: m.keywords, size: m.text.length, text: m.text,
        })),
      };
      expect(diffDumps(await home.ccdump(name), expected), 'c-client reading').toEqual([]);
      expect(diffDumps(await readWithMailsmith(home.dir, name), expected), 'mailsmith reading').toEqual([]);
      await changeWithMailsmith(home.dir, name, (mb) => mb.expunge());
      const left = withMessages(expected, expected.messages.filter((m) => !m.flags.includes('\\Deleted')));
      expect(diffDumps(await home.ccdump(name), left), 'c-client reading after the expunge').toEqual([]);
    }), { numRuns: 15, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true });
  }, 90_000);
});
