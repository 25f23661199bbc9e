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
import type { FormatName, NewMessage } from '../../src/store/types.js';
import { afterChanges, expectPruneReadsAlike, makeChanges, withMessages } from './changes.js';
import { ALL_KEYWORDS, CREATED_WITH, corpusMessages } from './corpus.js';
import { OracleHome, sharedSetup } from './oracle.js';
import { diffDumps, type MailboxDump } from './dump.js';
import {
  appendReport, changeWithMailsmith, checkLine, mailsmithCli, readWithMailsmith, writeWithMailsmith,
} from './mailsmith.js';
import { UNIX_REPORT_KINDS, cClientUnixNul, unixReport, unixStoredForm } from './messages.js';

process.env.TZ = 'UTC';

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
    await changeWithMailsmith(home.dir, 'changed', (mb) => makeChanges(mb, messages.map((m) => m.uid!), ['Junk']));
    const changed = afterChanges(expected.messages, ['Junk']);
    const changedModel = withMessages(expected, changed);
    expect(diffDumps(await home.ccdump('changed'), changedModel)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'changed');
    expect(diffDumps(ours, changedModel)).toEqual([]);
    expect(checkLine(ours, 'changed')).toBe(await home.check('changed'));
  });

  it('a prune made by mailutil reads the same in mailsmith', async () => {
    const { home, expected } = await setup.get();
    await copyOfBox(home, 'pruned');
    await expectPruneReadsAlike(home, 'pruned', expected);
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
