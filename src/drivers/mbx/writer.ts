// Appending at the end of an mbx file through one large buffer: header lines
// and message texts are gathered and written with a few big writes; a text
// too large for the buffer goes straight to the file.
import { writeBehind } from '../../io/fd.js';
import { tuning } from './io.js';

export class AppendWriter {
  private readonly buf: Buffer;
  private used = 0;
  /** File position of buf[0]. */
  private pos: number;

  /** beforeWrite runs before any byte is written (the header must announce what follows). */
  constructor(private readonly fd: number, start: number, private readonly beforeWrite: () => Promise<void>) {
    this.buf = Buffer.allocUnsafe(tuning.chunkSize);
    this.pos = start;
  }

  /** File position after everything added so far. */
  get end(): number {
    return this.pos + this.used;
  }

  async add(line: string, text: Buffer): Promise<void> {
    const cap = this.buf.length;
    if (this.used + line.length + text.length > cap) await this.flush();
    this.used += this.buf.write(line, this.used, 'latin1');
    if (text.length > cap - this.used) {
      await this.flush();
      await writeBehind(this.fd, text, 0, text.length, this.pos);
      this.pos += text.length;
    } else {
      this.used += text.copy(this.buf, this.used);
    }
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.beforeWrite();
    await writeBehind(this.fd, this.buf, 0, this.used, this.pos);
    this.pos += this.used;
    this.used = 0;
  }
}
