// Reads a byte range of a file in large chunks, each placed after the
// unfinished message carried over from the chunk before.
import { CorruptMailbox } from '../../errors.js';
import { fstat, readFully } from '../../io/fd.js';

/** Room before each chunk for the carried-over message, so that the chunk itself is not copied. */
const CARRY_ROOM = 1 << 20;

export class ChunkReader {
  private pos: number;

  constructor(
    private readonly fd: number,
    from: number,
    /** The snapshot size: nothing at or after it is read. */
    private readonly to: number,
    private readonly name: string,
    private readonly chunkSize: number,
  ) {
    this.pos = from;
  }

  /** True when every byte up to the snapshot size has been handed out. */
  get done(): boolean {
    return this.pos >= this.to;
  }

  /**
   * carry followed by the next chunk, in one buffer (always a new one: messages
   * handed out keep referring to the old). A carried message longer than a chunk
   * makes the chunk as long, so that a huge message takes few reads.
   */
  async next(carry: Buffer): Promise<Buffer> {
    const at = this.pos;
    const want = Math.min(Math.max(this.chunkSize, carry.length), this.to - at);
    const room = carry.length <= CARRY_ROOM ? CARRY_ROOM : carry.length;
    const buf = Buffer.allocUnsafe(room + want);
    const got = await readFully(this.fd, buf, room, want, at);
    if (got < want) {
      const size = Number((await fstat(this.fd)).size);
      throw new CorruptMailbox(this.name, at + got, `Mailbox shrank from ${this.to} to ${size} bytes, aborted`);
    }
    this.pos += want;
    carry.copy(buf, room - carry.length);
    return buf.subarray(room - carry.length, room + want);
  }
}
