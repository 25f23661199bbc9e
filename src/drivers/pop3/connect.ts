// Opening a POP3 maildrop the way the name asks: implicit TLS with /ssl (port
// 995), else plain TCP (110) upgraded with STLS whenever the server offers it
// and the name does not say /notls; /tls fails when STLS is not offered; no
// login over an unencrypted connection unless the name says /notls. APOP when
// the greeting offers it (the password never crosses the wire), else USER
// and PASS.
import { AuthFailed, ConnectionFailed, TlsFailed } from '../../errors.js';
import type { RemoteRef } from '../../names/types.js';
import { makeRemoteAccess } from '../../remote/credentials.js';
import { SocketReader } from '../../remote/reader.js';
import { DEFAULT_TIMEOUT_MS, connectHost, describeLostConnection, openSocket, type SocketOptions } from '../../remote/socket.js';
import type { StoreContext } from '../../store/types.js';
import { apop } from './commands/apop.js';
import { capa } from './commands/capa.js';
import { stls } from './commands/stls.js';
import { userPass } from './commands/user.js';
import { Pop3Session } from './session.js';

const POP3_PORT = 110;
const POP3S_PORT = 995;

export async function connectPop3(ref: RemoteRef, ctx: StoreContext): Promise<Pop3Session> {
  const access = ctx.remote ?? makeRemoteAccess({ prompt: false });
  if (ref.flags.anonymous) throw new AuthFailed(`POP3 has no anonymous login: ${ref.name}`);
  if (ref.authuser) throw new AuthFailed(`can't do /authuser with POP3 (USER/PASS and APOP log in as one user): ${ref.name}`);
  const port = ref.port ?? (ref.flags.ssl ? POP3S_PORT : POP3_PORT);
  const options: SocketOptions = {
    host: ref.host, port, tls: ref.flags.ssl, validate: !ref.flags.novalidateCert, ca: access.ca,
    timeoutMs: access.timeoutMs ?? DEFAULT_TIMEOUT_MS,
  };
  let secure = options.tls;
  let socket;
  if (ref.flags.tryssl && !secure) {
    socket = await openSocket({ ...options, tls: true }).catch(() => undefined);
    if (socket) secure = true;
  }
  socket ??= await openSocket(options);
  const where = `${connectHost(ref.host)}:${port}`;
  const reader = new SocketReader(socket, () => new ConnectionFailed(`${where} closed the connection`), (e) => describeLostConnection(e, options));
  const debug = access.debug ? (line: string) => access.debug!(`pop3 ${where} ${line}`) : undefined;
  const s = new Pop3Session(socket, reader, where, debug, options.timeoutMs);
  try {
    const greeting = await s.greeting();
    if (!greeting.ok) throw new ConnectionFailed(`${where} refused the connection: ${greeting.text}`);
    await capa(s);
    if (!secure && !ref.flags.notls) {
      if (s.has('STLS')) {
        await stls(s, socket, reader, options);
        secure = true;
      } else if (ref.flags.tls) {
        throw new TlsFailed(`${where} does not offer STLS, which /tls requires`);
      } else {
        throw new TlsFailed(
          `refusing to log in to ${where} without encryption: it does not offer STLS ` +
            '(use /ssl for a TLS port, or add /notls to the name to allow an unencrypted login)',
        );
      }
    }
    const user = ref.user ?? await access.user(ref);
    const password = await access.password(ref, user);
    const timestamp = /<[^<>@\s]*@[^<>\s]*>/.exec(greeting.text)?.[0];
    const r = timestamp ? await apop(s, user, password, timestamp) : await userPass(s, user, password);
    if (!r.ok) throw new AuthFailed(`can't log in to ${where} as ${user}: ${r.text}`);
    // what a logged-in session may do (PIPELINING, UIDL) can differ from before
    await capa(s);
    return s;
  } catch (e) {
    s.abort(e as Error);
    throw e;
  }
}
