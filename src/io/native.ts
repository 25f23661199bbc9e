// The system calls Node lacks, through koffi: flock(2), fstatfs(2), sync_file_range(2), syncfs(2),
// renameat2(2) and utimensat(2) (to the nanosecond, one time at a time).
import koffi from 'koffi';

const libc = koffi.load('libc.so.6');
const flockFn = libc.func('int flock(int fd, int operation)') as (fd: number, op: number) => number;
const fstatfsFn = libc.func('int fstatfs(int fd, _Out_ uint8_t *buf)') as (fd: number, buf: Buffer) => number;
const syncFileRangeFn = libc.func('int sync_file_range(int fd, int64_t offset, int64_t nbytes, unsigned int flags)') as (
  fd: number, offset: number, nbytes: number, flags: number,
) => number;
const syncfsFn = libc.func('int syncfs(int fd)') as (fd: number) => number;
const utimensatFn = libc.func('int utimensat(int dirfd, const char *pathname, const uint8_t *times, int flags)') as (
  dirfd: number, pathname: string, times: Buffer, flags: number,
) => number;
const renameat2Fn = libc.func('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)') as (
  olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number,
) => number;

export const LOCK_SH = 1;
export const LOCK_EX = 2;
export const LOCK_NB = 4;
export const LOCK_UN = 8;

export const EINTR = 4;
export const EAGAIN = 11;
export const ENOLCK = 37;

/** flock(2); returns 0 or the errno. */
export function flockSyscall(fd: number, operation: number): number {
  return flockFn(fd, operation) === 0 ? 0 : koffi.errno();
}

const NFS_SUPER_MAGIC = 0x6969n;

/** True when fd is on NFS, where c-client treats flock as a no-op (locking.md 1). */
export function onNfs(fd: number): boolean {
  // struct statfs starts with f_type, a long on Linux
  const buf = Buffer.alloc(256);
  if (fstatfsFn(fd, buf) !== 0) return false;
  return buf.readBigInt64LE(0) === NFS_SUPER_MAGIC;
}

const SYNC_FILE_RANGE_WRITE = 2;

/**
 * Starts writing a range of the file to disk without waiting for it, so that
 * the fsync that ends a large append has little left to do. Advisory: failures
 * are ignored (the fsync still guarantees the data).
 */
export function startWriteback(fd: number, offset: number, length: number): void {
  syncFileRangeFn(fd, offset, length, SYNC_FILE_RANGE_WRITE);
}

/**
 * syncfs(2): writes every dirty page and inode of the file system holding fd to disk and
 * waits; returns 0 or the errno. Since Linux 5.8 it reports write-back errors that happened
 * after fd was opened, so open fd before writing what must reach the disk.
 */
export function syncFilesystem(fd: number): number {
  return syncfsFn(fd) === 0 ? 0 : koffi.errno();
}

const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

/**
 * renameat2(2) with RENAME_EXCHANGE: swaps two names in one step, even a file with a
 * directory. Returns 0 or the errno (EINVAL or ENOSYS where the file system or kernel
 * cannot; the caller then renames in two steps).
 */
export function exchangePaths(a: string, b: string): number {
  return renameat2Fn(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) === 0 ? 0 : koffi.errno();
}

const UTIME_OMIT = (1 << 30) - 2;

/**
 * Sets a file's access time to the nanosecond and leaves its modification time alone
 * (utimensat with UTIME_OMIT); Node's utimes takes float seconds, which cannot carry
 * today's times to the nanosecond. Returns 0 or the errno.
 */
export function setAccessTime(file: string, atimeNs: bigint): number {
  const times = Buffer.alloc(32); // struct timespec[2]: atime, mtime
  times.writeBigInt64LE(atimeNs / 1_000_000_000n, 0);
  times.writeBigInt64LE(atimeNs % 1_000_000_000n, 8);
  times.writeBigInt64LE(BigInt(UTIME_OMIT), 24);
  return utimensatFn(AT_FDCWD, file, times, 0) === 0 ? 0 : koffi.errno();
}
