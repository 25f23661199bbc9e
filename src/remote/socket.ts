// TCP and TLS connections to mail servers, with one-line errors that say what
// went wrong and what to do about it. Certificates are validated unless the
// name says /novalidate-cert; --ca-file adds trusted certificates to the
// system's.
import net from 'node:net';
import tls from 'node:tls';
import { ConnectionFailed, TlsFailed } from '../errors.js';

/** How long a connection may stay silent before mailsmith gives up on it. */
export const DEFAULT_TIMEOUT_MS = 120_000;

export interface SocketOptions {
  /** The host as the name gives it (an address literal may be in brackets). */
  readonly host: string;
  readonly port: number;
  /** Implicit TLS from the first byte (/ssl). */
  readonly tls: boolean;
  /** Check the certificate (not /novalidate-cert). */
  readonly validate: boolean;
  readonly ca?: readonly Buffer[];
  readonly timeoutMs: number;
}

/** The host to connect to: an address literal without its brackets. */
export function connectHost(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function where(o: SocketOptions): string {
  return `${connectHost(o.host)}:${o.port}`;
}

function tlsOptions(o: SocketOptions): tls.ConnectionOptions {
  const host = connectHost(o.host);
  return {
    host,
    port: o.port,
    // SNI takes host names only; an address is checked against the certificate's IP entries
    ...(net.isIP(host) ? {} : { servername: host }),
    rejectUnauthorized: o.validate,
    ...(o.ca && o.ca.length > 0 ? { ca: [...tls.rootCertificates, ...o.ca.map((b) => b.toString('utf8'))] } : {}),
  };
}

/** Connects (with TLS from the first byte when o.tls); the socket is ready to read the greeting. */
export function openSocket(o: SocketOptions): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket: net.Socket = o.tls
      ? tls.connect(tlsOptions(o))
      : net.connect({ host: connectHost(o.host), port: o.port });
    const fail = (e: Error): void => {
      socket.destroy();
      reject(describeConnectError(e, o));
    };
    socket.setTimeout(o.timeoutMs, () => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', fail);
    socket.once(o.tls ? 'secureConnect' : 'connect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      socket.setNoDelay(true);
      resolve(socket);
    });
  });
}

/** Starts TLS on a connected socket (STARTTLS, STLS). */
export function startTls(plain: net.Socket, o: SocketOptions): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({ ...tlsOptions(o), socket: plain });
    const fail = (e: Error): void => {
      socket.destroy();
      reject(describeConnectError(e, o));
    };
    socket.setTimeout(o.timeoutMs, () => fail(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })));
    socket.once('error', fail);
    socket.once('secureConnect', () => {
      socket.off('error', fail);
      socket.setTimeout(0);
      resolve(socket);
    });
  });
}

const CERT_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_UNTRUSTED', 'CERT_REVOKED', 'INVALID_CA',
]);

const NET_TEXT: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  ETIMEDOUT: 'timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ECONNRESET: 'connection reset by the server',
  EPIPE: 'connection closed by the server',
};

/** A connection that worked and then broke, as one line. */
export function describeLostConnection(e: Error, o: SocketOptions): Error {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (CERT_CODES.has(code) || code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS')) return describeConnectError(e, o);
  return new ConnectionFailed(`lost the connection to ${where(o)}: ${NET_TEXT[code] ?? e.message}`);
}

/** A connection or handshake error as one line naming the server, the reason and the way out. */
export function describeConnectError(e: Error, o: SocketOptions): Error {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (CERT_CODES.has(code)) {
    const reason = e.message.replace(/^Hostname\/IP does not match certificate's altnames: /, 'name does not match: ');
    return new TlsFailed(
      `certificate of ${where(o)} not trusted: ${reason} (trust it with --ca-file FILE, or add /novalidate-cert to the name)`,
    );
  }
  if (code.startsWith('ERR_SSL') || code.startsWith('ERR_TLS') || /SSL|TLS/i.test(e.message)) {
    return new TlsFailed(`TLS with ${where(o)} failed: ${e.message}${o.tls ? ' (is it a TLS port? /ssl means TLS from the first byte)' : ''}`);
  }
  return new ConnectionFailed(`can't connect to ${where(o)}: ${NET_TEXT[code] ?? e.message}`);
}
