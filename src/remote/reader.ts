// Reading a server's bytes as lines and counted blocks (POP3 multi-line
// answers), with flow control: when more than a few MB wait
// unread, the socket is paused and the server is slowed down by TCP itself,
// so memory stays flat however fast the server sends and however slowly the
// destination writes.
import type net from 'node:net';
import { ConnectionFailed } from '../errors.js';

const PAUSE_ABOVE = 8 << 20;
const RESUME_BELOW = 2 << 20;

export class SocketReader {
  private chunks: Buffer[] = [];
  /** Offset of the first unread byte in chunks[0]. */
  private head = 0;
  private buffered = 0;
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private socket: net.Socket | undefined;
  private paused = false;

  private readonly onData = (chunk: Buffer): void => {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.buffered > PAUSE_ABOVE && !this.paused) {
      this.paused = true;
      this.socket?.pause();
    }
    this.notify();
  };

  private readonly onEnd = (): void => this.fail(this.closed());
  private readonly onError = (e: Error): void => this.fail(this.broken(e));

  /**
   * `closed` says what it means that the server hung up (named after the server);
   * `broken` turns a socket error into one line.
   */
  constructor(
    socket: net.Socket,
    private readonly closed: () => Error,
    private readonly broken: (e: Error) => Error = (e) => new ConnectionFailed(e.message),
  ) {
    this.attach(socket);
  }

  /** True while the socket is paused because too much waits unread. */
  get isPaused(): boolean {
    return this.paused;
  }

  /** Reads from this socket from now on (after a TLS upgrade). */
  attach(socket: net.Socket): void {
    this.socket = socket;
    socket.on('data', this.onData);
    socket.on('end', this.onEnd);
    socket.on('close', this.onEnd);
    socket.on('error', this.onError);
    if (this.paused) socket.pause();
  }

  /** Stops reading the socket (before a TLS upgrade takes it over); true if unread bytes were left. */
  detach(): boolean {
    const s = this.socket;
    if (s) {
      s.off('data', this.onData);
      s.off('end', this.onEnd);
      s.off('close', this.onEnd);
      s.off('error', this.onError);
    }
    this.socket = undefined;
    return this.buffered > 0;
  }

  /** Marks the reader failed; every waiting and later read throws `error`. */
  fail(error: Error): void {
    this.failure ??= error;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async more(): Promise<void> {
    if (this.failure) throw this.failure;
    if (this.paused) {
      this.paused = false;
      this.socket?.resume();
    }
    await new Promise<void>((resolve) => {
      this.wake = resolve;
    });
  }

  /** A line without its line end (CRLF or LF). */
  async line(): Promise<Buffer> {
    for (;;) {
      const line = this.tryLine();
      if (line) return line;
      await this.more();
    }
  }

  /** A line if a whole one is buffered. */
  tryLine(): Buffer | undefined {
    let skip = this.head;
    let length = 0;
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k]!;
      const lf = c.indexOf(10, skip);
      if (lf >= 0) {
        const total = length + (lf - skip) + 1;
        const raw = this.take(total);
        const end = raw.length >= 2 && raw[raw.length - 2] === 13 ? raw.length - 2 : raw.length - 1;
        return raw.subarray(0, end);
      }
      length += c.length - skip;
      skip = 0;
    }
    return undefined;
  }

  /** Whether the next bytes are `prefix` (waits for that many; reads nothing). */
  async startsWith(prefix: Buffer): Promise<boolean> {
    while (this.buffered < prefix.length) await this.more();
    return this.peek(0, prefix.length, this.head).equals(prefix);
  }

  /** Everything up to and including the first `term` (e.g. POP3's CRLF.CRLF). */
  async until(term: Buffer): Promise<Buffer> {
    let from = 0;
    for (;;) {
      const at = this.find(term, from);
      if (at >= 0) return this.take(at + term.length);
      from = Math.max(0, this.buffered - (term.length - 1));
      await this.more();
    }
  }

  /** Offset (from the first unread byte) of `term` at or after `from`, across chunk boundaries; -1 if none. */
  private find(term: Buffer, from: number): number {
    let base = 0;
    for (let k = 0; k < this.chunks.length; k++) {
      const c = this.chunks[k]!;
      const start = k === 0 ? this.head : 0;
      const len = c.length - start;
      if (from - base < len) {
        const at = c.indexOf(term, start + Math.max(0, from - base));
        if (at >= 0) return base + at - start;
      }
      if (k + 1 < this.chunks.length) {
        // a match that starts in this chunk and ends in the next ones
        const tail = c.subarray(Math.max(start, c.length - (term.length - 1)));
        const window = Buffer.concat([tail, this.peek(k + 1, term.length - 1)]);
        const at = window.indexOf(term);
        const pos = base + len - tail.length + at;
        if (at >= 0 && at < tail.length && pos >= from) return pos;
      }
      base += len;
    }
    return -1;
  }

  /** Up to n bytes from offset `start` of chunk k on. */
  private peek(k: number, n: number, start = 0): Buffer {
    const parts: Buffer[] = [];
    for (let got = 0; k < this.chunks.length && got < n; k++, start = 0) {
      const c = this.chunks[k]!.subarray(start, start + n - got);
      parts.push(c);
      got += c.length;
    }
    return Buffer.concat(parts);
  }

  /** Exactly n bytes. */
  async bytes(n: number): Promise<Buffer> {
    while (this.buffered < n) await this.more();
    return this.take(n);
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    let out: Buffer;
    if (first && first.length - this.head >= n) {
      out = first.subarray(this.head, this.head + n);
      this.head += n;
      if (this.head === first.length) {
        this.chunks.shift();
        this.head = 0;
      }
    } else {
      out = Buffer.allocUnsafe(n);
      let filled = 0;
      while (filled < n) {
        const c = this.chunks[0]!;
        const m = Math.min(n - filled, c.length - this.head);
        c.copy(out, filled, this.head, this.head + m);
        filled += m;
        this.head += m;
        if (this.head === c.length) {
          this.chunks.shift();
          this.head = 0;
        }
      }
    }
    this.buffered -= n;
    if (this.paused && this.buffered < RESUME_BELOW) {
      this.paused = false;
      this.socket?.resume();
    }
    return out;
  }
}
