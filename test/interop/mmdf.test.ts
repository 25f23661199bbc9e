// mmdf both ways with the real UW mailutil:
// - the goldens mailutil wrote (mmdf, mmdf-pruned) read as EXPECTED.json says,
//   and the file stays as it was;
// - all 252 real messages, copied by `mailutil copy -kw` from a hand-made mbox
//   into mmdf and then pruned by mailutil, read by mailsmith as c-client reads them;
// - the corpus written into mmdf by mailsmith (UIDs kept, flags, keywords, one
//   keyword created by the append, dates in many zones) reads in c-client
//   exactly as modelled, survives a mailutil read-write pass, a mailutil prune,
//   and mailsmith's own flag changes and expunge; `mailsmith copy` to and from mmdf;
// - random hostile messages (with ^A runs) written by mailsmith and by mailutil.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtime, formatCtimeWithZone, formatInternalDate, type MailDate } from '../../src/mail/dates.js';
import type { NewMessage } from '../../src/store/types.js';
import { mailDate, messageText, systemFlags } from './arbitraries.js';
import { afterChanges, expectPruneReadsAlike, makeChanges, withMessages } from './changes.js';
import { ALL_KEYWORDS, CREATED_WITH, corpusMessages } from './corpus.js';
import { diffDumps, type MailboxDump } from './dump.js';
import { goldenDir, goldenDiffs, loadExpected } from './golden.js';
import {
  appendReport, changeWithMailsmith, checkLine, mailsmithCli, readWithMailsmith, writeWithMailsmith,
} from './mailsmith.js';
import { breaksCClient, realMessages, unixMbox, unixStoredForm, withoutEnvelope } from './messages.js';
import { sharedSetup, type OracleHome } from './oracle.js';

process.env.TZ = 'UTC';

const CR = 0x0d;
const LF = 0x0a;
const CTRL_A = 0x01;
const METADATA_NAMES = new Set(['status', 'x-status', 'x-keywords', 'x-uid', 'x-imap', 'x-imapbase']);

interface MmdfStoredForm {
  readonly text: Buffer;
  readonly report: Record<string, number>;
}

/**
 * What storing a message in an mmdf mailbox does to its text, as mailsmith
 * documents it: CRs dropped (a CR not before a LF is a loss); a line ending in
 * four or more ^A keeps three of them (else it would read as the delimiter); in
 * the header, lines named like c-client's mailbox data (any case) renamed
 * X-Original-NAME and a NUL ending a field name made a space; and, since the
 * LF written after every message is kept, one more line end at the end.
 * Nothing is quoted.
 */
function mmdfStoredForm(text: Buffer): MmdfStoredForm {
  const bareCr = text.some((c, i) => c === CR && text[i + 1] !== LF);
  const plain = Buffer.from(text.filter((c) => c !== CR));
  const lines: Buffer[] = [];
  for (let s = 0; s <= plain.length;) {
    const lf = plain.indexOf(LF, s);
    lines.push(Buffer.from(plain.subarray(s, lf < 0 ? plain.length : lf)));
    if (lf < 0) break;
    s = lf + 1;
  }
  const terminated = plain.length > 0 && plain[plain.length - 1] === LF;
  if (terminated) lines.pop();
  let delimiter = false;
  let renamed = false;
  let nul = false;
  let inHeader = true;
  const out: Buffer[] = [];
  lines.forEach((line, i) => {
    let end = line.length;
    while (end > 0 && line[end - 1] === CTRL_A) end--;
    if (line.length - end >= 4) {
      line = line.subarray(0, end + 3);
      delimiter = true;
    }
    let prefix = '';
    if (inHeader && line.length === 0) inHeader = false;
    else if (inHeader) {
      const nameEnd = line.findIndex((c) => [0x3a, 0x20, 0x09, 0x0a, 0x00].includes(c));
      const name = line.subarray(0, nameEnd < 0 ? line.length : nameEnd).toString('latin1').toLowerCase();
      if (METADATA_NAMES.has(name)) {
        prefix = 'X-Original-';
        renamed = true;
      }
      if (nameEnd >= 0 && line[nameEnd] === 0) {
        line[nameEnd] = 0x20;
        nul = true;
      }
    }
    const last = i === lines.length - 1 && !terminated;
    out.push(Buffer.from(prefix), line, Buffer.from(last ? '' : '\r\n'));
  });
  out.push(Buffer.from('\r\n'));
  return {
    text: Buffer.concat(out),
    report: { 'newline-added': 1, 'header-renamed': renamed ? 1 : 0, 'header-nul': nul ? 1 : 0, 'bare-cr': bareCr ? 1 : 0, delimiter: delimiter ? 1 : 0 },
  };
}

const REPORT_KINDS = ['newline-added', 'header-renamed', 'header-nul', 'bare-cr', 'delimiter', 'from-quoted'];

function modelReport(texts: readonly Buffer[]): Record<string, number> {
  const sum: Record<string, number> = Object.fromEntries(REPORT_KINDS.map((k) => [k, 0]));
  for (const t of texts) for (const [k, n] of Object.entries(mmdfStoredForm(t).report)) sum[k]! += n;
  return sum;
}

function model(meta: { uidValidity: number; uidLast: number; keywords: readonly string[] }, messages: readonly NewMessage[]): MailboxDump {
  return {
    meta: { uidValidity: meta.uidValidity, uidLast: Math.max(meta.uidLast, ...messages.map((m) => m.uid!)), keywords: meta.keywords },
    messages: messages.map((m) => {
      const { text } = mmdfStoredForm(m.text);
      return { uid: m.uid!, internalDate: formatInternalDate(m.internalDate), flags: m.flags, keywords: m.keywords, size: text.length, text };
    }),
  };
}

/** Reads as c-client (ccdump) and as mailsmith, and compares; where c-client took a UID validity from its clock, so does mailsmith. */
async function bothRead(home: OracleHome, name: string): Promise<{ oracle: MailboxDump; diffs: string[] }> {
  const oracle = await home.ccdump(name);
  const clockValidity = oracle.warnings.some((w) => /Assigning new unique identifiers/.test(w));
  const ours = await readWithMailsmith(home.dir, name, clockValidity ? new Date(oracle.meta.uidValidity * 1000) : undefined);
  expect(ours.format).toBe('mmdf');
  return { oracle, diffs: diffDumps(ours, oracle) };
}

describe.each(['mmdf', 'mmdf-pruned'])('golden %s', (name) => {
  const setup = sharedSetup('mmdf-golden', async (home) => {
    await home.putCopy(name, path.join(goldenDir(), name));
    return { expected: (await loadExpected())[name]! };
  });
  afterAll(() => setup.dispose());

  it('reads as EXPECTED.json, counts as mailutil check does, and leaves the file as it was', async () => {
    const { home, expected } = await setup.get();
    const dump = await readWithMailsmith(home.dir, name);
    expect(dump.format).toBe('mmdf');
    expect(goldenDiffs(dump, expected)).toEqual([]);
    expect(dump.warnings).toEqual([]);
    expect(checkLine(dump, name)).toBe(expected.check);
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    expect(sha(await home.read(name))).toBe(sha(await fsp.readFile(path.join(goldenDir(), name))));
    const r = await mailsmithCli(home.dir, 'check', name);
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({ status: 0, stdout: expected.check, stderr: '' });
  });
});

/** A From_ date in one of the forms c-client accepts, chosen by i. */
function envelopeDate(i: number): string {
  const date: MailDate = { ms: Date.UTC(1998, 0, 1) + i * 37 * 86_400_000 + i * 7_919_000, zone: 0 };
  return i % 2 ? formatCtimeWithZone({ ...date, zone: -480 }) : formatCtime(date);
}

describe('mailutil writes mmdf, mailsmith reads', () => {
  const setup = sharedSetup('mmdf-from-mailutil', async (home) => {
    await home.put('source', unixMbox((await realMessages()).map((m, i) => ({
      envelope: `sender${i}@example.org ${envelopeDate(i)}`,
      status: [
        ...(i === 0 ? ['X-IMAPbase: 1600000000 0000000600 work $Label1 Junk'] : []),
        ...(i % 3 === 0 ? ['Status: RO'] : []),
        ...(i % 7 === 0 ? ['X-Status: DF'] : []),
        ...(i % 5 === 0 ? ['X-Keywords: work Junk'] : []),
        `X-UID: ${2 * i + 1}`,
      ],
      text: withoutEnvelope(m.raw),
    }))));
    await home.mailutilOk('copy', '-kw', 'source', '#driver.mmdf/copied');
    return {};
  });
  afterAll(() => setup.dispose());

  it('the corpus copied by mailutil copy -kw reads as c-client reads it: all 252 messages', async () => {
    const { home } = await setup.get();
    const { oracle, diffs } = await bothRead(home, 'copied');
    expect(oracle.messages.length).toBe(252);
    expect(diffs).toEqual([]);
    expect(checkLine(await readWithMailsmith(home.dir, 'copied'), 'copied')).toBe(await home.check('copied'));
  });

  it('and so does what is left after mailutil prune', async () => {
    const { home } = await setup.get();
    await home.put('pruned', await home.read('copied'));
    const r = await home.prune('pruned', 'deleted');
    expect(r.stdout).toMatch(/^\d+ message\(s\) purged/);
    const { oracle, diffs } = await bothRead(home, 'pruned');
    expect(oracle.messages.length).toBeLessThan(252);
    expect(diffs).toEqual([]);
    expect(checkLine(await readWithMailsmith(home.dir, 'pruned'), 'pruned')).toBe(await home.check('pruned'));
  });
});

describe('mailsmith writes mmdf, c-client reads', () => {
  const setup = sharedSetup('mmdf-to-mailutil', async (home) => {
    const messages = await corpusMessages();
    const { result, warnings } = await writeWithMailsmith(home.dir, 'box', 'mmdf', CREATED_WITH, messages);
    return { messages, result, warnings, expected: model({ ...CREATED_WITH, keywords: ALL_KEYWORDS }, messages) };
  });
  afterAll(() => setup.dispose());

  it('keeps every UID and reports exactly what the format changes', async () => {
    const { messages, result, warnings } = await setup.get();
    expect(result.uids).toEqual(messages.map((m) => m.uid));
    expect(appendReport(result, REPORT_KINDS)).toEqual(modelReport(messages.map((m) => m.text)));
    expect(warnings).toEqual([]);
  });

  it('c-client and mailsmith read every message, UID, date, flag, keyword and byte as modelled', async () => {
    const { home, expected } = await setup.get();
    const oracle = await home.ccdump('box');
    expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: 'mmdf', warnings: [] });
    expect(diffDumps(oracle, expected)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'box');
    expect(diffDumps(ours, expected)).toEqual([]);
    expect(checkLine(ours, 'box')).toBe(await home.check('box'));
  });

  it('survives a mailutil read-write pass with everything intact', async () => {
    const { home, expected } = await setup.get();
    await home.put('rw', await home.read('box'));
    const r = await home.prune('rw', 'subject no-such-thing-anywhere');
    expect(r.stdout.trim()).toBe('No matching messages, so nothing purged');
    expect(diffDumps(await home.ccdump('rw'), expected)).toEqual([]);
    expect(diffDumps(await readWithMailsmith(home.dir, 'rw'), expected)).toEqual([]);
  });

  it('a prune made by mailutil reads the same in mailsmith', async () => {
    const { home, expected } = await setup.get();
    await home.put('pruned', await home.read('box'));
    await expectPruneReadsAlike(home, 'pruned', expected);
  });

  it('flag changes and an expunge made by mailsmith read the same in c-client', async () => {
    const { home, messages, expected } = await setup.get();
    await home.put('changed', await home.read('box'));
    await changeWithMailsmith(home.dir, 'changed', (mb) => makeChanges(mb, messages.map((m) => m.uid!), ['Junk']));
    const changed = withMessages(expected, afterChanges(expected.messages, ['Junk']));
    expect(diffDumps(await home.ccdump('changed'), changed)).toEqual([]);
    const ours = await readWithMailsmith(home.dir, 'changed');
    expect(diffDumps(ours, changed)).toEqual([]);
    expect(checkLine(ours, 'changed')).toBe(await home.check('changed'));
  });

  it('mailsmith copy out of mmdf (to mbx) and into mmdf (from unix) writes what c-client reads, UIDs kept', async () => {
    const { home, expected } = await setup.get();
    const toMbx = await mailsmithCli(home.dir, 'copy', 'box', '#driver.mbx/cli-mbx');
    expect({ status: toMbx.status, stderr: toMbx.stderr }).toEqual({ status: 0, stderr: '' });
    expect(diffDumps(await home.ccdump('cli-mbx'), expected)).toEqual([]);
    const toUnix = await mailsmithCli(home.dir, 'copy', 'box', '#driver.unix/cli-unix');
    expect(toUnix.status).toBe(0);
    const back = await mailsmithCli(home.dir, 'copy', 'cli-unix', '--format', 'mmdf', 'cli-mmdf');
    expect({ status: back.status, stderr: back.stderr }).toEqual({ status: 0, stderr: '' });
    const twice = withMessages(expected, expected.messages.map((m) => {
      // through unix (From quoting, ...) and back into mmdf, which adds its line end once more
      const text = mmdfStoredForm(unixStoredForm(m.text).text).text;
      return { ...m, text, size: text.length };
    }));
    const oracle = await home.ccdump('cli-mmdf');
    expect(oracle.driver).toBe('mmdf');
    expect(diffDumps(oracle, twice)).toEqual([]);
  });
});

describe('random messages through mmdf', () => {
  const setup = sharedSetup('mmdf-random', async () => ({}));
  afterAll(() => setup.dispose());
  const RUNS = { numRuns: 15, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: true };
  const withCtrlA = fc.tuple(messageText, fc.constantFrom('', '\x01\x01\x01\x01', '\r\n\x01\x01\x01\x01\r\n', 'x\x01\x01\x01\x01\x01\n', '\x01a\r\n'))
    .map(([t, extra]) => Buffer.concat([t, Buffer.from(extra, 'latin1')]));
  let serial = 0;

  it('mailsmith writes mmdf; c-client and mailsmith read exactly the modelled result', async () => {
    const { home } = await setup.get();
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ text: withCtrlA, internalDate: mailDate, flags: systemFlags }), { minLength: 1, maxLength: 3 }),
      async (msgs) => {
        const name = `w-${++serial}`;
        const messages: NewMessage[] = msgs.map((m, i) => ({ ...m, keywords: [], uid: 10 + i }));
        const meta = { uidValidity: 4242, uidLast: 5, keywords: [] };
        const { result } = await writeWithMailsmith(home.dir, name, 'mmdf', meta, messages);
        const expected = model(meta, messages);
        expect(diffDumps(await home.ccdump(name), expected), 'c-client').toEqual([]);
        expect(diffDumps(await readWithMailsmith(home.dir, name), expected), 'mailsmith').toEqual([]);
        expect(appendReport(result, REPORT_KINDS)).toEqual(modelReport(messages.map((m) => m.text)));
      },
    ), RUNS);
  }, 90_000);

  it('mailutil copies a hand-made mbox into mmdf; mailsmith reads it as c-client does', async () => {
    const { home } = await setup.get();
    await fc.assert(fc.asyncProperty(
      fc.array(fc.record({ text: withCtrlA.filter((t) => !breaksCClient(t)), date: mailDate }), { minLength: 1, maxLength: 3 }),
      async (msgs) => {
        const n = ++serial;
        await home.put(`in-${n}`, unixMbox(msgs.map((m, i) => ({ envelope: `s${i}@example.org ${formatCtimeWithZone(m.date)}`, text: m.text }))));
        const r = await home.mailutil('copy', `in-${n}`, `#driver.mmdf/out-${n}`);
        expect(r.status, `mailutil copy: ${r.stdout}${r.stderr}`).toBe(0);
        expect((await bothRead(home, `out-${n}`)).diffs).toEqual([]);
      },
    ), RUNS);
  }, 90_000);
});
