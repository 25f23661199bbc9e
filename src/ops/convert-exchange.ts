// renameat2(2) with RENAME_EXCHANGE, which Node lacks: swaps two names in one step, even a
// file with a directory. convert-format uses it so that a mailbox's name never stops
// holding a whole mailbox when a file format becomes a directory format or the reverse.
import koffi from 'koffi';

const AT_FDCWD = -100;
const RENAME_EXCHANGE = 2;

const libc = koffi.load('libc.so.6');
const renameat2 = libc.func('int renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, unsigned int flags)') as (
  olddirfd: number, oldpath: string, newdirfd: number, newpath: string, flags: number,
) => number;

/**
 * Exchanges the two paths atomically; returns 0 or the errno (EINVAL or ENOSYS where the
 * file system or kernel cannot, the caller then renames in two steps).
 */
export function exchangePaths(a: string, b: string): number {
  return renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) === 0 ? 0 : koffi.errno();
}
