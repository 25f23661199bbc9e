// STLS (RFC 2595): TLS on the same connection; bytes the server sent after its
// +OK, before the handshake, are refused (only someone in the path sends them).
import type net from 'node:net';
import { TlsFailed } from '../../../errors.js';
import type { SocketReader } from '../../../remote/reader.js';
import { startTls, type SocketOptions } from '../../../remote/socket.js';
import type { Pop3Session } from '../session.js';
import { capa } from './capa.js';

export async function stls(s: Pop3Session, socket: net.Socket, reader: SocketReader, options: SocketOptions): Promise<void> {
  const r = await s.command({ line: 'STLS' });
  if (!r.ok) throw new TlsFailed(`${s.where} refused STLS: ${r.text}`);
  if (reader.detach()) throw new TlsFailed(`${s.where} sent data after its STLS answer, before TLS began; refusing the connection`);
  const secure = await startTls(socket, options);
  reader.attach(secure);
  s.upgraded(secure);
  // what the server offered before TLS can not be trusted: ask again
  await capa(s);
}
