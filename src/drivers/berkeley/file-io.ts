// Batched output: messages are gathered in one large buffer and written in big pieces.
import { writeBehind } from '../../io/fd.js';

/** Default size of the chunks a mailbox is read and written in. */
export const CHUNK_SIZE = 2 << 20;

/**
 * Collects output in one large buffer and writes it to the file in big pieces.
 * reserve(n) hands out room for n more bytes, flushing or growing as needed.
 */
export class BatchWriter {
  private buf: Buffer;
  /** Bytes in buf not yet written. */
  length = 0;
  /** File offset where buf[0] goes. */
  private position: number;

  constructor(private readonly fd: number, position: number, capacity = CHUNK_SIZE) {
    this.buf = Buffer.allocUnsafe(capacity);
    this.position = position;
  }

  /** File offset just after everything written so far (flushed or not). */
  get offset(): number {
    return this.position + this.length;
  }

  /** The buffer, with at least n free bytes after `length`. */
  async reserve(n: number): Promise<Buffer> {
    if (this.length + n > this.buf.length) await this.flush();
    if (n > this.buf.length) this.buf = Buffer.allocUnsafe(Math.max(n, this.buf.length * 2));
    return this.buf;
  }

  async put(data: Uint8Array | string): Promise<void> {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : data;
    const buf = await this.reserve(bytes.length);
    buf.set(bytes, this.length);
    this.length += bytes.length;
  }

  async flush(): Promise<void> {
    if (this.length === 0) return;
    await writeBehind(this.fd, this.buf, 0, this.length, this.position);
    this.position += this.length;
    this.length = 0;
  }
}
