// One IMAP connection: tags, pipelined commands, literals (non-synchronizing
// with LITERAL+, else sent after the server's "+"), and the reading loop that
// hands every response to the command it belongs to. Untagged data goes to
// the oldest command still waiting that asked for it, so pipelined FETCH or
// APPEND batches each get their own answers. A slow consumer of FETCH data
// holds the loop, which stops reading the socket (SocketReader's flow control).
// Telemetry (-d) never shows the arguments of LOGIN or AUTHENTICATE, nor the
// lines of an authentication exchange.
import type net from 'node:net';
import { ConnectionFailed } from '../../errors.js';
import type { SocketReader } from '../../remote/reader.js';
import { literalAtEnd, parseResponse, type ImapResponse, type ImapStatus, type ResponseCode } from './parser.js';

export interface Literal {
  readonly literal: Buffer;
}

/** A command's words after the tag, joined by single spaces; literals are sent as literals. */
export type Part = string | Literal;

export type Tagged = Extract<ImapResponse, { kind: 'tagged' }>;
export type Untagged = Extract<ImapResponse, { kind: 'data' | 'status' }>;

export interface CommandSpec {
  readonly parts: readonly Part[];
  /** Untagged responses while this command is the oldest one that asked for them. */
  readonly onUntagged?: (r: Untagged) => void | Promise<void>;
  /**
   * An authentication exchange: telemetry shows only the first `shown` words (default 1:
   * the verb) and no continuation lines either way.
   */
  readonly secret?: boolean;
  readonly shown?: number;
  /** AUTHENTICATE: the line answering a continuation request (given its base64 text). */
  readonly onContinue?: (challenge: string) => string;
}

interface Pending {
  readonly tag: string;
  readonly spec: CommandSpec;
  readonly resolve: (r: Tagged) => void;
  readonly reject: (e: Error) => void;
}

const SEPARATE_WRITE = 64 << 10;

export class ImapSession {
  capabilities = new Set<string>();
  /** Messages in the selected mailbox, as the last EXISTS and EXPUNGE responses say. */
  exists = 0;
  /** The text of a BYE the server sent before closing. */
  private bye: string | undefined;
  private counter = 0;
  private readonly pending: Pending[] = [];
  private writeChain: Promise<void> = Promise.resolve();
  private continuation: ((ok: boolean) => void) | undefined;
  private failure: Error | undefined;
  private handlerBusy = false;
  private loopStarted = false;
  private closed = false;

  constructor(
    private socket: net.Socket,
    private readonly reader: SocketReader,
    /** HOST:PORT, for messages. */
    readonly where: string,
    private readonly debug: ((line: string) => void) | undefined,
    private readonly timeoutMs: number,
  ) {
    this.watch(socket);
  }

  private watch(socket: net.Socket): void {
    socket.setTimeout(this.timeoutMs, () => {
      // silence only counts while an answer is due and we are not the ones holding it up
      if (this.pending.length > 0 && !this.handlerBusy && !this.reader.isPaused) {
        this.abort(new ConnectionFailed(`no answer from ${this.where} for ${Math.round(this.timeoutMs / 1000)} s; gave up`));
      }
    });
  }

  /** Reads one response (line, literals) without the loop: the greeting, STARTTLS. */
  async readOne(): Promise<ImapResponse> {
    const { line, literals } = await this.readRaw();
    return parseResponse(line, literals);
  }

  private async readRaw(): Promise<{ line: string; literals: Buffer[] }> {
    let segment = (await this.reader.line()).toString('latin1');
    let line = segment;
    const literals: Buffer[] = [];
    let secret = false;
    if (this.debug) {
      secret = segment.startsWith('+') && this.pending.some((p) => p.spec.secret);
      this.debug(`S: ${secret ? '+ <suppressed>' : segment}`);
    }
    for (let n = literalAtEnd(segment); n !== undefined; n = literalAtEnd(segment)) {
      literals.push(await this.reader.bytes(n));
      segment = (await this.reader.line()).toString('latin1');
      line += segment;
      if (this.debug) this.debug(`S: (${n} octets) ${segment}`);
    }
    return { line, literals };
  }

  /** Starts dispatching responses to commands (after the greeting and any STARTTLS). */
  start(): void {
    if (this.loopStarted) return;
    this.loopStarted = true;
    void this.loop();
  }

  private async loop(): Promise<void> {
    try {
      for (;;) {
        const { line, literals } = await this.readRaw();
        await this.dispatch(parseResponse(line, literals));
      }
    } catch (e) {
      this.abort(this.closed ? new ConnectionFailed(`connection to ${this.where} closed`) : this.lost(e as Error));
    }
  }

  /** What a dead connection means for the commands still waiting. */
  private lost(e: Error): Error {
    if (this.bye !== undefined && e instanceof ConnectionFailed) {
      return new ConnectionFailed(`${this.where} closed the connection: ${this.bye}`);
    }
    return e;
  }

  private async dispatch(r: ImapResponse): Promise<void> {
    switch (r.kind) {
      case 'continuation': {
        const waiting = this.continuation;
        if (waiting) {
          this.continuation = undefined;
          waiting(true);
          return;
        }
        const auth = this.pending.find((p) => p.spec.onContinue);
        if (auth) this.writeLine(auth.spec.onContinue!(r.text), true);
        return;
      }
      case 'tagged': {
        const i = this.pending.findIndex((p) => p.tag === r.tag);
        if (i < 0) return;
        const [p] = this.pending.splice(i, 1);
        this.noteCode(r.code);
        if (this.continuation && this.writingTag === r.tag) {
          const waiting = this.continuation;
          this.continuation = undefined;
          waiting(false);
        }
        p!.resolve(r);
        return;
      }
      default: {
        if (r.kind === 'status') {
          if (r.status === 'BYE') this.bye = r.text;
          this.noteCode(r.code);
        } else if (r.name === 'CAPABILITY') {
          this.capabilities = new Set(r.values.map((v) => String(v).toUpperCase()));
        } else if (r.name === 'EXISTS' && r.number !== undefined) {
          this.exists = r.number;
        } else if (r.name === 'EXPUNGE') {
          this.exists = Math.max(0, this.exists - 1);
        }
        const owner = this.pending.find((p) => p.spec.onUntagged);
        if (!owner) return;
        const done = owner.spec.onUntagged!(r);
        if (done) {
          this.handlerBusy = true;
          try {
            await done;
          } finally {
            this.handlerBusy = false;
          }
        }
      }
    }
  }

  private noteCode(code: ResponseCode | undefined): void {
    if (code?.name === 'CAPABILITY') this.capabilities = new Set(code.args.map((v) => String(v).toUpperCase()));
  }

  has(capability: string): boolean {
    return this.capabilities.has(capability.toUpperCase());
  }

  /** Sends a command (after every command sent before it) and resolves with its tagged response. */
  command(spec: CommandSpec): Promise<Tagged> {
    if (this.failure) return Promise.reject(this.failure);
    const tag = `m${++this.counter}`;
    return new Promise<Tagged>((resolve, reject) => {
      const p: Pending = { tag, spec, resolve, reject };
      this.pending.push(p);
      this.writeChain = this.writeChain.then(() => this.write(p)).catch((e: Error) => this.abort(e));
    });
  }

  private writingTag: string | undefined;

  private async write(p: Pending): Promise<void> {
    if (this.failure) return;
    this.writingTag = p.tag;
    if (this.debug) this.debug(`C: ${p.spec.secret ? secretLine(p) : abbreviated(this.shown(p))}`);
    let text = `${p.tag}`;
    const out: Buffer[] = [];
    const flushText = (): void => {
      if (text) out.push(Buffer.from(text, 'utf8'));
      text = '';
    };
    for (const part of p.spec.parts) {
      if (typeof part === 'string') {
        text += ` ${part}`;
        continue;
      }
      const plus = this.nonSynchronizing(part.literal.length);
      text += ` {${part.literal.length}${plus ? '+' : ''}}\r\n`;
      flushText();
      if (!plus) {
        await this.send(out.splice(0));
        if (!(await this.waitContinuation())) return;
      }
      out.push(part.literal);
    }
    text += '\r\n';
    flushText();
    await this.send(out);
    this.writingTag = undefined;
  }

  /** LITERAL+ (any size) or LITERAL- (up to 4096 octets): the literal goes out without waiting for "+". */
  private nonSynchronizing(n: number): boolean {
    return this.has('LITERAL+') || (this.has('LITERAL-') && n <= 4096);
  }

  /** The command as telemetry shows it: literals by their marker and size. */
  private shown(p: Pending): string {
    const words = p.spec.parts.map((x) => {
      if (typeof x === 'string') return x;
      const n = x.literal.length;
      return `{${n}${this.nonSynchronizing(n) ? '+' : ''}} (${n} octets)`;
    });
    return `${p.tag} ${words.join(' ')}`;
  }

  private waitContinuation(): Promise<boolean> {
    return new Promise((resolve) => {
      this.continuation = resolve;
    });
  }

  private writeLine(line: string, secret: boolean): void {
    if (this.debug) this.debug(`C: ${secret ? '<suppressed>' : line}`);
    this.socket.write(`${line}\r\n`);
  }

  /** Writes the buffers, small ones joined, waiting for the socket to drain when it asks. */
  private async send(buffers: Buffer[]): Promise<void> {
    let small: Buffer[] = [];
    let smallBytes = 0;
    const flush = async (): Promise<void> => {
      if (small.length === 0) return;
      const b = small.length === 1 ? small[0]! : Buffer.concat(small, smallBytes);
      small = [];
      smallBytes = 0;
      await this.writeBuffer(b);
    };
    for (const b of buffers) {
      if (b.length >= SEPARATE_WRITE) {
        await flush();
        await this.writeBuffer(b);
      } else {
        small.push(b);
        smallBytes += b.length;
        if (smallBytes >= SEPARATE_WRITE) await flush();
      }
    }
    await flush();
  }

  private writeBuffer(b: Buffer): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.socket.write(b)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const onDrain = (): void => {
        this.socket.off('close', onClose);
        resolve();
      };
      const onClose = (): void => {
        this.socket.off('drain', onDrain);
        reject(this.failure ?? new ConnectionFailed(`connection to ${this.where} lost`));
      };
      this.socket.once('drain', onDrain);
      this.socket.once('close', onClose);
    });
  }

  /** Replaces the socket after STARTTLS; the reader already reads from the new one. */
  upgraded(socket: net.Socket): void {
    this.socket = socket;
    this.watch(socket);
  }

  /** Ends the connection: every waiting command fails with `error`. */
  abort(error: Error): void {
    if (!this.failure) this.failure = error;
    this.reader.fail(this.failure);
    for (const p of this.pending.splice(0)) p.reject(this.failure);
    const waiting = this.continuation;
    this.continuation = undefined;
    waiting?.(false);
    this.socket.destroy();
  }

  /** Closes the socket after LOGOUT (or without it): later commands fail, quietly. */
  close(): void {
    this.closed = true;
    this.abort(new ConnectionFailed(`connection to ${this.where} closed`));
  }

  get broken(): Error | undefined {
    return this.failure;
  }

  /** The status of a tagged response with its text, as the server said it. */
  static say(r: { status: ImapStatus; code?: ResponseCode; text: string }): string {
    return `${r.code ? `[${r.code.name}${r.code.args.length ? ` ${r.code.args.map(String).join(' ')}` : ''}] ` : ''}${r.text}`.trim();
  }
}

/** A LOGIN or AUTHENTICATE as telemetry shows it: the verb (and mechanism), nothing else. */
function secretLine(p: Pending): string {
  const shown = p.spec.shown ?? 1;
  return `${p.tag} ${p.spec.parts.slice(0, shown).map(String).join(' ')}${p.spec.parts.length > shown ? ' <suppressed>' : ''}`;
}

/** A long command (a MULTIAPPEND) is shown by its start and its length. */
function abbreviated(line: string): string {
  return line.length > 2000 ? `${line.slice(0, 2000)} ... (${line.length} characters)` : line;
}
