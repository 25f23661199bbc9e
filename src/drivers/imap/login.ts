// Logging in, once the connection has its greeting, capabilities and TLS
// (naming.md 8.4, CLI.md). No login is ever sent over an unencrypted
// connection unless the name says /notls. The mechanism: SASL PLAIN over TLS
// (with an authorization identity for /authuser), CRAM-MD5 first when
// unencrypted (RFC 2195: the password never crosses the wire), SASL LOGIN,
// and the LOGIN command where no mechanism is offered; /anonymous uses
// AUTHENTICATE ANONYMOUS (RFC 4505) or LOGIN ANONYMOUS. imapflow does SASL
// LOGIN; PLAIN (with SASL-IR when offered, which imapflow does not use: one
// round trip less), CRAM-MD5, ANONYMOUS and the LOGIN command (an 8-bit
// password goes as a literal) go through exec().
import { createHmac } from 'node:crypto';
import os from 'node:os';
import { AuthFailed, TlsFailed } from '../../errors.js';
import type { RemoteRef } from '../../names/types.js';
import type { RemoteAccess } from '../../store/types.js';
import { astring } from './args.js';
import type { Login, MailsmithImapFlow, ParsedResponse } from './client.js';
import { refusal } from './refusal.js';
import type { ImapSession, Tagged } from './session.js';
import { text } from './values.js';

type Mechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'LOGIN-COMMAND';

export function loginFor(ref: RemoteRef, access: RemoteAccess, session: () => ImapSession): Login {
  return async (client) => {
    const s = session();
    if (ref.flags.anonymous) {
      check(await anonymous(s), s, 'anonymous');
      return undefined;
    }
    const secure = client.secureConnection;
    if (!secure && !ref.flags.notls) {
      throw new TlsFailed(
        `refusing to log in to ${s.where} without encryption: it does not offer STARTTLS ` +
          '(use /ssl for a TLS port, or add /notls to the name to allow an unencrypted login)',
      );
    }
    const user = ref.user ?? await access.user(ref);
    const authcid = ref.authuser ?? user;
    const mechanism = choose(s, ref, secure);
    const password = await access.password(ref, authcid);
    switch (mechanism) {
      case 'PLAIN':
        check(await plain(s, ref.authuser ? user : '', authcid, password), s, user);
        break;
      case 'LOGIN':
        await saslLogin(client, s, authcid, password, user);
        break;
      case 'CRAM-MD5':
        check(await cramMd5(s, authcid, password), s, user);
        break;
      case 'LOGIN-COMMAND':
        check(await s.command('LOGIN', [astring(user, true), astring(password, true)]), s, user);
        break;
    }
    return user;
  };
}

function check(r: Tagged, s: ImapSession, user: string): void {
  if (r.status === 'OK') return;
  const e = refusal(r, `can't log in to ${s.where} as ${user}`);
  throw e instanceof AuthFailed ? e : new AuthFailed(e.message);
}

/** The mechanism for this server and connection (see the module comment for the order). */
function choose(s: ImapSession, ref: RemoteRef, secure: boolean): Mechanism {
  const offered = (m: Mechanism): boolean => s.has(`AUTH=${m}`);
  if (ref.authuser) {
    if (offered('PLAIN')) return 'PLAIN';
    throw new AuthFailed(`can't do /authuser with ${s.where}: it offers no AUTH=PLAIN`);
  }
  if (ref.flags.secure && !secure) {
    if (offered('CRAM-MD5')) return 'CRAM-MD5';
    throw new AuthFailed(`can't do secure authentication with ${s.where}: unencrypted, and it offers no AUTH=CRAM-MD5`);
  }
  const order: Mechanism[] = secure ? ['PLAIN', 'LOGIN', 'CRAM-MD5'] : ['CRAM-MD5', 'PLAIN', 'LOGIN'];
  const m = order.find(offered);
  if (m) return m;
  if (!s.has('LOGINDISABLED')) return 'LOGIN-COMMAND';
  throw new AuthFailed(`${s.where} offers no way to log in that mailsmith knows (LOGINDISABLED, no AUTH=PLAIN, LOGIN or CRAM-MD5)`);
}

/** imapflow's AUTHENTICATE LOGIN; a refusal keeps the server's words. */
async function saslLogin(client: MailsmithImapFlow, s: ImapSession, authcid: string, password: string, user: string): Promise<void> {
  try {
    await client.run('AUTHENTICATE', authcid, { password, loginMethod: 'AUTH=LOGIN' });
  } catch (e) {
    const said = (e as { response?: unknown }).response;
    if (typeof said !== 'string') throw s.lost(e as Error);
    // imapflow gives the server's answer as the line it was: `TAG NO [CODE] text`
    throw new AuthFailed(`can't log in to ${s.where} as ${user}: ${said.replace(/^\S+ (NO|BAD) /i, '')}`);
  }
}

/** The base64 challenge of a continuation request. */
function challenge(r: ParsedResponse): Buffer {
  return Buffer.from(text(r.attributes?.[0]), 'base64');
}

/** Answers continuation requests; telemetry shows the answers as `<suppressed>`. */
function answer(s: ImapSession, line: string): void {
  s.client.log.debug({ src: 'c', msg: line });
  s.client.write(line);
}

/** SASL PLAIN (RFC 4616): authorization identity, authentication identity, password. */
function plain(s: ImapSession, authzid: string, authcid: string, password: string): Promise<Tagged> {
  const response = Buffer.from(`${authzid}\0${authcid}\0${password}`).toString('base64');
  const mechanism = { type: 'ATOM', value: 'PLAIN' } as const;
  if (s.has('SASL-IR')) return s.command('AUTHENTICATE', [mechanism, { type: 'ATOM', value: response, sensitive: true }]);
  let sent = false;
  return s.command('AUTHENTICATE', [mechanism], {
    onPlusTag: () => {
      answer(s, sent ? '*' : response);
      sent = true;
    },
  });
}

function cramMd5(s: ImapSession, user: string, password: string): Promise<Tagged> {
  return s.command('AUTHENTICATE', [{ type: 'ATOM', value: 'CRAM-MD5' }], {
    onPlusTag: (r) => {
      const digest = createHmac('md5', Buffer.from(password, 'utf8')).update(challenge(r)).digest('hex');
      answer(s, Buffer.from(`${user} ${digest}`).toString('base64'));
    },
  });
}

function anonymous(s: ImapSession): Promise<Tagged> {
  const trace = os.hostname();
  if (!s.has('AUTH=ANONYMOUS')) return s.command('LOGIN', [astring('ANONYMOUS'), astring(trace)]);
  let sent = false;
  return s.command('AUTHENTICATE', [{ type: 'ATOM', value: 'ANONYMOUS' }], {
    onPlusTag: () => {
      answer(s, sent ? '*' : Buffer.from(trace).toString('base64'));
      sent = true;
    },
  });
}
