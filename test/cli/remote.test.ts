// Remote names through the built CLI, against a real Dovecot: copies both
// ways with text, dates, flags and keywords kept; move, appenddelete and
// prune on the server; check; create, rename and delete; POP3 into mbx, and a
// move that deletes from the maildrop only once the mbx is on disk; TLS and
// certificates; where passwords come from and that -d never shows them; a
// wrong password; and a connection cut in the middle of a copy, then the same
// command again, which finishes without duplicates.
import fs, { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailbox, makeStoreContext, openMailbox } from '../../src/store/index.js';
import type { NewMessage } from '../../src/store/types.js';
import { Dovecot } from '../helpers/dovecot.js';
import { LineProxy } from '../helpers/line-proxy.js';
import { iterate, remote, remoteContext, sampleMessages } from '../helpers/remote.js';
import { localRef } from '../helpers/store.js';
import { hasStackTrace, mailsmith } from './cli.js';

let server: Dovecot;
let home: string;
let messages: NewMessage[];
const ALICE = { MAILSMITH_PASSWORD: 'alice-pw' };

beforeAll(async () => {
  server = await Dovecot.start();
  home = await fsp.mkdtemp(path.join(os.tmpdir(), 'mailsmith-remote-cli-'));
  messages = await sampleMessages(30);
  await writeMbx('source.mbx', messages);
});

afterAll(async () => {
  await server?.stop();
  if (home) await fsp.rm(home, { recursive: true, force: true });
});

async function writeMbx(name: string, msgs: readonly NewMessage[]): Promise<void> {
  const ctx = makeStoreContext();
  const ref = localRef(home, name, { createFormat: 'mbx' });
  await createMailbox(ref, ctx, { format: 'mbx', meta: { uidValidity: 1_000_000_000, uidLast: 0 } });
  const box = await openMailbox(ref, 'write', ctx);
  try {
    await box.append(iterate(msgs), { keepUids: true });
  } finally {
    await box.close();
  }
}

interface Read { text: Buffer; date: number; flags: string[]; keywords: string[] }

async function readLocal(name: string): Promise<Read[]> {
  const box = await openMailbox(localRef(home, name), 'read', makeStoreContext());
  const out: Read[] = [];
  try {
    for await (const m of box.messages()) out.push({ text: await m.text(), date: m.internalDate.ms, flags: [...m.flags], keywords: [...m.keywords] });
  } finally {
    await box.close();
  }
  return out;
}

function expected(msgs: readonly NewMessage[]): Read[] {
  return msgs.map((m) => ({ text: m.text, date: m.internalDate.ms, flags: [...m.flags], keywords: [...m.keywords] }));
}

/** What a connection the proxy cut looks like: reset or closed, one line either way. */
const LOST = '(lost the connection to 127\\.0\\.0\\.1:\\d+: [^(\\n]*|127\\.0\\.0\\.1:\\d+ closed the connection)';

const run = (args: string[], env: NodeJS.ProcessEnv = ALICE) => mailsmith([...args, '--home', home, '--no-progress'], env);

describe('copies between a local mailbox and a server', () => {
  it('local mbx -> IMAP -> local mbx keeps every text, date, flag and keyword', async () => {
    const box = server.imap('alice', 'copied');
    const up = await run(['copy', 'source.mbx', box]);
    // the server gives its own UIDs and keeps dates in UTC: both said, not hidden
    expect(up.code).toBe(3);
    expect(up.stdout).toBe(`copied 30 messages from source.mbx (mbx) to ${box} (imap); new UIDs\n`);
    const zoned = messages.filter((m) => m.internalDate.zone !== 0).length;
    expect(up.stderr).toBe(
      'warning: UIDs not kept: 30 messages (imap cannot hold it)\n' +
        `warning: time zone of internal dates not kept: ${zoned} messages (imap cannot hold it)\n`,
    );
    const down = await run(['copy', box, '#driver.mbx/back.mbx']);
    expect(down.stderr).toBe('');
    expect(down.code).toBe(0);
    expect(await readLocal('back.mbx')).toEqual(expected(messages));
  });

  it('check asks the server and prints c-client\'s canonical name', async () => {
    const r = await run(['check', server.imap('alice', 'copied')]);
    const unseen = messages.filter((m) => !m.flags.includes('\\Seen')).length;
    expect(r.stdout).toBe(`30 new message(s) (${unseen} unseen), 30 total in {127.0.0.1:${server.info.imapPort}/imap/notls/user="alice"}copied\n`);
    expect(r.code).toBe(0);
  });

  it('move from the server empties it once the local copy is on disk; appenddelete puts them back', async () => {
    const box = server.imap('alice', 'copied');
    const moved = await run(['move', box, '#driver.mbx/moved.mbx']);
    expect(moved.code).toBe(0);
    expect(moved.stdout).toMatch(/; 30 messages removed from /);
    expect(await server.messages('alice', 'copied')).toHaveLength(0);
    expect(await readLocal('moved.mbx')).toEqual(expected(messages));
    // the local copy has the dates the server kept (UTC): nothing is lost on the way back
    const back = await run(['appenddelete', 'moved.mbx', box]);
    expect(back.stderr).toBe('');
    expect(back.code).toBe(0);
    expect(await server.messages('alice', 'copied')).toHaveLength(30);
    expect(await readLocal('moved.mbx')).toEqual([]);
  });

  it('prune on the server removes the matches only (and what was already \\Deleted, as mailutil)', async () => {
    const box = server.imap('alice', 'copied');
    const before = Date.UTC(2002, 0, 1);
    const matches = messages.filter((m) => m.internalDate.ms < before).length;
    const deletedOthers = messages.filter((m) => m.internalDate.ms >= before && m.flags.includes('\\Deleted')).length;
    const r = await run(['prune', box, 'before 1-jan-2002']);
    expect(r.stdout).toBe(`${matches + deletedOthers} message(s) purged\n`);
    expect(r.code).toBe(0);
    expect(await server.messages('alice', 'copied')).toHaveLength(30 - matches - deletedOthers);
  });
});

describe('mailboxes on the server', () => {
  it('create, rename and delete', async () => {
    const a = server.imap('alice', 'made/here');
    const b = server.imap('alice', 'made/there');
    expect((await run(['create', a])).code).toBe(0);
    expect(await server.mailboxes('alice')).toContain('made/here');
    const exists = await run(['create', a]);
    expect(exists.code).toBe(1);
    expect(exists.stderr).toMatch(/^mailsmith: can't create .*\[ALREADYEXISTS\] Mailbox already exists/);
    expect((await run(['rename', a, b])).code).toBe(0);
    expect(await server.mailboxes('alice')).toContain('made/there');
    expect((await run(['delete', b])).code).toBe(0);
    expect(await server.mailboxes('alice')).not.toContain('made/there');
    const across = await run(['rename', server.imap('alice', 'copied'), 'local-name']);
    expect(across.code).toBe(2);
    expect(across.stderr).toMatch(/rename works within one store/);
  });
});

describe('POP3 into mbx', () => {
  it('copies the maildrop, and a move deletes from it only once the mbx is complete on disk', async () => {
    const inbox = await openMailbox(remote(server.imap('bob', 'INBOX')), 'write', remoteContext(server).ctx);
    await inbox.append(iterate(messages.slice(0, 12)));
    await inbox.close();
    const BOB = { MAILSMITH_PASSWORD: 'bob-pw' };

    const copy = await run(['copy', server.pop3('bob'), '#driver.mbx/pop.mbx'], BOB);
    expect(copy.code).toBe(0);
    expect((await readLocal('pop.mbx')).map((m) => m.text)).toEqual(messages.slice(0, 12).map((m) => m.text));
    expect(await server.messages('bob', 'INBOX')).toHaveLength(12);

    // hold the first DELE and look at the mbx: it must hold every message already
    let onDiskAtFirstDele: number | undefined;
    const proxy = await LineProxy.start(server.info.pop3Port, {
      protocol: 'pop3',
      onCommand: async (line) => {
        if (line.startsWith('DELE') && onDiskAtFirstDele === undefined) onDiskAtFirstDele = (await readLocal('pop-moved.mbx')).length;
      },
    });
    try {
      const move = await run(['move', server.pop3('bob', '/notls', proxy.port), '#driver.mbx/pop-moved.mbx'], BOB);
      expect(move.code).toBe(0);
      expect(onDiskAtFirstDele).toBe(12);
      expect(proxy.commands.filter((c) => c.startsWith('DELE'))).toHaveLength(12);
      expect(proxy.commands.at(-1)).toBe('QUIT');
    } finally {
      await proxy.close();
    }
    expect(await server.messages('bob', 'INBOX')).toHaveLength(0);
    expect((await readLocal('pop-moved.mbx')).map((m) => m.text)).toEqual(messages.slice(0, 12).map((m) => m.text));
  });
});

describe('TLS, passwords and errors', () => {
  it('/ssl checks the certificate (one-line error), passes with /novalidate-cert or --ca-file', async () => {
    const name = server.imap('alice', 'INBOX', '/ssl');
    const refused = await run(['check', name]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe(
      `mailsmith: certificate of 127.0.0.1:${server.info.imapsPort} not trusted: self-signed certificate (trust it with --ca-file FILE, or add /novalidate-cert to the name)\n`,
    );
    expect((await run(['check', server.imap('alice', 'INBOX', '/ssl/novalidate-cert')])).code).toBe(0);
    const ok = await run(['check', name, '--ca-file', server.info.certPath]);
    expect(ok.stdout).toBe(`No new messages, 0 total in {127.0.0.1:${server.info.imapsPort}/imap/notls/ssl/user="alice"}INBOX\n`);
  });

  it('takes the password from MAILSMITH_PASSWORD, --password-file or a netrc file, never shows it with -d', async () => {
    const box = server.imap('alice', 'INBOX');
    const env = await run(['-d', 'check', box]);
    expect(env.code).toBe(0);
    expect(env.stderr).toMatch(/C: 1 AUTHENTICATE CRAM-MD5\n.*S: \+ <suppressed>\n.*C: <suppressed>\n/);
    const file = path.join(home, 'pw');
    await fsp.writeFile(file, 'alice-pw\n', { mode: 0o600 });
    const viaFile = await run(['-d', 'check', server.imap('alice', 'INBOX', '/tls/novalidate-cert'), '--password-file', file], {});
    expect(viaFile.code).toBe(0);
    expect(viaFile.stderr).toMatch(/C: [0-9A-F]+ AUTHENTICATE PLAIN <suppressed>\n/);
    const netrc = path.join(home, 'netrc');
    await fsp.writeFile(netrc, `machine other login x password y\nmachine 127.0.0.1 login alice password alice-pw\n`);
    // no /user=: the login comes from the netrc entry too
    const viaNetrc = await run(['check', `{127.0.0.1:${server.info.imapPort}/imap/notls}INBOX`, '--netrc', netrc], {});
    expect(viaNetrc.stdout).toMatch(/total in \{127\.0\.0\.1:\d+\/imap\/notls\/user="alice"\}INBOX\n$/);
    for (const r of [env, viaFile, viaNetrc]) {
      expect(r.stderr).not.toContain('alice-pw');
      expect(r.stderr).not.toContain(Buffer.from('\0alice\0alice-pw').toString('base64'));
    }
    const none = await run(['check', box], {});
    expect(none.code).toBe(1);
    expect(none.stderr).toBe('mailsmith: no password for alice on 127.0.0.1: set MAILSMITH_PASSWORD, give --password-file FILE, or add the host to ~/.netrc (there is no terminal to ask on)\n');
  });

  it('a wrong password and a refused connection are one line each, exit 1', async () => {
    const wrong = await run(['copy', 'source.mbx', server.imap('alice', 'never')], { MAILSMITH_PASSWORD: 'nope' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toBe(`mailsmith: can't log in to 127.0.0.1:${server.info.imapPort} as alice: [AUTHENTICATIONFAILED] Authentication failed.\n`);
    const refused = await run(['check', '{127.0.0.1:1/imap/notls/user=alice}INBOX']);
    expect(refused.stderr).toBe('mailsmith: can\'t connect to 127.0.0.1:1: connection refused\n');
    for (const r of [wrong, refused]) expect(hasStackTrace(r.stderr)).toBe(false);
    expect(await server.mailboxes('alice')).not.toContain('never');
  });
});

describe('a connection cut in the middle of a copy', () => {
  it('to the server: exit 1, the source intact; the same command again finishes with no duplicates', async () => {
    const many = await sampleMessages(120, { utc: true, offset: 40 });
    await writeMbx('many.mbx', many);
    const sourceBytes = fs.readFileSync(path.join(home, 'many.mbx'));
    const total = many.reduce((a, m) => a + m.text.length, 0);
    const proxy = await LineProxy.start(server.info.imapPort, {
      protocol: 'imap', hide: ['MULTIAPPEND'], cut: { direction: 'to-server', bytes: Math.floor(total / 2) },
    });
    try {
      const box = server.imap('alice', 'cut-copy', '/notls', proxy.port);
      const first = await run(['move', 'many.mbx', box]);
      expect(proxy.cutDone).toBe(true);
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(new RegExp(`^mailsmith: ${LOST} \\(what reached \\S+ before the connection broke stays there; running the same command again skips it and copies the rest\\)\n$`));
      expect(fs.readFileSync(path.join(home, 'many.mbx'))).toEqual(sourceBytes);
      const arrived = await server.settledCount('alice', 'cut-copy');
      expect(arrived).toBeGreaterThan(0);
      const again = await run(['move', 'many.mbx', box]);
      expect(again.code).toBe(3);
      expect(again.stdout).toBe(
        `moved ${120 - arrived} messages from many.mbx (mbx) to ${box} (imap); ${arrived} messages already there from an earlier run, ` +
          'not copied again; 120 messages removed from many.mbx\n',
      );
      const ids = (await server.messages('alice', 'cut-copy')).map((m) => m.messageId);
      expect(ids).toHaveLength(120);
      expect(await readLocal('many.mbx')).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('from the server: exit 1, nothing left behind locally; the same command again copies everything once', async () => {
    const proxy = await LineProxy.start(server.info.imapPort, { protocol: 'imap', cut: { direction: 'to-client', bytes: 60_000 } });
    try {
      const box = server.imap('alice', 'cut-copy', '/notls', proxy.port);
      const first = await run(['copy', box, '#driver.mbx/cut-back.mbx']);
      expect(first.code).toBe(1);
      expect(first.stderr).toMatch(new RegExp(`^mailsmith: ${LOST}\n$`));
      expect(fs.existsSync(path.join(home, 'cut-back.mbx'))).toBe(false);
      const again = await run(['copy', box, '#driver.mbx/cut-back.mbx']);
      expect(again.code).toBe(0);
      expect((await readLocal('cut-back.mbx'))).toHaveLength(120);
      expect(await server.messages('alice', 'cut-copy')).toHaveLength(120);
    } finally {
      await proxy.close();
    }
  });
});
