// STARTTLS (RFC 3501 6.2.1): after the server's OK the same socket carries
// TLS; anything the server sent after its OK, before the handshake, is refused
// (it could only be injected by someone in the path).
import { TlsFailed } from '../../../errors.js';
import type { SocketReader } from '../../../remote/reader.js';
import { startTls, type SocketOptions } from '../../../remote/socket.js';
import type net from 'node:net';
import { ImapSession } from '../session.js';
import { capability } from './capability.js';

export async function starttls(s: ImapSession, socket: net.Socket, reader: SocketReader, options: SocketOptions): Promise<net.Socket> {
  const r = await s.command({ parts: ['STARTTLS'] });
  if (r.status !== 'OK') throw new TlsFailed(`${s.where} refused STARTTLS: ${ImapSession.say(r)}`);
  if (reader.detach()) throw new TlsFailed(`${s.where} sent data after its STARTTLS answer, before TLS began; refusing the connection`);
  const secure = await startTls(socket, options);
  reader.attach(secure);
  s.upgraded(secure);
  // what the server offered before TLS can not be trusted: ask again
  await capability(s);
  return secure;
}
