// A TCP proxy between mailsmith and the test Dovecot that can make the real
// server look like another one, or fail: it hides capabilities (AUTH=
// mechanisms, STARTTLS, UIDPLUS, MULTIAPPEND, LITERAL+; POP3's STLS,
// PIPELINING and APOP timestamp), cuts the connection after so many bytes,
// and can hold a client command until the test has looked at something.
// Only plain-text connections can be rewritten (use /notls through it).
import net from 'node:net';

export interface ProxyOptions {
  readonly protocol: 'imap' | 'pop3';
  /** Capabilities the client must not see (IMAP tokens such as AUTH=PLAIN; POP3 CAPA words such as STLS). */
  readonly hide?: readonly string[];
  /** POP3: drop the APOP timestamp from the greeting. */
  readonly hideApop?: boolean;
  /** Close the first connection once this many bytes went this way (later connections pass). */
  readonly cut?: { readonly direction: 'to-server' | 'to-client'; readonly bytes: number };
  /** POP3: each client command waits for this before it goes on to the server. */
  readonly onCommand?: (line: string) => Promise<void> | void;
}

export class LineProxy {
  /** Connections accepted so far. */
  connections = 0;
  /** Whether the cut happened. */
  cutDone = false;
  /** Client command lines seen (POP3 with onCommand). */
  readonly commands: string[] = [];

  private readonly open = new Set<net.Socket>();

  private constructor(private readonly server: net.Server, readonly port: number) {}

  /** Closes every connection now, as a server that logs idle clients out does. */
  dropAll(): void {
    for (const s of this.open) s.destroy();
  }

  static async start(upstreamPort: number, options: ProxyOptions, host = '127.0.0.1'): Promise<LineProxy> {
    let proxy: LineProxy | undefined;
    const server = net.createServer((client) => proxy!.handle(client, upstreamPort, host, options));
    await new Promise<void>((resolve) => server.listen(0, host, resolve));
    proxy = new LineProxy(server, (server.address() as net.AddressInfo).port);
    return proxy;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handle(client: net.Socket, port: number, host: string, o: ProxyOptions): void {
    this.connections++;
    const upstream = net.connect(port, host);
    this.open.add(client);
    client.on('close', () => this.open.delete(client));
    const cutting = o.cut && !this.cutDone ? { ...o.cut, seen: 0 } : undefined;
    const kill = (): void => {
      this.cutDone = true;
      client.destroy();
      upstream.destroy();
    };
    const count = (direction: 'to-server' | 'to-client', n: number): boolean => {
      if (!cutting || cutting.direction !== direction) return false;
      cutting.seen += n;
      if (cutting.seen < cutting.bytes) return false;
      kill();
      return true;
    };
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());

    // client -> server: raw, or line by line when commands are to be held
    let held: Promise<void> = Promise.resolve();
    let pending = Buffer.alloc(0);
    client.on('data', (chunk: Buffer) => {
      if (!o.onCommand) {
        if (!count('to-server', chunk.length)) upstream.write(chunk);
        return;
      }
      pending = Buffer.concat([pending, chunk]);
      for (let lf = pending.indexOf(10); lf >= 0; lf = pending.indexOf(10)) {
        const line = pending.subarray(0, lf + 1);
        pending = pending.subarray(lf + 1);
        const text = line.toString('utf8').trimEnd();
        this.commands.push(text);
        held = held.then(async () => {
          await o.onCommand!(text);
          if (!count('to-server', line.length)) upstream.write(line);
        });
      }
    });

    // server -> client: lines rewritten, IMAP literals passed as they are
    let buf = Buffer.alloc(0);
    let literal = 0;
    let greeted = false;
    upstream.on('data', (chunk: Buffer) => {
      if (count('to-client', chunk.length)) return;
      buf = Buffer.concat([buf, chunk]);
      const out: Buffer[] = [];
      for (;;) {
        if (literal > 0) {
          const n = Math.min(literal, buf.length);
          out.push(buf.subarray(0, n));
          buf = buf.subarray(n);
          literal -= n;
          if (literal > 0) break;
        }
        const lf = buf.indexOf(10);
        if (lf < 0) break;
        const line = buf.subarray(0, lf + 1).toString('latin1');
        buf = buf.subarray(lf + 1);
        const rewritten = o.protocol === 'imap' ? rewriteImap(line, o) : rewritePop3(line, o, !greeted);
        greeted = true;
        if (rewritten !== undefined) out.push(Buffer.from(rewritten, 'latin1'));
        const m = o.protocol === 'imap' ? /\{(\d+)\+?\}\r?\n$/.exec(line) : null;
        if (m) literal = Number(m[1]);
      }
      if (out.length > 0) client.write(Buffer.concat(out));
    });
  }
}

/** Drops hidden capabilities from CAPABILITY lists (untagged, and in [CAPABILITY ...] codes). */
function rewriteImap(line: string, o: ProxyOptions): string {
  if (!o.hide?.length || !/CAPABILITY/i.test(line)) return line;
  const hidden = new Set(o.hide.map((h) => h.toUpperCase()));
  return line.replace(/(CAPABILITY )([^\]\r\n]*)/i, (_all, head: string, list: string) =>
    head + list.split(' ').filter((c) => !hidden.has(c.toUpperCase())).join(' '));
}

/** Drops hidden CAPA lines and (if asked) the greeting's APOP timestamp; undefined drops the line. */
function rewritePop3(line: string, o: ProxyOptions, greeting: boolean): string | undefined {
  if (greeting) return o.hideApop ? line.replace(/\s*<[^>]*>/, '') : line;
  const word = line.trim().split(/\s+/)[0]?.toUpperCase();
  if (word && o.hide?.some((h) => h.toUpperCase() === word) && line.trim().split(/\s+/).length <= 3) return undefined;
  return line;
}
