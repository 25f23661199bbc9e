// The real UW mailutil and mailsmith on the same Dovecot: what mailsmith puts
// on the server, mailutil copies out exactly (ccdump of mailutil's mbx shows
// the same texts, dates, flags and keywords), what mailutil puts there,
// mailsmith copies out exactly, and both print the same check line for an
// IMAP mailbox and a POP3 maildrop.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatInternalDate } from '../../src/mail/dates.js';
import { openMailbox } from '../../src/store/index.js';
import type { NewMessage } from '../../src/store/types.js';
import { Dovecot } from '../helpers/dovecot.js';
import { iterate, remote, remoteContext, sampleMessages } from '../helpers/remote.js';
import { diffDumps, type MailboxDump } from './dump.js';
import { mailsmithCli, readWithMailsmith, writeWithMailsmith } from './mailsmith.js';
import { OracleHome } from './oracle.js';

process.env.TZ = 'UTC';

let server: Dovecot;
let home: OracleHome;
let messages: NewMessage[];

beforeAll(async () => {
  [server, home] = await Promise.all([Dovecot.start(), OracleHome.create('remote')]);
  messages = await sampleMessages(40);
  await writeWithMailsmith(home.dir, 'source.mbx', 'mbx', { uidValidity: 1_111_111_111, uidLast: 0 }, messages);
});

afterAll(async () => {
  await server?.stop();
  await home?.dispose();
});

/** What a reader of the server's copy reports: the same messages, internal dates in UTC (Dovecot keeps no zone). */
function model(msgs: readonly NewMessage[]): MailboxDump {
  return {
    meta: { uidValidity: 0, uidLast: 0, keywords: [] },
    messages: msgs.map((m, i) => ({
      uid: i + 1,
      internalDate: formatInternalDate({ ms: Math.floor(m.internalDate.ms / 1000) * 1000, zone: 0 }),
      flags: m.flags, keywords: m.keywords, size: m.text.length, text: m.text,
    })),
  };
}

const smith = (...args: string[]) => mailsmithCli(home.dir, ...args, '--no-progress');

describe('mailsmith and mailutil on the same IMAP server', () => {
  it('mailutil copies out exactly what mailsmith copied in', async () => {
    process.env.MAILSMITH_PASSWORD = 'alice-pw';
    const box = server.imap('alice', 'fromsmith');
    const up = await smith('copy', 'source.mbx', box);
    expect(up.status, up.stderr).toBe(3);
    // -kw: mailutil drops keywords a new mbx does not define yet unless told to create them
    const out = await home.mailutilRemote(['alice-pw'], 'copy', '-kw', box, '#driver.mbx/bymailutil');
    expect(out.status, out.stdout + out.stderr).toBe(0);
    const dump = await home.ccdump('bymailutil');
    expect(dump.warnings).toEqual([]);
    expect(diffDumps(dump, model(messages), { uids: false, mailboxKeywords: false })).toEqual([]);
  });

  it('mailsmith copies out exactly what mailutil copied in', async () => {
    process.env.MAILSMITH_PASSWORD = 'alice-pw';
    const box = server.imap('alice', 'frommailutil');
    const up = await home.mailutilRemote(['alice-pw'], 'copy', 'source.mbx', box);
    expect(up.status, up.stdout + up.stderr).toBe(0);
    const out = await smith('copy', box, '#driver.mbx/bysmith');
    expect(out.status, out.stderr).toBe(0);
    const dump = await readWithMailsmith(home.dir, 'bysmith');
    expect(dump.warnings).toEqual([]);
    expect(diffDumps(dump, model(messages), { uids: false, mailboxKeywords: false })).toEqual([]);
  });

  it('both print the same check line for an IMAP mailbox', async () => {
    process.env.MAILSMITH_PASSWORD = 'alice-pw';
    const box = server.imap('alice', 'fromsmith');
    const theirs = await home.mailutilRemote(['alice-pw'], 'check', box);
    const ours = await smith('check', box);
    expect(ours.status).toBe(0);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toMatch(/^\d+ new message\(s\) \(\d+ unseen\), 40 total in \{127\.0\.0\.1:\d+\/imap\/notls\/user="alice"\}fromsmith\n$/);
  });

  it('both print the same check line for a POP3 maildrop', async () => {
    const inbox = await openMailbox(remote(server.imap('bob', 'INBOX')), 'write', remoteContext(server).ctx);
    try {
      await inbox.append(iterate(messages.slice(0, 7)));
    } finally {
      await inbox.close();
    }
    process.env.MAILSMITH_PASSWORD = 'bob-pw';
    const drop = server.pop3('bob');
    const theirs = await home.mailutilRemote(['bob-pw'], 'check', drop);
    const ours = await smith('check', drop);
    expect(ours.stdout).toBe(theirs.stdout);
    expect(ours.stdout).toBe(`7 new message(s) (7 unseen), 7 total in ${drop}\n`);
  });
});
