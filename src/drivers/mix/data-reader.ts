// Reading message texts out of the data files through one large buffer (a
// listing reads each file front to back, so most texts are already in it),
// checking each ":msg:" line as c-client's mix_header does.
import fs from 'node:fs';
import { readFully } from '../../io/fd.js';
import { MixDamage } from './damage.js';
import { dataFileName, dataFilePath } from './names.js';
import { isHexCode, strtoulHex } from './numbers.js';
import type { MixMessage } from './table.js';
import { tuning } from './tuning.js';

export class DataReader {
  private chunk: Buffer | undefined;
  private chunkFile = -1;
  private chunkStart = 0;
  private chunkLength = 0;
  private fd: number | undefined;
  private fdFile = -1;

  constructor(private readonly dir: string, private readonly warn: (text: string) => void) {}

  /** The message's text, after checking the ":msg:" line before it. */
  async text(m: MixMessage): Promise<Buffer> {
    const n = m.hoff + m.size;
    const { buf, got } = await this.read(m.file, m.pos, n);
    const file = dataFileName(m.file);
    if (got < m.hoff + m.hsiz || !checkMsgLine(buf, m, this.warn)) {
      throw new MixDamage(file, m.pos,
        `Error reading mix message header, uid=${m.uid.toString(16)}, s=${m.size ? m.size.toString(16) : ''}, h=${shown(buf.subarray(0, got))}`);
    }
    if (got < n) {
      throw new MixDamage(file, m.pos + got, `Unexpected short mix message file ${file} ${m.pos + got} < ${m.pos + n}`);
    }
    return buf.subarray(m.hoff, n);
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
    this.fdFile = -1;
    this.chunkFile = -1;
  }

  /** A copy of the n bytes at pos (fewer at the end of the file). */
  private async read(file: number, pos: number, n: number): Promise<{ buf: Buffer; got: number }> {
    if (this.chunkFile === file && pos >= this.chunkStart && pos + n <= this.chunkStart + this.chunkLength) {
      const from = pos - this.chunkStart;
      return { buf: Buffer.from(this.chunk!.subarray(from, from + n)), got: n };
    }
    const fd = this.open(file);
    if (n > tuning.chunkSize) {
      const buf = Buffer.allocUnsafe(n);
      return { buf, got: await readFully(fd, buf, 0, n, pos) };
    }
    if (!this.chunk || this.chunk.length !== tuning.chunkSize) this.chunk = Buffer.allocUnsafe(tuning.chunkSize);
    this.chunkFile = -1;
    this.chunkLength = await readFully(fd, this.chunk, 0, this.chunk.length, pos);
    this.chunkStart = pos;
    this.chunkFile = file;
    const got = Math.min(n, this.chunkLength);
    return { buf: Buffer.from(this.chunk.subarray(0, got)), got };
  }

  private open(file: number): number {
    if (this.fdFile === file && this.fd !== undefined) return this.fd;
    this.close();
    try {
      this.fd = fs.openSync(dataFilePath(this.dir, file), fs.constants.O_RDONLY);
    } catch {
      throw new MixDamage(dataFileName(file), 0, `Missing mix data file: ${dataFilePath(this.dir, file)}`);
    }
    this.fdFile = file;
    return this.fd;
  }
}

/**
 * c-client's test of the ":msg:" line: the token, the message's UID, a date field, a non-zero
 * size and a colon, all within the line. A size other than the index's is only a warning.
 */
function checkMsgLine(buf: Buffer, m: MixMessage, warn: (text: string) => void): boolean {
  const line = cString(buf.subarray(0, m.hoff));
  if (!line.startsWith(':msg:')) return false;
  const uid = isHexCode(line.charCodeAt(5)) ? strtoulHex(line, 5) : { value: 0, end: 5 };
  if (uid.value !== m.uid || line[uid.end] !== ':') return false;
  const colon = line.indexOf(':', uid.end + 1);
  if (colon < 0) return false;
  const size = isHexCode(line.charCodeAt(colon + 1)) ? strtoulHex(line, colon + 1) : { value: 0, end: colon + 1 };
  if (size.value === 0 || line[size.end] !== ':' || size.end + 1 >= m.hoff) return false;
  if (size.value !== m.size) {
    warn(`Inconsistency in mix message size, uid=${m.uid.toString(16)} (${m.size} != ${size.value})`);
  }
  return true;
}

/** Bytes as C sees them: up to the first NUL. */
function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.toString('latin1', 0, nul < 0 ? b.length : nul);
}

/** What c-client shows of a bad ":msg:" line: at most 100 bytes, up to the first line end. */
function shown(b: Buffer): string {
  const s = cString(b.subarray(0, 100));
  const end = s.search(/[\r\n]/);
  return end < 0 ? s : s.slice(0, end);
}
