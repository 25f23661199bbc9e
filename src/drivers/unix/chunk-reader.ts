// Reads a byte range of a file in large chunks, one chunk ahead: the next read
// is under way while the current chunk is being parsed.
import { CorruptMailbox } from '../../errors.js';
import { fstat, readFully } from './file-io.js';

/** Room before each chunk for the unfinished message carried over from the one before. */
const CARRY_ROOM = 1 << 20;

interface Pending {
  readonly buf: Buffer;
  readonly got: number;
}

export class ChunkReader {
  private pos: number;
  private pending: Promise<Pending> | undefined;

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
    return this.pos >= this.to && this.pending === undefined;
  }

  /** carry followed by the next chunk, in one buffer; carry alone at the end. */
  async next(carry: Buffer): Promise<Buffer> {
    const chunk = await (this.pending ?? this.start(carry.length));
    this.pending = this.pos < this.to ? this.start(carry.length + chunk.got) : undefined;
    const data = chunk.buf.subarray(CARRY_ROOM, CARRY_ROOM + chunk.got);
    if (carry.length === 0) return data;
    if (carry.length <= CARRY_ROOM) {
      carry.copy(chunk.buf, CARRY_ROOM - carry.length);
      return chunk.buf.subarray(CARRY_ROOM - carry.length, CARRY_ROOM + chunk.got);
    }
    return Buffer.concat([carry, data]);
  }

  /** Starts reading the next chunk; a message as long as `carried` makes the chunk that long. */
  private start(carried: number): Promise<Pending> {
    const at = this.pos;
    const want = Math.min(Math.max(this.chunkSize, carried), this.to - at);
    this.pos += want;
    const read = (async (): Promise<Pending> => {
      const buf = Buffer.allocUnsafe(CARRY_ROOM + want);
      const got = await readFully(this.fd, buf, CARRY_ROOM, want, at);
      if (got < want) {
        const size = (await fstat(this.fd)).size;
        throw new CorruptMailbox(this.name, at + got, `Mailbox shrank from ${this.to} to ${size} bytes, aborted`);
      }
      return { buf, got };
    })();
    // a read nobody waits for any more (the reader was abandoned) must not count as unhandled
    read.catch(() => {});
    return read;
  }
}
