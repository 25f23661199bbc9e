// One POP3 connection (RFC 1939): commands answered in order, one line
// (+OK/-ERR) or a multi-line block ending in CRLF.CRLF with dot-stuffing
// undone. With PIPELINING (RFC 2449) commands go out without waiting for the
// answers before them. Telemetry (-d) never shows USER, PASS or APOP
// arguments.
import type net from 'node:net';
import { ConnectionFailed } from '../../errors.js';
import type { SocketReader } from '../../remote/reader.js';

export interface Pop3Reply {
  readonly ok: boolean;
  /** The status line after +OK / -ERR. */
  readonly text: string;
  /** A multi-line answer's body, CRLF line ends, dot-stuffing removed. */
  readonly body?: Buffer;
}

export interface Pop3Command {
  readonly line: string;
  /** The answer is multi-line when it is +OK. */
  readonly multiline?: boolean;
  /** Telemetry shows only the verb. */
  readonly secret?: boolean;
}

const END = Buffer.from('\r\n.\r\n');
const EMPTY_END = Buffer.from('.\r\n');

export class Pop3Session {
  capabilities = new Set<string>();
  private writes: Promise<void> = Promise.resolve();
  private reads: Promise<unknown> = Promise.resolve();
  private failure: Error | undefined;

  constructor(
    private socket: net.Socket,
    private readonly reader: SocketReader,
    readonly where: string,
    private readonly debug: ((line: string) => void) | undefined,
    private readonly timeoutMs: number,
  ) {
    this.watch(socket);
  }

  private watch(socket: net.Socket): void {
    // a server that hangs up between commands (POP3's autologout) makes the session broken
    socket.once('close', () => {
      this.failure ??= new ConnectionFailed(`${this.where} closed the connection`);
    });
    socket.setTimeout(this.timeoutMs, () => {
      if (!this.reader.isPaused) this.abort(new ConnectionFailed(`no answer from ${this.where} for ${Math.round(this.timeoutMs / 1000)} s; gave up`));
    });
  }

  has(capability: string): boolean {
    return this.capabilities.has(capability.toUpperCase());
  }

  /** The greeting line. */
  async greeting(): Promise<Pop3Reply> {
    return this.readReply(false);
  }

  /**
   * Sends a command and reads its answer. With PIPELINING it is written at once; without,
   * after the answer to the command before it.
   */
  command(c: Pop3Command): Promise<Pop3Reply> {
    if (this.failure) return Promise.reject(this.failure);
    const previous = this.reads;
    const written = (this.writes = this.writes.then(async () => {
      if (!this.has('PIPELINING')) await previous.catch(() => undefined);
      this.write(c);
    }));
    const reply = Promise.all([written, previous.catch(() => undefined)]).then(() => this.readReply(c.multiline ?? false));
    this.reads = reply;
    return reply;
  }

  private write(c: Pop3Command): void {
    if (this.failure) throw this.failure;
    if (this.debug) this.debug(`C: ${c.secret ? `${c.line.split(' ')[0]} <suppressed>` : c.line}`);
    this.socket.write(`${c.line}\r\n`);
  }

  private async readReply(multiline: boolean): Promise<Pop3Reply> {
    const line = (await this.reader.line()).toString('utf8');
    if (this.debug) this.debug(`S: ${line}`);
    const ok = line.startsWith('+OK');
    if (!ok && !line.startsWith('-ERR')) throw new ConnectionFailed(`${this.where} answered what POP3 does not say: ${line.slice(0, 200)}`);
    const text = line.slice(ok ? 3 : 4).trim();
    if (!ok || !multiline) return { ok, text };
    const body = await this.block();
    if (this.debug) this.debug(`S: (${body.length} octets) .`);
    return { ok, text, body };
  }

  /** A multi-line block: up to CRLF.CRLF, with the final CRLF kept as the last line's end. */
  private async block(): Promise<Buffer> {
    if (await this.reader.startsWith(EMPTY_END)) {
      await this.reader.bytes(EMPTY_END.length);
      return Buffer.alloc(0);
    }
    const all = await this.reader.until(END);
    return unstuff(all.subarray(0, all.length - EMPTY_END.length));
  }

  /** Replaces the socket after STLS; the reader already reads from the new one. */
  upgraded(socket: net.Socket): void {
    this.socket = socket;
    this.watch(socket);
  }

  abort(error: Error): void {
    this.failure ??= error;
    this.reader.fail(this.failure);
    this.socket.destroy();
  }

  get broken(): Error | undefined {
    return this.failure;
  }
}

/** Undoes dot-stuffing: a line starting with "." lost that dot. */
function unstuff(b: Buffer): Buffer {
  const parts: Buffer[] = [];
  let from = 0;
  if (b[0] === 0x2e) from = 1;
  for (let at = b.indexOf('\r\n.', from); at >= 0; at = b.indexOf('\r\n.', at + 2)) {
    parts.push(b.subarray(from, at + 2));
    from = at + 3;
  }
  if (from === 0) return b;
  parts.push(b.subarray(from));
  return Buffer.concat(parts);
}
