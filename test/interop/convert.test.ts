// Mailboxes converted by `mailsmith convert-format` read in the real c-client (ccdump, mailutil
// check) exactly as the originals did: every message, date, flag, keyword, and the UID
// validity and UIDs; and a Maildir made from an mbx file reads in a real Dovecot with them.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatInternalDate } from '../../src/mail/dates.js';
import { diffDumps, type MailboxDump } from './dump.js';
import { goldenDir } from './golden.js';
import { Dovecot } from './maildir-dovecot.js';
import { mailsmithCli, readWithMailsmith } from './mailsmith.js';
import { sharedSetup, type OracleHome } from './oracle.js';

process.env.TZ = 'UTC';

/** A golden mailbox (file or directory) copied into the home as `name`. */
async function putGolden(home: OracleHome, golden: string, name: string): Promise<void> {
  const from = path.join(goldenDir(), golden);
  if (!(await fsp.stat(from)).isDirectory()) {
    await home.putCopy(name, from);
    return;
  }
  for (const f of await fsp.readdir(from)) await home.putCopy(`${name}/${f}`, path.join(from, f));
}

/** unix stores a body line "From ..." as ">From ..." and ends every message with a newline: what c-client then reads. */
function asUnixStoresIt(dump: MailboxDump): MailboxDump {
  return {
    ...dump,
    messages: dump.messages.map((m) => {
      let text = m.text.toString('latin1').replace(/(^|\r\n)From /g, '$1>From ');
      if (!text.endsWith('\r\n')) text += '\r\n';
      return { ...m, text: Buffer.from(text, 'latin1'), size: text.length };
    }),
  };
}

describe('mailsmith converts, c-client reads', () => {
  const setup = sharedSetup('convert', async (home) => {
    await putGolden(home, 'unix', 'u2mbx');
    await putGolden(home, 'mbx', 'mbx2mix');
    await putGolden(home, 'mix', 'mix2unix');
    await putGolden(home, 'unix', 'tree/a');
    await putGolden(home, 'mbx', 'tree/sub/b');
    await putGolden(home, 'mmdf', 'tree/sub/c');
    await putGolden(home, 'mx', 'tree/d');
    const names = ['u2mbx', 'mbx2mix', 'mix2unix', 'tree/a', 'tree/sub/b', 'tree/sub/c', 'tree/d'];
    const before = new Map<string, MailboxDump>();
    const checks = new Map<string, string>();
    for (const n of names) {
      before.set(n, await home.ccdump(n));
      checks.set(n, counts(await home.check(n)));
    }
    const runs = [
      await mailsmithCli(home.dir, 'convert-format', 'u2mbx', '--to', 'mbx'),
      await mailsmithCli(home.dir, 'convert-format', 'mbx2mix', '--to', 'mix'),
      await mailsmithCli(home.dir, 'convert-format', 'mix2unix', '--to', 'unix'),
      await mailsmithCli(home.dir, 'convert-format', '--recursive', '--no-backup', 'tree', '--to', 'mix'),
    ];
    return { before, checks, runs };
  });
  afterAll(() => setup.dispose());

  it('every conversion succeeds', async () => {
    const { runs } = await setup.get();
    for (const r of runs) expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it.each([
    ['u2mbx', 'mbx'], ['mbx2mix', 'mix'], ['mix2unix', 'unix'],
    ['tree/a', 'mix'], ['tree/sub/b', 'mix'], ['tree/sub/c', 'mix'], ['tree/d', 'mix'],
  ])('%s reads in c-client as %s with the same messages, UID validity and UIDs', async (name, format) => {
    const { home, before, checks } = await setup.get();
    const after = await home.ccdump(name);
    expect(after.driver).toBe(format);
    expect(after.warnings).toEqual([]);
    const expected = format === 'unix' ? asUnixStoresIt(before.get(name)!) : before.get(name)!;
    expect(diffDumps(after, expected)).toEqual([]);
    expect(counts(await home.check(name))).toBe(checks.get(name));
  });

  it('the kept original still reads in c-client as it did', async () => {
    const { home, before } = await setup.get();
    const backup = (await fsp.readdir(home.dir)).find((n) => n.startsWith('u2mbx.bak-'))!;
    expect(diffDumps(await home.ccdump(backup), before.get('u2mbx')!)).toEqual([]);
  });
});

describe('mailsmith converts mbx to Maildir, Dovecot reads', () => {
  let dovecot: Dovecot | undefined;
  afterAll(async () => {
    await dovecot?.stop();
  });

  it('Dovecot reports every message, flag, keyword, UID and the UID validity of the original', async () => {
    dovecot = await Dovecot.start();
    const { home } = dovecot.user('alice');
    await fsp.mkdir(path.join(home, 'Maildir'), { recursive: true });
    await fsp.copyFile(path.join(goldenDir(), 'mbx'), path.join(home, 'Maildir', '.Converted'));
    await fsp.chmod(path.join(home, 'Maildir', '.Converted'), 0o600);
    const original = await readWithMailsmith(home, 'Maildir/.Converted');
    const r = await mailsmithCli(home, 'convert-format', '--no-backup', 'Maildir/.Converted', '--to', 'maildir');
    // mbx keeps each date's zone, Maildir the instant only: named, exit 3
    expect(r.stderr).toMatch(/^warning: Maildir\/\.Converted: time zone of internal dates not kept/);
    expect(r.status).toBe(3);
    dovecot.handOver(home);
    const expected: MailboxDump = {
      ...original,
      messages: original.messages.map((m) => ({ ...m, internalDate: inUtc(m.internalDate) })),
    };
    expect(diffDumps(await dovecot.dump('alice', 'Converted'), expected, { mailboxKeywords: false })).toEqual([]);
  });
});

/**
 * Unseen and total of mailutil's check line. \Recent is not compared: the new mailbox's
 * messages are new to it, as after any copy (an mx original c-client has seen says 0 new).
 */
function counts(line: string): string {
  const m = /(?:\((\d+) unseen\), )?(\d+) total in /.exec(line);
  if (!m) throw new Error(`not a check line: ${line}`);
  return `${m[1] ?? 0} unseen, ${m[2]} total`;
}

/** "16-Nov-2010 11:55:40 -0800" as the same instant in UTC, as Dovecot reports received dates. */
function inUtc(date: string): string {
  const ms = Date.parse(date.replace(/^(\d+)-(\w+)-(\d+)/, '$1 $2 $3'));
  return formatInternalDate({ ms, zone: 0 });
}
