// Opening an IMAP connection the way the name asks (naming.md 8.4, CLI.md):
// implicit TLS with /ssl (port 993), else plain TCP (143) upgraded with
// STARTTLS whenever the server offers it and the name does not say /notls;
// /tls fails when STARTTLS is not offered; and no login is ever sent over an
// unencrypted connection unless the name says /notls. Then the login: SASL
// PLAIN over TLS (with an authorization identity for /authuser), CRAM-MD5
// first when unencrypted (the password never crosses the wire), SASL LOGIN,
// and the LOGIN command where no mechanism is offered.
import os from 'node:os';
import { AuthFailed, ConnectionFailed, TlsFailed } from '../../errors.js';
import type { RemoteRef } from '../../names/types.js';
import { makeRemoteAccess } from '../../remote/credentials.js';
import { SocketReader } from '../../remote/reader.js';
import { DEFAULT_TIMEOUT_MS, connectHost, describeLostConnection, openSocket, type SocketOptions } from '../../remote/socket.js';
import type { RemoteAccess, StoreContext } from '../../store/types.js';
import { authenticate, type Mechanism } from './commands/authenticate.js';
import { capability } from './commands/capability.js';
import { login } from './commands/login.js';
import { starttls } from './commands/starttls.js';
import { ImapSession, type Tagged } from './session.js';
import { refusal } from './refusal.js';

export interface ImapConnection {
  readonly session: ImapSession;
  readonly port: number;
  /** Who logged in (undefined for /anonymous and PREAUTH). */
  readonly user?: string;
  /** TLS protects the connection. */
  readonly secure: boolean;
}

const IMAP_PORT = 143;
const IMAPS_PORT = 993;

/** The command's access to logins, or (outside a command) the environment and ~/.netrc only. */
export function accessOf(ctx: StoreContext): RemoteAccess {
  return ctx.remote ?? makeRemoteAccess({ prompt: false });
}

export async function connectImap(ref: RemoteRef, ctx: StoreContext): Promise<ImapConnection> {
  const access = accessOf(ctx);
  const port = ref.port ?? (ref.flags.ssl ? IMAPS_PORT : IMAP_PORT);
  const options: SocketOptions = {
    host: ref.host, port, tls: ref.flags.ssl, validate: !ref.flags.novalidateCert, ca: access.ca,
    timeoutMs: access.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  const { socket, secure: implicit } = await open(ref, options);
  const where = `${connectHost(ref.host)}:${port}`;
  const reader = new SocketReader(
    socket,
    () => new ConnectionFailed(`${where} closed the connection`),
    (e) => describeLostConnection(e, options),
  );
  const debug = access.debug ? (line: string) => access.debug!(`imap ${where} ${line}`) : undefined;
  const session = new ImapSession(socket, reader, where, debug, options.timeoutMs);
  try {
    const greeting = await session.readOne();
    if (greeting.kind !== 'status' || (greeting.status !== 'OK' && greeting.status !== 'PREAUTH')) {
      const said = greeting.kind === 'status' || greeting.kind === 'continuation' ? greeting.text : '';
      throw new ConnectionFailed(`${where} refused the connection${said ? `: ${said}` : ' (not an IMAP server?)'}`);
    }
    if (greeting.code?.name === 'CAPABILITY') session.capabilities = new Set(greeting.code.args.map((a) => String(a).toUpperCase()));
    session.start();
    if (session.capabilities.size === 0) await capability(session);
    let secure = implicit;
    if (!secure && !ref.flags.notls && greeting.status === 'OK') {
      if (session.has('STARTTLS')) {
        await starttls(session, socket, reader, options);
        secure = true;
      } else if (ref.flags.tls) {
        throw new TlsFailed(`${where} does not offer STARTTLS, which /tls requires`);
      }
    }
    const before = session.capabilities;
    const user = greeting.status === 'PREAUTH' ? undefined : await logIn(session, ref, access, secure);
    // servers offer more once logged in (UIDPLUS, MULTIAPPEND); ask unless the login's answer said
    if (session.capabilities === before) await capability(session);
    return { session, port, user, secure };
  } catch (e) {
    session.abort(e as Error);
    throw e;
  }
}

/** TLS from the first byte for /ssl; /tryssl tries that first and quietly falls back to plain TCP. */
async function open(ref: RemoteRef, options: SocketOptions): Promise<{ socket: import('node:net').Socket; secure: boolean }> {
  if (ref.flags.tryssl && !ref.flags.ssl) {
    try {
      return { socket: await openSocket({ ...options, tls: true }), secure: true };
    } catch {
      // c-client's /tryssl: silently carry on without TLS
    }
  }
  return { socket: await openSocket(options), secure: options.tls };
}

async function logIn(s: ImapSession, ref: RemoteRef, access: RemoteAccess, secure: boolean): Promise<string | undefined> {
  if (ref.flags.anonymous) {
    const trace = os.hostname();
    const r = s.has('AUTH=ANONYMOUS')
      ? await authenticate(s, 'ANONYMOUS', { authcid: '', authzid: '', password: '' }, trace)
      : await login(s, 'ANONYMOUS', trace);
    check(r, s, 'anonymous');
    return undefined;
  }
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
  const r = mechanism === 'LOGIN-COMMAND'
    ? await login(s, user, password)
    : await authenticate(s, mechanism, { authcid, authzid: ref.authuser ? user : '', password });
  check(r, s, user);
  return user;
}

function check(r: Tagged, s: ImapSession, user: string): void {
  if (r.status === 'OK') return;
  const e = refusal(r, `can't log in to ${s.where} as ${user}`);
  throw e instanceof AuthFailed ? e : new AuthFailed(e.message);
}

/** The mechanism for this server and connection (see the module comment for the order). */
function choose(s: ImapSession, ref: RemoteRef, secure: boolean): Mechanism | 'LOGIN-COMMAND' {
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
