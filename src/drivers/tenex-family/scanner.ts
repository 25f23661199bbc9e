// Streaming walk over the messages of an mtx or tenex file: large reads into one
// reusable window, header lines parsed out of it as c-client parses them, message
// texts copied out of it (or read past it when larger).
import { CorruptMailbox } from '../../errors.js';
import { readFully } from '../../io/fd.js';
import { crlfLength } from '../shared/crlf.js';
import { LineError, MAX_LINE, parseHeaderLine, WrappedSize, type HeaderLine } from './header-line.js';
import type { Layout } from './layout.js';
import { tuning } from './tuning.js';

/** A header line and what a reader reports for the message after it. */
export interface ScannedMessage extends HeaderLine {
  /** RFC822.SIZE: the text's length with CRLF line ends (the stored size when not asked for). */
  readonly crlfSize: number;
}

/** A window of the file held in memory; every read goes through it. */
class Window {
  readonly buf: Buffer;
  start = 0;
  length = 0;

  constructor(private readonly fd: number, capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  covers(pos: number, n: number): boolean {
    return pos >= this.start && pos + n <= this.start + this.length;
  }

  async load(pos: number, end: number): Promise<void> {
    this.start = pos;
    this.length = 0;
    this.length = await readFully(this.fd, this.buf, 0, Math.min(this.buf.length, end - pos), pos);
  }
}

/**
 * Walks [from, end) of the file, one message per next(); damage is thrown as CorruptMailbox with
 * c-client's text and offset.
 */
export class Scanner {
  private readonly window: Window;
  private pos: number;
  private readonly zone: number;

  constructor(
    private readonly fd: number,
    private readonly layout: Layout,
    private readonly mailbox: string,
    from: number,
    readonly end: number,
    zone: number,
    /** Compute each message's RFC822.SIZE (tenex reads every text for it); an index needs none. */
    private readonly sizes = true,
  ) {
    this.window = new Window(fd, tuning.chunkSize);
    this.pos = from;
    this.zone = zone;
  }

  async next(): Promise<ScannedMessage | undefined> {
    if (this.pos >= this.end) return undefined;
    const at = this.pos;
    const want = Math.min(MAX_LINE, this.end - at);
    if (!this.window.covers(at, want)) await this.window.load(at, this.end);
    const base = at - this.window.start;
    const got = Math.max(0, Math.min(want, this.window.length - base));
    if (got === 0) {
      throw new CorruptMailbox(this.mailbox, at, `Unable to read internal header at ${at}, size = ${this.end}: no data read`);
    }
    let line: HeaderLine;
    try {
      line = parseHeaderLine(this.layout, this.window.buf.subarray(base, base + got), at, this.end, this.zone);
    } catch (e) {
      if (e instanceof WrappedSize) throw await this.wrapped(e);
      if (e instanceof LineError) throw new CorruptMailbox(this.mailbox, e.offset, e.detail);
      throw e;
    }
    this.pos = at + line.lineLength + line.size;
    const crlfSize = this.layout.lfText && this.sizes ? await this.countCrlf(at + line.lineLength, line.size) : line.size;
    return { ...line, crlfSize };
  }

  /**
   * The damage c-client reports for a negative SIZE: the complaint about the line it then looks for
   * at `next`, before the message's text (`-5` at 165 gave `Unable to parse internal header at 204:
   * 046`). Where it would find a line there, loop on the same one, or read before the file, mailsmith
   * refuses the first line instead: it never takes overlapping messages.
   */
  private async wrapped(e: WrappedSize): Promise<CorruptMailbox> {
    const refused = new CorruptMailbox(this.mailbox, e.offset, e.detail);
    if (e.next < 0 || e.next === e.offset) return refused;
    const want = Math.min(MAX_LINE, this.end - e.next);
    if (!this.window.covers(e.next, want)) await this.window.load(e.next, this.end);
    const base = e.next - this.window.start;
    const got = Math.max(0, Math.min(want, this.window.length - base));
    try {
      parseHeaderLine(this.layout, this.window.buf.subarray(base, base + got), e.next, this.end, this.zone);
    } catch (there) {
      if (there instanceof LineError && !(there instanceof WrappedSize)) return new CorruptMailbox(this.mailbox, there.offset, there.detail);
    }
    return refused;
  }

  /** The message's bytes as stored (a copy), from the window when it holds them. */
  async stored(m: HeaderLine): Promise<Buffer> {
    const from = m.offset + m.lineLength;
    const n = m.size;
    if (n > this.window.buf.length) {
      const out = Buffer.allocUnsafe(n);
      const got = await readFully(this.fd, out, 0, n, from);
      if (got < n) this.shrank(from + got);
      return out;
    }
    if (!this.window.covers(from, n)) {
      await this.window.load(from, this.end);
      if (!this.window.covers(from, n)) this.shrank(this.window.start + this.window.length);
    }
    const out = Buffer.allocUnsafe(n);
    this.window.buf.copy(out, 0, from - this.window.start, from - this.window.start + n);
    return out;
  }

  /** tenex's RFC822.SIZE of the n stored bytes at `from` (read in window-sized pieces). */
  private async countCrlf(from: number, n: number): Promise<number> {
    let total = 0;
    let before = 0;
    for (let done = 0; done < n;) {
      const pos = from + done;
      if (!this.window.covers(pos, 1)) await this.window.load(pos, this.end);
      const base = pos - this.window.start;
      const take = Math.min(n - done, this.window.length - base);
      if (take <= 0) this.shrank(pos);
      total += crlfLength(this.window.buf, base, base + take, before) - take;
      before = this.window.buf[base + take - 1]!;
      done += take;
    }
    return n + total;
  }

  private shrank(to: number): never {
    throw new CorruptMailbox(this.mailbox, to, `Mailbox shrank from ${this.end} to ${to}!`);
  }
}
