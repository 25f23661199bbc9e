// The pop3 driver against a real Dovecot (with APOP offered), and a proxy
// that hides what the test wants the server not to offer: reading a maildrop
// as c-client does (texts as stored, dot-stuffing undone, every message new,
// the date from Date:), APOP and USER/PASS, STLS and TLS with certificate
// checks, no login unencrypted without /notls, deletion only by expunge (DELE
// then a clean QUIT), and a new session found by UIDL when the server dropped
// the old one.
import fs from 'node:fs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ReadOnlyMailbox, TlsFailed, Unsupported } from '../../../src/errors.js';
import { parseCClientDate } from '../../../src/mail/dates.js';
import { openMailbox, remoteStatus } from '../../../src/store/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import { Dovecot } from '../../helpers/dovecot.js';
import { LineProxy } from '../../helpers/line-proxy.js';
import { iterate, remote, remoteContext, sampleMessages, type RemoteContextOptions } from '../../helpers/remote.js';

let server: Dovecot;
let cert: Buffer;
let messages: NewMessage[];
const proxies: LineProxy[] = [];

/** A message whose lines start with dots, one of them a lone dot: POP3 must stuff and unstuff them. */
const DOTTY: NewMessage = {
  text: Buffer.from('Subject: dots\r\nMessage-ID: <dots@test>\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n'),
  internalDate: { ms: Date.UTC(2020, 1, 2, 3, 4, 5), zone: 0 }, flags: [], keywords: [],
};

beforeAll(async () => {
  server = await Dovecot.start({ args: ['--mechanisms', 'plain login cram-md5 apop'] });
  cert = fs.readFileSync(server.info.certPath);
  messages = [...(await sampleMessages(25, { utc: true })), DOTTY];
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  await server?.stop();
});

/** bob's maildrop holds `messages` again. */
beforeEach(async () => {
  await server.reset('bob');
  const { ctx } = remoteContext(server);
  const inbox = await openMailbox(remote(server.imap('bob', 'INBOX')), 'write', ctx);
  try {
    await inbox.append(iterate(messages));
  } finally {
    await inbox.close();
  }
});

async function proxy(options: { hide?: string[]; hideApop?: boolean }): Promise<LineProxy> {
  const p = await LineProxy.start(server.info.pop3Port, { protocol: 'pop3', ...options });
  proxies.push(p);
  return p;
}

async function readDrop(name: string, options: RemoteContextOptions = {}): Promise<{ texts: Buffer[]; telemetry: string[] }> {
  const rec = remoteContext(server, options);
  const box = await openMailbox(remote(name), 'read', rec.ctx);
  const texts: Buffer[] = [];
  try {
    for await (const m of box.messages()) {
      expect(m.recent).toBe(true);
      expect(m.flags).toEqual([]);
      texts.push(await m.text());
    }
  } finally {
    await box.close();
  }
  return { texts, telemetry: rec.telemetry };
}

describe('reading a maildrop', () => {
  it('gives every message as stored, dots and all, dated by its Date: header, all new', async () => {
    const rec = remoteContext(server);
    const box = await openMailbox(remote(server.pop3('bob')), 'read', rec.ctx);
    const got = [];
    try {
      expect(box.meta).toEqual({ uidValidity: 0, uidLast: messages.length, keywords: [] });
      for await (const m of box.messages()) got.push({ uid: m.uid, text: await m.text(), date: m.internalDate, size: m.size, recent: m.recent });
    } finally {
      await box.close();
    }
    expect(got.map((m) => m.text)).toEqual(messages.map((m) => m.text));
    expect(got.map((m) => m.uid)).toEqual(messages.map((_m, i) => i + 1));
    expect(got.every((m) => m.recent)).toBe(true);
    expect(got.map((m) => m.size)).toEqual(messages.map((m) => m.text.length));
    const dateHeader = (t: Buffer) => /^date:(.*)$/im.exec(t.toString('latin1').split('\r\n\r\n')[0]!)?.[1]?.trim();
    expect(got.map((m) => m.date)).toEqual(messages.map((m) => {
      const d = dateHeader(m.text);
      return (d && parseCClientDate(d)) || { ms: 0, zone: 0 };
    }));
    // pipelined: the RETRs go out before their answers come back
    const retr = rec.telemetry.findIndex((l) => / C: RETR 2$/.test(l));
    const first = rec.telemetry.findIndex((l) => / S: \+OK/.test(l) && rec.telemetry.indexOf(l) > rec.telemetry.findIndex((x) => / C: RETR 1$/.test(x)));
    expect(retr).toBeLessThan(first);
  });

  it('works the same one command at a time on a server without PIPELINING', async () => {
    const p = await proxy({ hide: ['PIPELINING'] });
    const { texts } = await readDrop(server.pop3('bob', '/notls', p.port));
    expect(texts).toEqual(messages.map((m) => m.text));
  });

  it('counts for check: every message new and unseen, as c-client reports a maildrop', async () => {
    const name = server.pop3('bob');
    expect(await remoteStatus(remote(name), remoteContext(server).ctx)).toEqual({ name, total: 26, recent: 26, unseen: 26 });
  });
});

describe('logging in', () => {
  it('uses APOP when the greeting offers it, else USER and PASS; neither shows in telemetry', async () => {
    const apop = (await readDrop(server.pop3('bob'))).telemetry;
    expect(apop.some((l) => / C: APOP <suppressed>$/.test(l))).toBe(true);
    const p = await proxy({ hideApop: true });
    const plain = (await readDrop(server.pop3('bob', '/notls', p.port))).telemetry;
    expect(plain.some((l) => / C: USER <suppressed>$/.test(l))).toBe(true);
    expect(plain.some((l) => / C: PASS <suppressed>$/.test(l))).toBe(true);
    expect([...apop, ...plain].filter((l) => l.includes('bob-pw') || / C: (USER|PASS|APOP) (?!<suppressed>)/.test(l))).toEqual([]);
  });

  it('upgrades with STLS and checks certificates; /ssl likewise', async () => {
    const t = (await readDrop(server.pop3('bob', ''), { ca: [cert] })).telemetry;
    expect(t.some((l) => / C: STLS$/.test(l))).toBe(true);
    await expect(readDrop(server.pop3('bob', ''))).rejects.toBeInstanceOf(TlsFailed);
    await expect(readDrop(server.pop3('bob', '/ssl'))).rejects.toBeInstanceOf(TlsFailed);
    expect((await readDrop(server.pop3('bob', '/ssl'), { ca: [cert] })).texts).toHaveLength(26);
    expect((await readDrop(server.pop3('bob', '/ssl/novalidate-cert'))).texts).toHaveLength(26);
  });

  it('without STLS: /tls fails, and no login goes out unencrypted unless /notls', async () => {
    const p = await proxy({ hide: ['STLS'] });
    await expect(readDrop(server.pop3('bob', '/tls', p.port))).rejects.toThrow(`127.0.0.1:${p.port} does not offer STLS, which /tls requires`);
    const rec = remoteContext(server);
    const err = await openMailbox(remote(server.pop3('bob', '', p.port)), 'read', rec.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsFailed);
    expect(rec.telemetry.some((l) => / C: (USER|PASS|APOP)/.test(l))).toBe(false);
    expect((await readDrop(server.pop3('bob', '/notls', p.port))).texts).toHaveLength(26);
  });
});

describe('deleting', () => {
  it('deletes exactly the expunged messages, with DELE and a clean QUIT', async () => {
    const rec = remoteContext(server);
    const box = await openMailbox(remote(server.pop3('bob')), 'write', rec.ctx);
    await box.store([2, 5, 26], { add: { flags: ['\\Deleted'] } });
    await box.store([26], { remove: { flags: ['\\Deleted'] } });
    expect(await box.expunge([2, 5, 7])).toBe(2);
    await box.close();
    const dele = rec.telemetry.filter((l) => / C: DELE /.test(l)).map((l) => l.replace(/.* C: /, ''));
    expect(dele).toEqual(['DELE 2', 'DELE 5']);
    expect(rec.telemetry.findIndex((l) => / C: QUIT$/.test(l))).toBeGreaterThan(rec.telemetry.findIndex((l) => / C: DELE 5$/.test(l)));
    const left = await server.messages('bob', 'INBOX');
    expect(left).toHaveLength(24);
  });

  it('reading, or closing without expunge, deletes nothing; flags other than \\Deleted are refused', async () => {
    const { ctx } = remoteContext(server);
    const ro = await openMailbox(remote(server.pop3('bob')), 'read', ctx);
    await expect(ro.store([1], { add: { flags: ['\\Deleted'] } })).rejects.toBeInstanceOf(ReadOnlyMailbox);
    await ro.close();
    const rw = await openMailbox(remote(server.pop3('bob')), 'write', ctx);
    await expect(rw.store([1], { add: { flags: ['\\Seen'] } })).rejects.toBeInstanceOf(Unsupported);
    await rw.store([1, 2], { add: { flags: ['\\Deleted'] } });
    await rw.close();
    expect(await server.messages('bob', 'INBOX')).toHaveLength(26);
  });

  it('finds the messages again by UIDL when the server dropped the session before the expunge', async () => {
    const p = await proxy({});
    const { ctx } = remoteContext(server);
    const box = await openMailbox(remote(server.pop3('bob', '/notls', p.port)), 'write', ctx);
    let n = 0;
    for await (const _ of box.messages()) n++;
    expect(n).toBe(26);
    // a message arrives and another client deletes the first one: numbers change, UIDLs do not
    const first = (await server.messages('bob', 'INBOX'))[0]!;
    await server.doveadm(['expunge', '-u', 'bob', 'mailbox', 'INBOX', 'uid', String(first.uid)]);
    p.dropAll();
    await new Promise((r) => setTimeout(r, 100));
    await box.store([3, 4], { add: { flags: ['\\Deleted'] } });
    expect(await box.expunge([3, 4])).toBe(2);
    await box.close();
    expect(p.connections).toBe(2);
    const ids = (await server.messages('bob', 'INBOX')).map((m) => m.messageId);
    const gone = [messages[2]!, messages[3]!].map((m) => /^message-id:\s*(.*)$/im.exec(m.text.toString('latin1'))![1]!.trim());
    expect(ids).toHaveLength(23);
    for (const id of gone) expect(ids).not.toContain(id);
  });
});
