// Choosing the data file an append writes to (formats-dir.md 2.10 step 4):
// the current file N, unless it is shorter than the index says or would pass
// 1 MiB, in which case a new file is started ("rollover").
import fs from 'node:fs';
import { ioError } from '../../errors.js';
import { fstat } from '../../io/fd.js';
import { dataFilePath } from './names.js';
import { hex8, nextSequence } from './numbers.js';
import type { MessageTable } from './table.js';

export const ROLL_SIZE = 1 << 20;

export interface AppendFile {
  readonly fd: number;
  readonly path: string;
  /** Its number (the new N after a rollover). */
  readonly file: number;
  /** Its size before the append: where the first message goes, and what a failure truncates back to. */
  readonly start: number;
  /** The append made the file: a failure removes it. */
  readonly created: boolean;
}

/** Opens the file for an append needing `need` bytes first (45 + the first message's size). */
export async function openAppendFile(
  dir: string, current: number, table: MessageTable, need: number, now: Date, warn: (text: string) => void,
): Promise<AppendFile> {
  const last = table.count - 1;
  // c-client assumes the last message is the one reaching furthest into the current file
  const curEnd = last >= 0 && table.fileAt(last) === current ? table.posAt(last) + table.extentAt(last) : 0;
  const p = dataFilePath(dir, current);
  const existed = fs.existsSync(p);
  let fd: number;
  try {
    fd = fs.openSync(p, fs.constants.O_RDWR | (curEnd ? 0 : fs.constants.O_CREAT), 0o600);
  } catch (e) {
    throw ioError(e, 'Error opening append message file');
  }
  const st = await fstat(fd);
  const size = Number(st.size);
  if (curEnd <= size && (size === 0 || size + need <= ROLL_SIZE)) return { fd, path: p, file: current, start: size, created: !existed };
  if (curEnd > size) warn(`short mix message file ${hex8(current)} (${curEnd} > ${size}), rolling`);
  fs.closeSync(fd);
  const mode = Number(st.mode) & 0o7777;
  let file = current;
  let next: string;
  for (;;) {
    file = nextSequence(file, now);
    next = dataFilePath(dir, file);
    try {
      fd = fs.openSync(next, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, 'Error opening append message file');
    }
  }
  fs.fchmodSync(fd, mode);
  return { fd, path: next, file, start: 0, created: true };
}
