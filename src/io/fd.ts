// Positional reads and writes on file descriptors, looping over short
// transfers. Drivers work with descriptors rather than streams because the
// locks (flock) are taken on descriptors and mailboxes are updated in place.
import fs from 'node:fs';
import { promisify } from 'node:util';
import { MailboxExists, ioError } from '../errors.js';
import { startWriteback } from './native.js';

const read = promisify(fs.read);
const write = promisify(fs.write);
export const fsync = promisify(fs.fsync);
export const ftruncate = promisify(fs.ftruncate);
export const fstat = (fd: number): Promise<fs.BigIntStats> =>
  new Promise((resolve, reject) => fs.fstat(fd, { bigint: true }, (e, st) => (e ? reject(e) : resolve(st))));

/** Reads up to `length` bytes at `position`; returns how many were read (fewer only at end of file). */
export async function readFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await read(fd, buf, offset + done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes all `length` bytes at `position`. */
export async function writeFully(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesWritten } = await write(fd, buf, offset + done, length - done, position + done);
    done += bytesWritten;
  }
}

/**
 * writeFully for the big pieces of a long append, which also starts writing them to disk
 * at once: the disk works while the next piece is prepared, instead of all at the final fsync.
 */
export async function writeBehind(fd: number, buf: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  await writeFully(fd, buf, offset, length, position);
  startWriteback(fd, position, length);
}

/** readFully without a trip through the thread pool, for the small reads of in-place updates. */
export function readFullySync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

export function writeFullySync(fd: number, buf: Uint8Array, offset: number, length: number, position: number): void {
  let done = 0;
  while (done < length) done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
}

/** Creates a new mailbox file, mode 0600 whatever the umask; MailboxExists if the name is taken. */
export function createExclusive(path: string, name: string): number {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new MailboxExists(name);
    throw ioError(e, `can't create ${name}`);
  }
  fs.fchmodSync(fd, 0o600);
  return fd;
}
