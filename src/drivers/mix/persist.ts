// Rewriting .mixmeta, .mixindex and .mixstatus in place, as c-client does and
// must be done (a running c-client keeps these files open and locks them by
// inode): first grow the file with zero bytes to its final length, so that a
// full disk is found before anything is overwritten, then write from offset 0
// through a large buffer, cut the file at the new end and flush it.
import fs from 'node:fs';
import { fstat, fsync, ftruncate, writeFully } from '../../io/fd.js';

const CHUNK = 2 << 20;

/** Grows the file to `length` with zero bytes (never shrinks it); on failure puts its size back. */
export async function extendTo(fd: number, length: number): Promise<void> {
  const size = Number((await fstat(fd)).size);
  if (size >= length) return;
  const zeros = Buffer.alloc(Math.min(CHUNK, length - size));
  try {
    for (let at = size; at < length; at += zeros.length) {
      await writeFully(fd, zeros, 0, Math.min(zeros.length, length - at), at);
    }
  } catch (e) {
    await ftruncate(fd, size).catch(() => {});
    throw e;
  }
}

/** Cuts the file back to `length` (undoing extendTo); errors are the caller's smaller problem. */
export async function shrinkTo(fd: number, length: number): Promise<void> {
  await ftruncate(fd, length).catch(() => {});
}

/** The total byte length of the lines (latin1). */
export function linesLength(lines: Iterable<string>): number {
  let n = 0;
  for (const l of lines) n += l.length;
  return n;
}

/** Writes the lines from offset 0, cuts the file after them and flushes it. */
export async function rewriteFile(fd: number, lines: Iterable<string>): Promise<void> {
  const buf = Buffer.allocUnsafe(CHUNK);
  let used = 0;
  let at = 0;
  for (const line of lines) {
    if (used + line.length > buf.length) {
      await writeFully(fd, buf, 0, used, at);
      at += used;
      used = 0;
    }
    if (line.length > buf.length) {
      const big = Buffer.from(line, 'latin1');
      await writeFully(fd, big, 0, big.length, at);
      at += big.length;
    } else {
      used += buf.write(line, used, 'latin1');
    }
  }
  await writeFully(fd, buf, 0, used, at);
  await ftruncate(fd, at + used);
  await fsync(fd);
}

/** Flushes a directory, so that files created in it are there after a crash. */
export async function syncDirectory(dir: string): Promise<void> {
  const fd = fs.openSync(dir, fs.constants.O_RDONLY);
  try {
    await fsync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
