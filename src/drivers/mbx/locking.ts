// mbx locking as c-client does it (locking.md 5): every session holds a shared
// flock on the mailbox file; parsing, appending, flag writes and expunges are
// serialised by the exclusive /tmp/.DEV.INO lock ("parse/append permission").
import type { TmpLock } from '../../locks/index.js';
import * as inode from '../shared/inode-locks.js';

/** What a process holding the mailbox's flock exclusively does. */
const EXCLUSIVE_WORK = 'rewritten';

/** Takes the parse/append lock, waiting up to timeoutMs. */
export function parseLock(fd: number, mailbox: string, timeoutMs: number): Promise<TmpLock> {
  return inode.tmpLock(fd, mailbox, 'exclusive', timeoutMs);
}

/** Runs fn holding the parse/append lock. */
export function withParseLock<T>(fd: number, mailbox: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  return inode.withTmpLock(fd, mailbox, 'exclusive', timeoutMs, fn);
}

/** The session's shared flock, taken while the parse/append lock is held. */
export function sessionLock(fd: number, mailbox: string, timeoutMs: number): Promise<void> {
  return inode.sessionLock(fd, mailbox, timeoutMs, EXCLUSIVE_WORK);
}

/** The shared flock made exclusive, without waiting, under the parse/append lock (false: the file is open elsewhere). */
export function tryExclusive(fd: number, mailbox: string, timeoutMs: number): Promise<boolean> {
  return inode.tryExclusive(fd, mailbox, timeoutMs, EXCLUSIVE_WORK);
}
