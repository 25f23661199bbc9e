// Proves that mailsmith's mtx and tenex drivers and the real UW c-client read
// and write the same files, both ways:
// - the golden files mailutil wrote (mtx, mtx-pruned, tenex, tenex-pruned) and
//   the 252 real messages copied by `mailutil copy -kw` into `#driver.mtx/...`
//   and `#driver.tenex/...` read the same in ccdump and mailsmith: text,
//   internal date, flags, UIDs as positions, no keywords; `check` agrees;
// - files mailsmith writes open in c-client with the same content, also after
//   flag changes and an expunge made by mailsmith (on its own file and on
//   mailutil's) and after a prune made by mailutil;
// - `mailsmith copy` (with the #driver. prefix or --format) and `append --format`
//   write files c-client reads as mtx/tenex, and a `move` out of one takes out
//   exactly the messages it copied;
// - while mailsmith has the file open, mailutil cannot expunge it.
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtimeWithZone, formatInternalDate } from '../../src/mail/dates.js';
import { openMailbox } from '../../src/store/index.js';
import type { NewMessage } from '../../src/store/types.js';
import { ALL_KEYWORDS, corpusMessages } from './corpus.js';
import { sharedSetup, type OracleHome } from './oracle.js';
import { diffDumps, type DumpMessage, type MailboxDump } from './dump.js';
import { goldenDir, goldenDiffs, loadExpected } from './golden.js';
import {
  changeWithMailsmith, checkLine, collectingContext, localRef, mailsmithCli, readWithMailsmith, writeWithMailsmith,
} from './mailsmith.js';
import { realMessages, toCrlf, unixMbox, withoutEnvelope } from './messages.js';

process.env.TZ = 'UTC';

/** What a reader gets back from the format: tenex keeps no CR and gives every LF back as CR LF. */
function readBack(format: 'mtx' | 'tenex', text: Buffer): Buffer {
  return format === 'mtx' ? text : toCrlf(Buffer.from(text.filter((c) => c !== 0x0d)));
}

/** What every reader must report for the file mailsmith wrote: UIDs are positions, no keywords. */
function model(format: 'mtx' | 'tenex', messages: readonly NewMessage[]): MailboxDump {
  return {
    meta: { uidValidity: 0, uidLast: messages.length, keywords: [] },
    messages: messages.map((m, i) => {
      const text = readBack(format, m.text);
      return { uid: i + 1, internalDate: formatInternalDate(m.internalDate), flags: m.flags, keywords: [], size: text.length, text };
    }),
  };
}

/** The same messages, renumbered as positions (after an expunge, a new session numbers them again). */
function positions(dump: MailboxDump, messages: readonly DumpMessage[]): MailboxDump {
  return { meta: { ...dump.meta, uidLast: messages.length }, messages: messages.map((m, i) => ({ ...m, uid: i + 1 })) };
}

/** UIDs are positions in both readers, but the UID validity is each one's time of open. */
const diff = (a: MailboxDump, e: MailboxDump): string[] =>
  [...diffDumps(a, e, { uids: false }), ...diffDumps(positions(a, a.messages), e, { uids: true }).filter((d) => /UID(?! validity)/.test(d))];

async function copyOf(home: OracleHome, from: string, to: string): Promise<void> {
  await home.put(to, await home.read(from));
}

describe.each(['mtx', 'tenex'] as const)('%s', (format) => {
  const setup = sharedSetup(`mtx-tenex-${format}`, async (home) => {
    for (const name of [format, `${format}-pruned`]) await home.putCopy(name, `${goldenDir()}/${name}`);
    const messages = await corpusMessages();
    // the corpus as a unix mbox with c-client's status headers, copied by mailutil itself
    await home.put('source', unixMbox((await realMessages()).map((m, i) => ({
      envelope: `sender${i}@example.org ${formatCtimeWithZone(messages[i]!.internalDate)}`,
      status: [
        ...(i === 0 ? [`X-IMAPbase: 1600000000 0000000600 ${ALL_KEYWORDS.join(' ')}`] : []),
        ...(i % 3 === 0 ? ['Status: RO'] : []),
        `X-Status: ${i % 11 === 0 ? 'D' : ''}${i % 7 === 0 ? 'F' : ''}${i % 5 === 0 ? 'A' : ''}${i % 13 === 0 ? 'T' : ''}`,
        ...(i % 4 === 0 ? ['X-Keywords: work'] : []),
      ],
      text: withoutEnvelope(m.raw),
    }))));
    const copied = await home.mailutil('copy', '-kw', 'source', `#driver.${format}/from-mailutil`);
    if (copied.status !== 0 || !/^(warning: Unknown flag: \S+\n)*$/.test(copied.stderr)) {
      throw new Error(`mailutil copy -kw: exit ${copied.status}: ${copied.stderr}`);
    }
    const written = await writeWithMailsmith(home.dir, 'box', format, {}, messages);
    return { messages, expected: model(format, messages), written };
  });
  afterAll(() => setup.dispose());

  describe('mailutil writes, mailsmith reads', () => {
    it.each([format, `${format}-pruned`])('golden %s reads as EXPECTED.json and as ccdump, UID validity aside', async (name) => {
      const { home } = await setup.get();
      const expected = (await loadExpected())[name]!;
      const ours = await readWithMailsmith(home.dir, name);
      expect(ours.format).toBe(format);
      expect(goldenDiffs(ours, expected).filter((d) => !d.startsWith('UID validity'))).toEqual([]);
      expect(diff(ours, await home.ccdump(name))).toEqual([]);
      expect(ours.warnings).toEqual([]);
    });

    it.each([format, `${format}-pruned`, 'from-mailutil'])('%s: mailsmith check prints mailutil\'s check line', async (name) => {
      const { home } = await setup.get();
      const line = await home.check(name);
      expect(checkLine(await readWithMailsmith(home.dir, name), name)).toBe(line);
      const r = await mailsmithCli(home.dir, 'check', name);
      expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ status: 0, stdout: line, stderr: '' });
    });

    it('the real corpus copied by mailutil copy -kw reads the same: text, date, flags, UIDs as positions, no keywords', async () => {
      const { home, messages } = await setup.get();
      const oracle = await home.ccdump('from-mailutil');
      expect({ driver: oracle.driver, count: oracle.messages.length, keywords: oracle.meta.keywords }).toEqual({ driver: format, count: 252, keywords: [] });
      const ours = await readWithMailsmith(home.dir, 'from-mailutil');
      expect(diff(ours, oracle)).toEqual([]);
      expect(ours.meta.uidLast).toBe(252);
      // mailutil kept the dates and flags it was given
      expect(ours.messages.map((m) => [m.internalDate, [...m.flags].sort()]))
        .toEqual(messages.map((m) => [formatInternalDate(m.internalDate), [...m.flags].sort()]));
    });
  });

  describe('mailsmith writes, mailutil reads', () => {
    it('the append reports the keywords and UIDs it could not keep, and nothing else', async () => {
      const { messages, written } = await setup.get();
      expect(written.result.appended).toBe(252);
      expect(written.result.uids).toEqual([]);
      const keywordUses = new Map(ALL_KEYWORDS.map((k) => [k, messages.filter((m) => m.keywords.includes(k)).length]));
      const losses = new Map<string, Map<string, number>>([
        ['keyword', keywordUses],
        ['uid', new Map([['UIDs are message positions', 252]])],
      ]);
      const bareCr = messages.filter((m) => /\r(?!\n)/.test(m.text.toString('latin1'))).length;
      if (format === 'tenex' && bareCr > 0) losses.set('bare-cr', new Map([['CR not followed by LF', bareCr]]));
      expect(written.result.losses).toEqual(losses);
      expect(written.warnings).toEqual([]);
    });

    it('c-client reads every message, date, flag and byte as written', async () => {
      const { home, expected } = await setup.get();
      const oracle = await home.ccdump('box');
      expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: format, warnings: [] });
      expect(diff(oracle, expected)).toEqual([]);
      expect(diff(await readWithMailsmith(home.dir, 'box'), expected)).toEqual([]);
      const line = await home.check('box');
      expect(checkLine(await readWithMailsmith(home.dir, 'box'), 'box')).toBe(line);
    });

    it('flag changes and an expunge made by mailsmith read the same in c-client', async () => {
      const { home, expected } = await setup.get();
      await copyOf(home, 'box', 'changed');
      const every = (n: number): number[] => expected.messages.map((m) => m.uid).filter((_u, i) => i % n === 1);
      const removed = await changeWithMailsmith(home.dir, 'changed', async (mb) => {
        await mb.store(every(4), { add: { flags: ['\\Flagged'] } });
        await mb.store(every(6), { remove: { flags: ['\\Seen', '\\Answered'] } });
        await mb.store(every(10), { add: { flags: ['\\Deleted'] } });
        return mb.expunge();
      });
      const changed = expected.messages.flatMap((m, i) => {
        let flags = [...m.flags];
        if (i % 4 === 1) flags = [...new Set([...flags, '\\Flagged'])];
        if (i % 6 === 1) flags = flags.filter((f) => f !== '\\Seen' && f !== '\\Answered');
        if (i % 10 === 1) flags.push('\\Deleted');
        return flags.includes('\\Deleted') ? [] : [{ ...m, flags }];
      });
      expect(removed).toBe(expected.messages.length - changed.length);
      const changedModel = positions(expected, changed);
      expect(diff(await home.ccdump('changed'), changedModel)).toEqual([]);
      const ours = await readWithMailsmith(home.dir, 'changed');
      expect(diff(ours, changedModel)).toEqual([]);
      expect(checkLine(ours, 'changed')).toBe(await home.check('changed'));
    });

    it('an expunge made by mailsmith on mailutil\'s file reads the same in c-client', async () => {
      const { home } = await setup.get();
      await copyOf(home, 'from-mailutil', 'theirs');
      const before = await home.ccdump('theirs');
      await changeWithMailsmith(home.dir, 'theirs', async (mb) => {
        await mb.store([2, 5, 250], { add: { flags: ['\\Deleted'] } });
        await mb.expunge([2, 5, 250, 12]);
      });
      const kept = before.messages.filter((m) => ![2, 5, 250].includes(m.uid) && (m.uid !== 12 || !m.flags.includes('\\Deleted')));
      const after = await home.ccdump('theirs');
      expect(diff(after, positions(before, kept))).toEqual([]);
      expect(diff(await readWithMailsmith(home.dir, 'theirs'), after)).toEqual([]);
    });

    it('a prune made by mailutil reads the same in mailsmith', async () => {
      const { home, expected } = await setup.get();
      await copyOf(home, 'box', 'pruned');
      const deleted = expected.messages.filter((m) => m.flags.includes('\\Deleted')).length;
      const r = await home.prune('pruned', 'deleted');
      expect(r.stdout.trim()).toBe(`${deleted} message(s) purged`);
      const prunedModel = positions(expected, expected.messages.filter((m) => !m.flags.includes('\\Deleted')));
      expect(diff(await home.ccdump('pruned'), prunedModel)).toEqual([]);
      const ours = await readWithMailsmith(home.dir, 'pruned');
      expect(diff(ours, prunedModel)).toEqual([]);
      // c-client's read-write session marked every message old: none is \Recent any more
      expect(ours.messages.some((m) => m.recent)).toBe(false);
      expect(checkLine(ours, 'pruned')).toBe(await home.check('pruned'));
    });

    it('mailutil cannot expunge while mailsmith has the file open', async () => {
      const { home, expected } = await setup.get();
      await copyOf(home, 'box', 'held');
      const { ctx } = collectingContext();
      const mb = await openMailbox(localRef(home.dir, 'held'), 'read', ctx);
      try {
        const r = await home.mailutil('prune', 'held', 'all');
        expect(r.stderr).toContain("Can't expunge because mailbox is in use by another process");
      } finally {
        await mb.close();
      }
      // every message is still there (c-client flagged them \Deleted before it tried)
      const after = await home.ccdump('held');
      expect(after.messages.length).toBe(expected.messages.length);
      expect(after.messages.every((m) => m.flags.includes('\\Deleted'))).toBe(true);
    });
  });

  describe('the command line', () => {
    it(`copy into #driver.${format}/ and with --format, and append --format into a created file, write what c-client reads`, async () => {
      const { home, expected } = await setup.get();
      const runs = [
        await mailsmithCli(home.dir, 'copy', 'box', `#driver.${format}/cli-prefix`),
        await mailsmithCli(home.dir, 'copy', '--format', format, 'box', 'cli-format'),
        await mailsmithCli(home.dir, 'create', '--format', format, 'cli-append'),
        await mailsmithCli(home.dir, 'append', '--format', format, 'box', 'cli-append'),
      ];
      expect(runs.map((r) => r.status)).toEqual([0, 0, 0, 0]);
      for (const name of ['cli-prefix', 'cli-format', 'cli-append']) {
        const oracle = await home.ccdump(name);
        expect(oracle.driver).toBe(format);
        expect(diff(oracle, expected)).toEqual([]);
      }
    });

    it('a move out of the file takes out exactly the messages it copied, by position', async () => {
      const { home, expected } = await setup.get();
      await copyOf(home, 'box', 'to-move');
      const r = await mailsmithCli(home.dir, 'move', 'to-move', '#driver.mbx/moved');
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
      expect(r.stdout).toContain(`252 messages removed from to-move`);
      expect((await home.ccdump('to-move')).messages).toEqual([]);
      const moved = await home.ccdump('moved');
      expect(diffDumps(moved, expected, { uids: false, mailboxKeywords: false })).toEqual([]);
    });
  });
});
