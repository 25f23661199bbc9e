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
import { statusLines } from './corpus.js';

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

const MAILBOXES = [
  ['source', 'unix'],
  ['to-mbx', 'mbx'],
  ['to-unix', 'unix'],
] as const;

describe('mailutil writes, mailsmith reads', () => {
  const setup = sharedSetup('from-mailutil', async (home) => {
    const entries: MboxEntry[] = (await realMessages()).map((m, i) => ({
      envelope: `sender${i}@example.org ${envelopeDate(i)}`,
      status: statusLines(i, '$Label1 Undeclared'),
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
