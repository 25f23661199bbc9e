// How the imap driver connects and logs in, against a real Dovecot (and a
// proxy that hides what the test wants the server not to offer): implicit TLS
// and STARTTLS with certificate validation, /novalidate-cert, extra trusted
// certificates; /tls without STARTTLS; no login over an unencrypted
// connection unless /notls; AUTHENTICATE PLAIN, LOGIN and CRAM-MD5 and the
// LOGIN command, with passwords that need quoting or a literal; telemetry that
// never shows a password; one-line errors for a refused connection and a
// wrong password.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailed, ConnectionFailed, TlsFailed } from '../../../src/errors.js';
import { remoteStatus } from '../../../src/store/index.js';
import { Dovecot } from '../../helpers/dovecot.js';
import { LineProxy } from '../../helpers/line-proxy.js';
import { remote, remoteContext, type RemoteContextOptions } from '../../helpers/remote.js';

let server: Dovecot;
let cert: Buffer;
const proxies: LineProxy[] = [];

beforeAll(async () => {
  server = await Dovecot.start();
  cert = fs.readFileSync(server.info.certPath);
});

afterAll(async () => {
  for (const p of proxies) await p.close();
  await server?.stop();
});

async function hiding(...hide: string[]): Promise<LineProxy> {
  const p = await LineProxy.start(server.info.imapPort, { protocol: 'imap', hide });
  proxies.push(p);
  return p;
}

/** Checks INBOX over the name; returns the telemetry. */
async function login(name: string, options: RemoteContextOptions = {}): Promise<string[]> {
  const rec = remoteContext(server, options);
  await remoteStatus(remote(name), rec.ctx);
  return rec.telemetry;
}

function secretsIn(telemetry: readonly string[], user: string, password: string): string[] {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  const secrets = [password, b64(password), b64(`\0${user}\0${password}`), b64(user)];
  return telemetry.filter((l) => secrets.some((s) => l.includes(s)));
}

describe('TLS', () => {
  it('/ssl checks the certificate: refused when self-signed, accepted with --ca-file or /novalidate-cert', async () => {
    const err = await login(server.imap('alice', 'INBOX', '/ssl')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TlsFailed);
    expect((err as Error).message).toBe(
      `certificate of 127.0.0.1:${server.info.imapsPort} not trusted: self-signed certificate (trust it with --ca-file FILE, or add /novalidate-cert to the name)`,
    );
    await login(server.imap('alice', 'INBOX', '/ssl'), { ca: [cert] });
    await login(server.imap('alice', 'INBOX', '/ssl/novalidate-cert'));
  });

  it('upgrades with STARTTLS whenever offered (certificate checked), then logs in with PLAIN', async () => {
    const t = await login(server.imap('alice', 'INBOX', ''), { ca: [cert] });
    expect(t.some((l) => / C: [0-9A-F]+ STARTTLS$/.test(l))).toBe(true);
    expect(t.some((l) => / C: [0-9A-F]+ AUTHENTICATE PLAIN <suppressed>$/.test(l))).toBe(true);
    await expect(login(server.imap('alice', 'INBOX', ''))).rejects.toBeInstanceOf(TlsFailed);
    await login(server.imap('alice', 'INBOX', '/tls/novalidate-cert'));
  });

  it('/tls fails when the server offers no STARTTLS, and no login goes out unencrypted without /notls', async () => {
    const p = await hiding('STARTTLS');
    const tls = await login(server.imap('alice', 'INBOX', '/tls', p.port)).catch((e: unknown) => e);
    expect(tls).toBeInstanceOf(TlsFailed);
    expect((tls as Error).message).toBe(`127.0.0.1:${p.port} does not offer STARTTLS, which /tls requires`);
    const rec = remoteContext(server);
    const plain = await remoteStatus(remote(server.imap('alice', 'INBOX', '', p.port)), rec.ctx).catch((e: unknown) => e);
    expect(plain).toBeInstanceOf(TlsFailed);
    expect((plain as Error).message).toMatch(/^refusing to log in to 127\.0\.0\.1:\d+ without encryption/);
    expect(rec.telemetry.some((l) => / C: [0-9A-F]+ (AUTHENTICATE|LOGIN)/.test(l))).toBe(false);
    await login(server.imap('alice', 'INBOX', '/notls', p.port));
  });
});

describe('logging in', () => {
  it('prefers CRAM-MD5 unencrypted: the password never crosses the wire', async () => {
    const t = await login(server.imap('alice', 'INBOX'));
    expect(t.some((l) => / C: [0-9A-F]+ AUTHENTICATE CRAM-MD5$/.test(l))).toBe(true);
    expect(t.filter((l) => / S: \+ /.test(l)).every((l) => l.endsWith('S: + <suppressed>'))).toBe(true);
    expect(secretsIn(t, 'alice', 'alice-pw')).toEqual([]);
  });

  it('uses AUTHENTICATE PLAIN, AUTHENTICATE LOGIN, and the LOGIN command where nothing else is offered', async () => {
    const cases: [string[], RegExp][] = [
      [['AUTH=CRAM-MD5'], / C: [0-9A-F]+ AUTHENTICATE PLAIN <suppressed>$/],
      [['AUTH=CRAM-MD5', 'AUTH=PLAIN'], / C: [0-9A-F]+ AUTHENTICATE LOGIN$/],
      [['AUTH=CRAM-MD5', 'AUTH=PLAIN', 'AUTH=LOGIN'], / C: [0-9A-F]+ LOGIN <suppressed>$/],
    ];
    for (const [hide, expected] of cases) {
      const p = await hiding(...hide);
      // carol's password is UTF-8 (a literal for LOGIN); dave's has a space, a quote and a backslash
      for (const user of ['carol', 'dave']) {
        const t = await login(server.imap(user, 'INBOX', '/notls', p.port));
        expect(t.some((l) => expected.test(l)), `${hide.join(' ')} ${user}`).toBe(true);
        expect(secretsIn(t, user, server.user(user).password)).toEqual([]);
      }
    }
  });

  it('/authuser needs AUTH=PLAIN', async () => {
    const p = await hiding('AUTH=PLAIN');
    const err = await login(`{127.0.0.1:${p.port}/imap/notls/user=alice/authuser=bob}INBOX`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailed);
    expect((err as Error).message).toBe(`can't do /authuser with 127.0.0.1:${p.port}: it offers no AUTH=PLAIN`);
  });

  it('a wrong password is one line with the server\'s words', async () => {
    const err = await login(server.imap('alice', 'INBOX'), { password: 'not-it' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthFailed);
    expect((err as Error).message).toBe(`can't log in to 127.0.0.1:${server.info.imapPort} as alice: [AUTHENTICATIONFAILED] Authentication failed.`);
  });

  it('a refused connection is one line', async () => {
    const p = await LineProxy.start(server.info.imapPort, { protocol: 'imap' });
    const port = p.port;
    await p.close();
    const err = await login(server.imap('alice', 'INBOX', '/notls', port)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionFailed);
    expect((err as Error).message).toBe(`can't connect to 127.0.0.1:${port}: connection refused`);
  });
});
