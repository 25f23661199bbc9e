// mtx/tenex locking as c-client does it (locking.md 6): every session holds a
// shared flock on the mailbox file; the /tmp/.DEV.INO lock is taken shared to
// parse and exclusive to append, change flags or expunge.
import * as inode from '../shared/inode-locks.js';

export { withTmpLock } from '../shared/inode-locks.js';

/** What a process holding the mailbox's flock exclusively does. */
const EXCLUSIVE_WORK = 'expunged';

/** The session's shared flock on the mailbox file. */
export function sessionLock(fd: number, mailbox: string, timeoutMs: number): Promise<void> {
  return inode.sessionLock(fd, mailbox, timeoutMs, EXCLUSIVE_WORK);
}

/** The shared flock made exclusive, without waiting, under the exclusive /tmp lock (false: the file is open elsewhere). */
export function tryExclusive(fd: number, mailbox: string, timeoutMs: number): Promise<boolean> {
  return inode.tryExclusive(fd, mailbox, timeoutMs, EXCLUSIVE_WORK);
}
