// Proves that unix and mbx mailboxes mailsmith writes are read by the real
// c-client exactly as intended, and stay intact in c-client's hands: all 252
// real messages appended with their UIDs kept, flags (\Deleted included),
// keywords (one created by the append), dates in many zones; c-client
// (ccdump) then reports the same UID validity, last UID, keywords, and per
// message UID, date, flags, keywords and text (mbx byte for byte, unix with
// exactly the documented transformations), and `mailutil check` agrees with
// mailsmith. The file then survives a mailutil read-write pass and a mailutil
// copy; flag changes and an expunge made by mailsmith read the same in
// c-client; a prune made by mailutil reads the same in mailsmith; and
// `mailsmith copy` writes mailboxes c-client reads with the source's UIDs.
import { afterAll, describe, expect, it } from 'vitest';
import { formatInternalDate } from '../../src/mail/dates.js';
import type { SystemFlag } from '../../src/mail/flags.js';
import type { FormatName, NewMessage } from '../../src/store/types.js';
import { OracleHome, sharedSetup } from './oracle.js';
import { diffDumps, type DumpMessage, type MailboxDump } from './dump.js';
import {
  appendReport, changeWithMailsmith, checkLine, mailsmithCli, readWithMailsmith, writeWithMailsmith,
} from './mailsmith.js';
import { UNIX_REPORT_KINDS, cClientUnixNul, realMessages, toCrlf, unixReport, unixStoredForm } from './messages.js';

process.env.TZ = 'UTC';

/** Zones of the internal dates, minutes east of UTC: both signs, half hours, odd minutes, the extremes. */
const ZONES = [0, -480, 60, 330, -300, 545, -210, 840, -720, 120];
const CREATED_WITH = { uidValidity: 1_234_567_890, uidLast: 100, keywords: ['work', '$Label1'] };
/** 'Junk' is not declared at create time: the append must define it. */
const ALL_KEYWORDS = ['work', '$Label1', 'Junk'];

function flagsFor(i: number): SystemFlag[] {
  const flags: SystemFlag[] = [];
  if (i % 3 === 0) flags.push('\\Seen');
  if (i % 11 === 0) flags.push('\\Deleted');
  if (i % 7 === 0) flags.push('\\Flagged');
  if (i % 5 === 0) flags.push('\\Answered');
  if (i % 13 === 0) flags.push('\\Draft');
  return flags;
}

function keywordsFor(i: number): string[] {
  return ALL_KEYWORDS.filter((_k, k) => i % (4 + k) === 0);
}

async function corpusMessages(): Promise<NewMessage[]> {
  return (await realMessages()).map((m, i) => ({
    text: toCrlf(m.raw),
    internalDate: { ms: Date.UTC(1995, 0, 1) + i * 41 * 86_400_000 + i * 12_345_000, zone: ZONES[i % ZONES.length]! },
    flags: flagsFor(i),
    keywords: keywordsFor(i),
    uid: 101 + 3 * i,
  }));
}

/** The text a reader gets back from a mailbox of this format holding `text`. */
function storedText(format: FormatName, text: Buffer): Buffer {
  return format === 'unix' ? unixStoredForm(text).text : text;
}

/** What every reader must report for the mailbox mailsmith wrote. */
function model(format: FormatName, messages: readonly NewMessage[]): MailboxDump {
  return {
    meta: {
      uidValidity: CREATED_WITH.uidValidity,
      uidLast: Math.max(CREATED_WITH.uidLast, ...messages.map((m) => m.uid!)),
      keywords: ALL_KEYWORDS,
    },
    messages: messages.map((m) => {
      const text = storedText(format, m.text);
      return {
        uid: m.uid!, internalDate: formatInternalDate(m.internalDate), flags: m.flags, keywords: m.keywords,
        size: text.length, text,
      };
    }),
  };
}

function withMessages(dump: MailboxDump, messages: DumpMessage[]): MailboxDump {
  return { meta: dump.meta, messages };
}

describe.each(['mbx', 'unix'] as const)('mailsmith writes %s, c-client reads', (format) => {
  const setup = sharedSetup(`to-mailutil-${format}`, async (home) => {
    const messages = await corpusMessages();
    const { result: appended, warnings: appendWarnings } = await writeWithMailsmith(home.dir, 'box', format, CREATED_WITH, messages);
    return { messages, expected: model(format, messages), appended, appendWarnings };
  });
  afterAll(() => setup.dispose());

  /** A byte copy of the written mailbox under another name, for a test that changes it. */
  async function copyOfBox(home: OracleHome, name: string): Promise<void> {
    await home.put(name, await home.read('box'));
  }

  it('append keeps every UID and reports exactly the documented changes', async () => {
    const { messages, appended, appendWarnings } = await setup.get();
    expect(appended.appended).toBe(messages.length);
    expect(appended.uids).toEqual(messages.map((m) => m.uid));
    // mbx keeps every byte: nothing to report
    const modelled = unixReport(format === 'unix' ? messages.map((m) => m.text) : []);
    expect(appendReport(appended, UNIX_REPORT_KINDS)).toEqual(modelled);
    expect(appendWarnings).toEqual([]);
  });

  it('c-client reads every message, UID, date, flag, keyword and byte as written', async () => {
    const { home, expected } = await setup.get();
    const oracle = await home.ccdump('box');
    expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: format, warnings: [] });
    expect(diffDumps(oracle, expected)).toEqual([]);
  });

  it('mailsmith reads it back the same', async () => {
    const { home, expected } = await setup.get();
    expect(diffDumps(await readWithMailsmith(home.dir, 'box'), expected)).toEqual([]);
  });

  it('mailutil check prints the line mailsmith computes, and mailsmith check prints it too', async () => {
    const { home } = await setup.get();
    const line = await home.check('box');
    expect(checkLine(await readWithMailsmith(home.dir, 'box'), 'box')).toBe(line);
    const r = await mailsmithCli(home.dir, 'check', 'box');
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ status: 0, stdout: line, stderr: '' });
  });

  it('survives a mailutil read-write pass with everything intact', async () => {
    const { home, expected } = await setup.get();
    await copyOfBox(home, 'rw');
    const r = await home.prune('rw', 'subject no-such-thing-anywhere');
    expect(r.stdout.trim()).toBe('No matching messages, so nothing purged');
    expect(r.stderr).toBe('');
    expect(diffDumps(await home.ccdump('rw'), expected)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'rw');
    expect(diffDumps(ours, expected)).toEqual([]);
    expect(checkLine(ours, 'rw')).toBe(await home.check('rw'));
  });

  it('a mailutil copy of it holds the same messages, read the same by both', async () => {
    const { home, expected } = await setup.get();
    await home.mailutilOk('copy', '-kw', 'box', `#driver.${format}/copied`);
    const oracle = await home.ccdump('copied');
    const ours = await readWithMailsmith(home.dir, 'copied');
    expect(diffDumps(ours, oracle)).toEqual([]);
    // c-client's unix appender turns NUL into 0x80; UIDs are c-client's own in a copy
    const copiedModel = withMessages(expected, expected.messages.map((m) => {
      const text = format === 'unix' ? cClientUnixNul(m.text) : m.text;
      return { ...m, text, size: text.length };
    }));
    expect(diffDumps(oracle, copiedModel, { uids: false })).toEqual([]);
  });

  it('flag changes and an expunge made by mailsmith read the same in c-client', async () => {
    const { home, messages, expected } = await setup.get();
    await copyOfBox(home, 'changed');
    const uids = messages.map((m) => m.uid!);
    const every = (n: number): number[] => uids.filter((_u, i) => i % n === 1);
    await changeWithMailsmith(home.dir, 'changed', async (mb) => {
      await mb.store(every(4), { add: { flags: ['\\Flagged'], keywords: ['Junk'] } });
      await mb.store(every(6), { remove: { flags: ['\\Seen', '\\Answered'], keywords: ['work'] } });
      await mb.store(every(10), { add: { flags: ['\\Deleted'] } });
      await mb.expunge();
    });
    const changed = expected.messages.flatMap((m, i) => {
      let flags = [...m.flags];
      let keywords = [...m.keywords];
      if (i % 4 === 1) {
        flags = [...new Set([...flags, '\\Flagged'])];
        keywords = [...new Set([...keywords, 'Junk'])];
      }
      if (i % 6 === 1) {
        flags = flags.filter((f) => f !== '\\Seen' && f !== '\\Answered');
        keywords = keywords.filter((k) => k !== 'work');
      }
      if (i % 10 === 1) flags.push('\\Deleted');
      return flags.includes('\\Deleted') ? [] : [{ ...m, flags, keywords }];
    });
    const changedModel = withMessages(expected, changed);
    expect(diffDumps(await home.ccdump('changed'), changedModel)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'changed');
    expect(diffDumps(ours, changedModel)).toEqual([]);
    expect(checkLine(ours, 'changed')).toBe(await home.check('changed'));
  });

  it('a prune made by mailutil reads the same in mailsmith', async () => {
    const { home, expected } = await setup.get();
    await copyOfBox(home, 'pruned');
    const deleted = expected.messages.filter((m) => m.flags.includes('\\Deleted')).length;
    const r = await home.prune('pruned', 'deleted');
    expect(r.stdout.trim()).toBe(`${deleted} message(s) purged`);
    const prunedModel = withMessages(expected, expected.messages.filter((m) => !m.flags.includes('\\Deleted')));
    expect(diffDumps(await home.ccdump('pruned'), prunedModel)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'pruned');
    expect(diffDumps(ours, prunedModel)).toEqual([]);
    expect(checkLine(ours, 'pruned')).toBe(await home.check('pruned'));
  });

  it.each(['mbx', 'unix'] as const)('mailsmith copy into %s writes what c-client reads, UIDs kept', async (to) => {
    const { home, expected } = await setup.get();
    const dest = `cli-${to}`;
    const r = await mailsmithCli(home.dir, 'copy', 'box', `#driver.${to}/${dest}`);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
    const copiedModel = withMessages(expected, expected.messages.map((m) => {
      const text = storedText(to, m.text);
      return { ...m, text, size: text.length };
    }));
    const oracle = await home.ccdump(dest);
    expect(oracle.driver).toBe(to);
    expect(diffDumps(oracle, copiedModel)).toEqual([]);
  });
});
