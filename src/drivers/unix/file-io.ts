// Promise wrappers for positional reads and writes on descriptors (the locks
// need descriptors, so the driver works with them rather than FileHandles).
import fs from 'node:fs';
import { promisify } from 'node:util';

const read = promisify(fs.read);
const write = promisify(fs.write);
const fstat = promisify(fs.fstat);
const fsync = promisify(fs.fsync);
const ftruncate = promisify(fs.ftruncate);

export { fsync, ftruncate, fstat };

/** Reads up to length bytes at position, looping over short reads; returns how many arrived (fewer only at EOF). */
export async function readFully(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await read(fd, buf, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes all of buf at position. */
export async function writeFully(fd: number, buf: Uint8Array, position: number): Promise<void> {
  let done = 0;
  while (done < buf.length) {
    const { bytesWritten } = await write(fd, buf, done, buf.length - done, position + done);
    done += bytesWritten;
  }
}

/** Default size of the chunks a mailbox is read and written in. */
export const CHUNK_SIZE = 8 << 20;

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
    await writeFully(this.fd, this.buf.subarray(0, this.length), this.position);
    this.position += this.length;
    this.length = 0;
  }
}
