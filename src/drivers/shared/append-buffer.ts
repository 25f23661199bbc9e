// Appending at the end of a file through one large buffer: each message's
// latin1 line and its bytes are gathered and written with a few big writes;
// bytes too large for the buffer go straight to the file.
import { writeBehind } from '../../io/fd.js';

export class AppendBuffer {
  private readonly buf: Buffer;
  private used = 0;
  /** File position of buf[0]. */
  private pos: number;

  /** `beforeWrite` runs before each write (mbx: the header must first announce what follows). */
  constructor(private readonly fd: number, start: number, chunkSize: number, private readonly beforeWrite?: () => Promise<void>) {
    this.buf = Buffer.allocUnsafe(chunkSize);
    this.pos = start;
  }

  /** File position after everything added so far. */
  get end(): number {
    return this.pos + this.used;
  }

  /** Adds a line (latin1) and the bytes after it (a string is latin1 too: one character, one byte). */
  async add(line: string, body: Buffer | string): Promise<void> {
    const cap = this.buf.length;
    const n = body.length;
    if (this.used + line.length + n > cap) await this.flush();
    this.used += this.buf.write(line, this.used, 'latin1');
    if (n > cap - this.used) {
      await this.flush();
      const bytes = typeof body === 'string' ? Buffer.from(body, 'latin1') : body;
      await writeBehind(this.fd, bytes, 0, n, this.pos);
      this.pos += n;
    } else if (typeof body === 'string') {
      this.used += this.buf.write(body, this.used, 'latin1');
    } else {
      this.used += body.copy(this.buf, this.used);
    }
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.beforeWrite?.();
    await writeBehind(this.fd, this.buf, 0, this.used, this.pos);
    this.pos += this.used;
    this.used = 0;
  }
}
