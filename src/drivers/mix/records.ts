// Reading .mixindex and .mixstatus a line at a time through a large buffer,
// as c-client's mix_read_record does: LF or CRLF line ends, empty lines
// skipped with a warning, a last line without its end passed on with a
// warning, an overlong line refused.
import { readFully } from '../../io/fd.js';
import { MixDamage } from './damage.js';

/** c-client reads records with fgets into a 64 KB buffer. */
const MAX_RECORD = 65533;

export interface Record {
  /** The line without its line end, bytes as latin1 characters (cut at a NUL, as C sees it). */
  readonly text: string;
  /** File offset of the line's first byte. */
  readonly offset: number;
}

export class RecordReader {
  private buf: Buffer;
  /** File offset of buf[0]. */
  private base = 0;
  private length = 0;
  private at = 0;
  private eof = false;

  constructor(
    private readonly fd: number,
    private readonly file: string,
    private readonly warn: (text: string) => void,
    chunkSize = 2 << 20,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(chunkSize, MAX_RECORD + 2));
  }

  /** The next non-empty record, or undefined at the end of the file. `type` names it in warnings. */
  async next(type: string): Promise<Record | undefined> {
    for (;;) {
      let nl = this.buf.indexOf(10, this.at);
      if (nl >= this.length) nl = -1;
      while (nl < 0 && !this.eof) {
        if (this.length - this.at > MAX_RECORD) break;
        await this.fill();
        nl = this.buf.indexOf(10, this.at);
        if (nl >= this.length) nl = -1;
      }
      const offset = this.base + this.at;
      if (nl < 0 && this.length - this.at > MAX_RECORD) {
        throw new MixDamage(this.file, offset, `Oversize mix ${type} record: ${this.show(this.at, this.at + 512)}`);
      }
      if (nl < 0) {
        if (this.at >= this.length) return undefined;
        const text = this.cut(this.at, this.length);
        this.at = this.length;
        this.warn(`Truncated mix ${type} record: ${text.slice(0, 512)}`);
        return { text, offset };
      }
      const end = nl > this.at && this.buf[nl - 1] === 13 ? nl - 1 : nl;
      const start = this.at;
      const nul = this.buf.subarray(start, nl).indexOf(0);
      this.at = nl + 1;
      if (nul >= 0) {
        // C's strchr stops at the NUL and never sees the line end
        const text = this.buf.toString('latin1', start, start + nul);
        this.warn(`Truncated mix ${type} record: ${text.slice(0, 512)}`);
        return { text, offset };
      }
      if (end === start) {
        this.warn(`Empty mix ${type} record`);
        continue;
      }
      return { text: this.buf.toString('latin1', start, end), offset };
    }
  }

  private cut(from: number, to: number): string {
    const nul = this.buf.subarray(from, to).indexOf(0);
    return this.buf.toString('latin1', from, nul >= 0 ? from + nul : to);
  }

  private show(from: number, to: number): string {
    return this.cut(from, Math.min(to, this.length));
  }

  /** Moves what is left to the front of the buffer and reads more after it. */
  private async fill(): Promise<void> {
    const left = this.length - this.at;
    this.buf.copy(this.buf, 0, this.at, this.length);
    this.base += this.at;
    this.at = 0;
    this.length = left;
    const n = await readFully(this.fd, this.buf, left, this.buf.length - left, this.base + left);
    if (n === 0) this.eof = true;
    this.length += n;
  }
}
