// Proves, on random hostile messages (NUL, 8-bit, bare CR, CRLF and LF mixed,
// lines starting "From ", metadata-named headers in any case, no final line
// end) with random flags, keywords, dates and UIDs, that:
// - what mailsmith writes into mbx, c-client reads back byte for byte, and
//   what it writes into unix, c-client reads back with exactly the documented
//   transformations and nothing else; mailsmith reads both back the same way,
//   and its append reports exactly those transformations;
// - what the real mailutil writes (copying a hand-made mbox of the messages
//   into mbx and unix) mailsmith reads as c-client does, as it does the mbox.
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtimeWithZone, formatInternalDate } from '../../src/mail/dates.js';
import type { FormatName, NewMessage } from '../../src/store/types.js';
import { KEYWORD_POOL, mailDate, messageText, systemFlags } from './arbitraries.js';
import { diffDumps, type MailboxDump } from './dump.js';
import { appendReport, readWithMailsmith, writeWithMailsmith } from './mailsmith.js';
import { UNIX_REPORT_KINDS, breaksCClient, unixMbox, unixReport, unixStoredForm } from './messages.js';
import { sharedSetup } from './oracle.js';

process.env.TZ = 'UTC';

const RUNS = { numRuns: 30, interruptAfterTimeLimit: 50_000, markInterruptAsFailure: true };
const TEST_TIMEOUT = 90_000;

const mailboxArb = fc
  .record({
    uidValidity: fc.integer({ min: 1, max: 0xffffffff }),
    uidLast: fc.integer({ min: 0, max: 1000 }),
    keywords: fc.subarray(KEYWORD_POOL),
  })
  .chain((meta) => fc.record({
    meta: fc.constant(meta),
    messages: fc.array(
      fc.record({
        text: messageText,
        internalDate: mailDate,
        flags: systemFlags,
        keywords: fc.subarray(meta.keywords),
        uidGap: fc.integer({ min: 1, max: 40 }),
      }),
      { minLength: 1, maxLength: 3 },
    ),
  }))
  .map(({ meta, messages }) => {
    let uid = meta.uidLast;
    const withUids: NewMessage[] = messages.map(({ uidGap, ...m }) => ({ ...m, uid: (uid += uidGap) }));
    return { meta, messages: withUids };
  });

function model(format: FormatName, meta: { uidValidity: number; uidLast: number; keywords: string[] }, messages: NewMessage[]): MailboxDump {
  return {
    meta: { uidValidity: meta.uidValidity, uidLast: messages[messages.length - 1]!.uid!, keywords: meta.keywords },
    messages: messages.map((m) => {
      const text = format === 'unix' ? unixStoredForm(m.text).text : m.text;
      return {
        uid: m.uid!, internalDate: formatInternalDate(m.internalDate), flags: m.flags, keywords: m.keywords,
        size: text.length, text,
      };
    }),
  };
}

describe('random messages', () => {
  const setup = sharedSetup('random', async () => ({}));
  afterAll(() => setup.dispose());
  let serial = 0;

  it('mailsmith writes mbx and unix; c-client and mailsmith read exactly the documented result', async () => {
    const { home } = await setup.get();
    await fc.assert(
      fc.asyncProperty(mailboxArb, async ({ meta, messages }) => {
        for (const format of ['mbx', 'unix'] as const) {
          const name = `${format}-${++serial}`;
          const { result } = await writeWithMailsmith(home.dir, name, format, meta, messages);
          const expected = model(format, meta, messages);
          const oracle = await home.ccdump(name);
          expect(diffDumps(oracle, expected), `c-client reading ${format}`).toEqual([]);
          expect(diffDumps(await readWithMailsmith(home.dir, name), expected), `mailsmith reading ${format}`).toEqual([]);
          // mbx keeps every byte: nothing to report
          const modelled = unixReport(format === 'unix' ? messages.map((m) => m.text) : []);
          expect(appendReport(result, UNIX_REPORT_KINDS), `${format} append report`).toEqual(modelled);
        }
      }),
      RUNS,
    );
  }, TEST_TIMEOUT);

  it('mailutil copies a hand-made mbox into mbx and unix; mailsmith reads all three as c-client does', async () => {
    const { home } = await setup.get();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.record({ text: messageText.filter((t) => !breaksCClient(t)), date: mailDate }), { minLength: 1, maxLength: 3 }), async (msgs) => {
        const n = ++serial;
        const names = [`in-${n}`, `mbx-copy-${n}`, `unix-copy-${n}`];
        await home.put(names[0]!, unixMbox(msgs.map((m, i) => ({
          envelope: `sender${i}@example.org ${formatCtimeWithZone(m.date)}`,
          text: m.text,
        }))));
        // no -kw: random X-IMAPbase keyword lists may hold names c-client refuses to create;
        // and c-client's warnings about random metadata headers are c-client's business
        for (const [format, name] of [['mbx', names[1]], ['unix', names[2]]]) {
          const r = await home.mailutil('copy', names[0]!, `#driver.${format}/${name}`);
          expect(r.status, `mailutil copy: ${r.stdout}${r.stderr}`).toBe(0);
        }
        for (const name of names) {
          const oracle = await home.ccdump(name);
          // where c-client took a new UID validity from its clock, mailsmith reads with its clock at that second
          const clockValidity = oracle.warnings.some((w) => /Assigning new unique identifiers|rebuilding UIDs/.test(w));
          const now = clockValidity ? new Date(oracle.meta.uidValidity * 1000) : undefined;
          expect(diffDumps(await readWithMailsmith(home.dir, name, now), oracle), `mailsmith reading ${name}`).toEqual([]);
        }
      }),
      RUNS,
    );
  }, TEST_TIMEOUT);
});
