// Reads byte ranges of a file in increasing order through large chunks, so that
// walking a mailbox message by message costs a few big reads.
import { readFully } from '../../io/fd.js';
import { CHUNK_SIZE } from './file-io.js';

export class RangeReader {
  private win: Buffer = Buffer.alloc(0);
  private winStart = 0;

  constructor(private readonly fd: number, private readonly limit: number, private readonly chunk = CHUNK_SIZE) {}

  /**
   * The bytes [from, to); from must not go back before an earlier call's from.
   * Shorter than asked only when the file ended early.
   */
  async get(from: number, to: number): Promise<Buffer> {
    const winEnd = this.winStart + this.win.length;
    if (from >= this.winStart && to <= winEnd) return this.win.subarray(from - this.winStart, to - this.winStart);
    const size = Math.max(this.chunk, to - from);
    const want = Math.min(size, this.limit - from);
    // the buffer is fresh each time: records handed out keep referring to the old one
    const buf = Buffer.allocUnsafe(Math.max(want, 0));
    const got = await readFully(this.fd, buf, 0, want, from);
    this.win = buf.subarray(0, got);
    this.winStart = from;
    return this.win.subarray(0, Math.min(got, to - from));
  }
}
