// Proves mailsmith reads what the real UW mailutil writes exactly as c-client
// reads it: all 252 real messages, in a hand-made unix mbox with c-client's
// status headers (X-IMAPbase, X-UID, Status, X-Status, X-Keywords, one
// undeclared keyword) and every From_ date form, then copied by
// `mailutil copy -kw` into mbx and into unix. For each of the three files,
// every message's UID, internal date, flags, keywords, size and text bytes,
// the mailbox's UID validity, last UID and keywords, and the check line agree
// between ccdump (c-client) and mailsmith.
import { afterAll, describe, expect, it } from 'vitest';
import { formatCtime, formatCtimeWithZone, type MailDate } from '../../src/mail/dates.js';
import { sharedSetup } from './oracle.js';
import { diffDumps } from './dump.js';
import { checkLine, mailsmithCli, readWithMailsmith } from './mailsmith.js';
import { realMessages, unixMbox, withoutEnvelope, type MboxEntry } from './messages.js';

process.env.TZ = 'UTC';

/** A From_ date in one of the forms c-client accepts, chosen by i. */
function envelopeDate(i: number): string {
  const date: MailDate = { ms: Date.UTC(1998, 0, 1) + i * 37 * 86_400_000 + i * 7_919_000, zone: 0 };
  switch (i % 4) {
    case 0:
      return formatCtime(date); // no zone: the local zone (UTC here)
    case 1:
      return formatCtimeWithZone({ ...date, zone: -480 }); // c-client's own form
    case 2: {
      const ctime = formatCtime({ ...date, zone: -480 });
      return `${ctime.slice(0, -4)}PST ${ctime.slice(-4)}`; // zone name before the year
    }
    default: {
      const ctime = formatCtime(date);
      return `${ctime.slice(0, 16)}${ctime.slice(19)}`; // no seconds
    }
  }
}

/** c-client status lines for message i: the first carries X-IMAPbase; the rest vary. */
function statusLines(i: number): string[] {
  const lines: string[] = [];
  if (i === 0) lines.push('X-IMAPbase: 1600000000 0000000600 work $Label1 Junk');
  if (i % 7 === 0) lines.push('Status: RO');
  else if (i % 3 === 0) lines.push('Status: O');
  const x = `${i % 13 === 0 ? 'D' : ''}${i % 5 === 0 ? 'FA' : ''}${i % 17 === 0 ? 'T' : ''}`;
  if (x) lines.push(`X-Status: ${x}`);
  if (i % 11 === 0) lines.push('X-Keywords: work Junk');
  else if (i % 19 === 0) lines.push('X-Keywords: $Label1 Undeclared');
  lines.push(`X-UID: ${2 * i + 1}`);
  return lines;
}

const MAILBOXES = [
  ['source', 'unix'],
  ['to-mbx', 'mbx'],
  ['to-unix', 'unix'],
] as const;

describe('mailutil writes, mailsmith reads', () => {
  const setup = sharedSetup('from-mailutil', async (home) => {
    const entries: MboxEntry[] = (await realMessages()).map((m, i) => ({
      envelope: `sender${i}@example.org ${envelopeDate(i)}`,
      status: statusLines(i),
      text: withoutEnvelope(m.raw),
    }));
    await home.put('source', unixMbox(entries));
    await home.mailutilOk('copy', '-kw', 'source', '#driver.mbx/to-mbx');
    await home.mailutilOk('copy', '-kw', 'source', '#driver.unix/to-unix');
    return {};
  });
  afterAll(() => setup.dispose());

  it('c-client sees all 252 messages in each file, in the intended format', async () => {
    const { home } = await setup.get();
    for (const [name, format] of MAILBOXES) {
      const dump = await home.ccdump(name);
      expect({ name, driver: dump.driver, count: dump.messages.length }).toEqual({ name, driver: format, count: 252 });
    }
  });

  it.each(MAILBOXES)('%s (%s): mailsmith reports every message as c-client does', async (name, format) => {
    const { home } = await setup.get();
    const oracle = await home.ccdump(name);
    const ours = await readWithMailsmith(home.dir, name);
    expect(ours.format).toBe(format);
    expect(diffDumps(ours, oracle)).toEqual([]);
  });

  it.each(MAILBOXES)('%s (%s): \\Recent and unseen counts give mailutil\'s check line', async (name) => {
    const { home } = await setup.get();
    expect(checkLine(await readWithMailsmith(home.dir, name), name)).toBe(await home.check(name));
  });

  it.each(MAILBOXES)('%s (%s): mailsmith check prints mailutil\'s check line', async (name) => {
    const { home } = await setup.get();
    const r = await mailsmithCli(home.dir, 'check', name);
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      status: 0, stdout: await home.check(name), stderr: '',
    });
  });
});
