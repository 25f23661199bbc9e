// Streaming parse of the messages of an mbx file: large reads into one reusable
// chunk, header lines parsed out of it as c-client parses them (formats-flat.md
// 4.4, 4.8), message text copied out of it on demand.
import { CorruptMailbox } from '../../errors.js';
import { EntryError, MAX_LINE, parseLine, type RawEntry } from './entry.js';
import { readFully } from '../../io/fd.js';
import { tuning } from './io.js';

/** A window of the file held in memory. */
export class Chunk {
  readonly buf: Buffer;
  start = 0;
  length = 0;

  constructor(readonly fd: number, capacity: number) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  get capacity(): number {
    return this.buf.length;
  }

  covers(pos: number, n: number): boolean {
    return pos >= this.start && pos + n <= this.start + this.length;
  }

  /** Fills the chunk from `pos`, never past `end`. */
  async load(pos: number, end: number): Promise<void> {
    this.start = pos;
    this.length = 0;
    this.length = await readFully(this.fd, this.buf, 0, Math.min(this.capacity, end - pos), pos);
  }

  /** A copy of bytes the chunk covers. */
  copy(pos: number, n: number): Buffer {
    const out = Buffer.allocUnsafe(n);
    this.buf.copy(out, 0, pos - this.start, pos - this.start + n);
    return out;
  }
}

/**
 * Walks the header lines of [from, end): each next() returns the line of one message (hidden
 * ones included) and moves past its text. Damage is thrown as CorruptMailbox with c-client's
 * text. `beforeReload` runs before the chunk is refilled (in-place writers flush there).
 */
export class Scanner {
  readonly chunk: Chunk;
  pos: number;
  /** A wrapped SIZE sent the parse backwards once already (twice would loop). */
  private wentBack = false;

  constructor(
    fd: number,
    private readonly mailbox: string,
    from: number,
    readonly end: number,
    private readonly beforeReload?: (chunk: Chunk) => Promise<void>,
  ) {
    this.chunk = new Chunk(fd, tuning.chunkSize);
    this.pos = from;
  }

  async next(): Promise<RawEntry | undefined> {
    const { chunk } = this;
    while (this.pos < this.end) {
      const want = Math.min(MAX_LINE, this.end - this.pos);
      if (!chunk.covers(this.pos, want)) await this.reload(this.pos);
      const base = this.pos - chunk.start;
      const avail = Math.max(0, Math.min(want, chunk.length - base));
      if (avail === 0) {
        throw new CorruptMailbox(this.mailbox, this.pos,
          `Unable to read internal header at ${this.pos}, size = ${this.end}: no data read`);
      }
      const window = chunk.buf.toString('latin1', base, base + avail);
      let parsed;
      try {
        parsed = parseLine(window, this.pos, this.end, (a, b) => chunk.buf.toString('utf8', base + a, base + b), !this.wentBack);
      } catch (e) {
        if (e instanceof EntryError) throw new CorruptMailbox(this.mailbox, e.offset, e.detail);
        throw e;
      }
      if ('skipTo' in parsed) {
        if (parsed.skipTo < this.pos) this.wentBack = true;
        this.pos = parsed.skipTo;
        continue;
      }
      const { entry } = parsed;
      this.pos = entry.offset + entry.lineLength + entry.size;
      return entry;
    }
    return undefined;
  }

  async reload(pos: number): Promise<void> {
    if (this.beforeReload) await this.beforeReload(this.chunk);
    await this.chunk.load(pos, this.end);
  }

  /** The text of a message the scanner has passed: from the chunk when there, else read. */
  async text(entry: RawEntry): Promise<Buffer> {
    const from = entry.offset + entry.lineLength;
    const n = entry.size;
    if (!this.chunk.covers(from, n)) {
      if (n > this.chunk.capacity) return this.readDirect(from, n);
      await this.reload(from);
      if (!this.chunk.covers(from, n)) this.shrank(from + n);
    }
    return this.chunk.copy(from, n);
  }

  private async readDirect(from: number, n: number): Promise<Buffer> {
    const out = Buffer.allocUnsafe(n);
    const got = await readFully(this.chunk.fd, out, 0, n, from);
    if (got < n) this.shrank(from + got);
    return out;
  }

  private shrank(to: number): never {
    throw new CorruptMailbox(this.mailbox, to, `Mailbox shrank from ${this.end} to ${to}!`);
  }
}
