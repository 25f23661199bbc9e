// Random access to an mbx file for a damage survey: one large chunk that follows
// the survey (a healthy file is read straight through, in a few big reads), and
// the search for the next line c-client wrote, which is how a survey finds its
// way again after damage (FAQ 7.15: "look forward in the file for the next
// internal header").
import { MAX_LINE } from './entry.js';
import { strictLineAt, type StrictLine } from './line-forms.js';
import { Chunk } from './reader.js';
import { tuning } from './io.js';

/** `;` is 22 bytes and `-` 9 bytes before the CR of every line c-client writes. */
const SEMI_BACK = 22;
const DASH_BACK = 9;
const DATE_LENGTH = 26;

export class FileWindow {
  private chunk: Chunk;
  /** The chunk after this one, being read while this one is surveyed (a walk mostly goes forward). */
  private ahead: Chunk;
  private reading: Promise<void> | undefined;

  constructor(fd: number, readonly size: number, capacity = tuning.chunkSize) {
    this.chunk = new Chunk(fd, Math.max(capacity, 4 * MAX_LINE));
    this.ahead = new Chunk(fd, this.chunk.capacity);
  }

  /** The chunk's bytes; valid until the next call that moves the window. */
  get buf(): Buffer {
    return this.chunk.buf;
  }

  /**
   * Makes the chunk hold [pos, pos + n) (less where the file ends) and returns pos's index in
   * buf; n must be far below the chunk's capacity.
   */
  async at(pos: number, n: number): Promise<number> {
    const want = Math.max(0, Math.min(n, this.size - pos));
    if (!this.chunk.covers(pos, want)) {
      await this.settle();
      if (this.ahead.covers(pos, want)) [this.chunk, this.ahead] = [this.ahead, this.chunk];
      else await this.chunk.load(pos, this.size);
      this.readAhead();
    }
    return pos - this.chunk.start;
  }

  /** Starts reading what follows the chunk (overlapping it by a line, which may straddle its end). */
  private readAhead(): void {
    const end = this.chunk.start + this.chunk.length;
    if (end < this.size) this.reading = this.ahead.load(end - MAX_LINE, this.size);
  }

  /** Waits for a read ahead to finish: its chunk is reused or replaced only then. */
  private async settle(): Promise<void> {
    const r = this.reading;
    this.reading = undefined;
    if (r) await r;
  }

  /** Bytes the chunk holds from pos (at most n), after at(pos, n). */
  avail(pos: number, n: number): number {
    return Math.max(0, Math.min(n, this.chunk.start + this.chunk.length - pos));
  }

  /** The strict line at pos, if there is one. */
  async strictAt(pos: number): Promise<StrictLine | undefined> {
    if (pos >= this.size) return undefined;
    const i = await this.at(pos, MAX_LINE);
    return strictLineAt(this.buf, i, this.avail(pos, MAX_LINE));
  }

  /** The byte at pos (undefined past the end of the file). */
  async byteAt(pos: number): Promise<number | undefined> {
    if (pos < 0 || pos >= this.size) return undefined;
    const i = await this.at(pos, 1);
    return this.buf[i];
  }

  /**
   * The first position >= from where a strict line starts, or undefined. Candidates are found
   * from their line ends (CRLF with `;` and `-` in place), then read in full; the chunk moves
   * forward keeping a line's worth of overlap so that no line is missed at its edge.
   */
  async nextStrict(from: number): Promise<number | undefined> {
    let pos = from;
    await this.settle();
    while (pos < this.size) {
      await this.chunk.load(pos, this.size);
      const { buf } = this;
      const start = this.chunk.start;
      const end = this.chunk.length;
      const atEof = start + end >= this.size;
      let i = Math.max(0, from - start);
      for (;;) {
        const cr = buf.indexOf(13, i);
        if (cr < 0 || cr + 1 >= end) break;
        i = cr + 1;
        if (buf[cr + 1] !== 10 || cr < SEMI_BACK || buf[cr - SEMI_BACK] !== 0x3b || buf[cr - DASH_BACK] !== 0x2d) continue;
        let comma = cr - SEMI_BACK - 1;
        while (comma >= 0 && buf[comma]! >= 48 && buf[comma]! <= 57) comma--;
        const lineStart = comma - DATE_LENGTH;
        if (lineStart < 0 || buf[comma] !== 0x2c || start + lineStart < from) continue;
        if (strictLineAt(buf, lineStart, Math.min(MAX_LINE, end - lineStart))) return start + lineStart;
      }
      if (atEof) return undefined;
      // the next load overlaps this one by a line, so a line cut by the chunk's end is seen whole
      pos = Math.max(pos + 1, start + end - MAX_LINE);
    }
    return undefined;
  }
}
