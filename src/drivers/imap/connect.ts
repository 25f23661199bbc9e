// Opening an IMAP connection the way the name asks (naming.md 8.4, CLI.md),
// with imapflow: implicit TLS with /ssl (port 993), else plain TCP (143)
// upgraded with STARTTLS whenever the server offers it and the name does not
// say /notls; /tls fails when STARTTLS is not offered. Certificates are
// checked unless /novalidate-cert; --ca-file adds trusted ones. login.ts
// logs in. imapflow is told to leave the session as c-client would have it:
// no COMPRESS, no ENABLE (IMAP4rev2 would drop \Recent, UTF8=ACCEPT would
// change how names are sent), no IDLE between commands.
import tls from 'node:tls';
import { MailsmithError, TlsFailed } from '../../errors.js';
import type { RemoteRef } from '../../names/types.js';
import { makeRemoteAccess } from '../../remote/credentials.js';
import { DEFAULT_TIMEOUT_MS, connectHost, describeConnectError, type SocketOptions } from '../../remote/socket.js';
import type { RemoteAccess, StoreContext } from '../../store/types.js';
import { MailsmithImapFlow } from './client.js';
import { loginFor } from './login.js';
import { ImapSession } from './session.js';
import { telemetryLogger } from './telemetry.js';

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
  if (ref.flags.tryssl && !ref.flags.ssl) {
    try {
      return await attempt(ref, access, { ...options, tls: true });
    } catch {
      // c-client's /tryssl: silently carry on without TLS
    }
  }
  return attempt(ref, access, options);
}

async function attempt(ref: RemoteRef, access: RemoteAccess, o: SocketOptions): Promise<ImapConnection> {
  const where = `${connectHost(o.host)}:${o.port}`;
  let session: ImapSession | undefined;
  const client: MailsmithImapFlow = new MailsmithImapFlow({
    host: connectHost(o.host),
    port: o.port,
    secure: o.tls,
    // /tls: STARTTLS or nothing; /notls: never; else whenever offered (login.ts refuses a plain login)
    doSTARTTLS: ref.flags.notls ? false : ref.flags.tls ? true : undefined,
    tls: {
      rejectUnauthorized: o.validate,
      ...(o.ca && o.ca.length > 0 ? { ca: [...tls.rootCertificates, ...o.ca.map((b) => b.toString('utf8'))] } : {}),
    },
    logger: access.debug ? telemetryLogger((line) => access.debug!(`imap ${where} ${line}`), (n) => client.literalMarker(n)) : false,
    connectionTimeout: o.timeoutMs,
    greetingTimeout: o.timeoutMs,
    socketTimeout: o.timeoutMs,
    disableCompression: true,
    disableAutoEnable: true,
    disableAutoIdle: true,
  }, loginFor(ref, access, () => session!));
  session = new ImapSession(client, where, o);
  try {
    await client.connect();
  } catch (e) {
    client.close();
    throw describeFailure(e as Error, where, o, session);
  }
  return { session, port: o.port, user: client.user, secure: client.secureConnection };
}

/** Why the connection could not be made, as one line. */
function describeFailure(e: Error, where: string, o: SocketOptions, session: ImapSession): Error {
  if (e instanceof MailsmithError) return e;
  const failure = e as Error & { code?: string; tlsFailed?: boolean };
  if (failure.tlsFailed && /does not support STARTTLS/.test(failure.message)) {
    return new TlsFailed(`${where} does not offer STARTTLS, which /tls requires`);
  }
  if (failure.code === 'GREETING_TIMEOUT' || failure.code === 'CONNECT_TIMEOUT') {
    return describeConnectError(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' }), o);
  }
  // before the connection was up, or in the STARTTLS handshake
  if (!session.client.connectedAt || failure.tlsFailed) return describeConnectError(failure, o);
  return session.lost(failure);
}
