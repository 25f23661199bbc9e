// mtx/tenex locking as c-client does it (locking.md 6): every session holds a
// shared flock on the mailbox file; the /tmp/.DEV.INO lock, named after the
// open descriptor's device and inode, is taken shared to parse and exclusive to
// append, change flags or expunge.
import { MailboxLocked } from '../../errors.js';
import { fstat } from '../../io/fd.js';
import { acquireTmpLock, flockNow, flockWait, tmpLockName, type FlockMode } from '../../locks/index.js';

/** Runs fn holding the /tmp lock in `mode`, waiting up to timeoutMs for it. */
export async function withTmpLock<T>(
  fd: number, mailbox: string, mode: FlockMode, timeoutMs: number, fn: () => Promise<T>,
): Promise<T> {
  const st = await fstat(fd);
  const lock = await acquireTmpLock(st.dev, st.ino, mode, timeoutMs);
  if (!lock) {
    throw new MailboxLocked(mailbox,
      `Mailbox ${mailbox} is locked by another process (waited ${Math.round(timeoutMs / 1000)} s for ${tmpLockName(st.dev, st.ino)})`);
  }
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** The session's shared flock on the mailbox file. */
export async function sessionLock(fd: number, mailbox: string, timeoutMs: number): Promise<void> {
  if (!(await flockWait(fd, 'shared', timeoutMs))) {
    throw new MailboxLocked(mailbox, `Mailbox ${mailbox} is locked by another process (it is being expunged)`);
  }
}

/**
 * Turns the session's shared flock into an exclusive one without waiting; the exclusive /tmp lock
 * must be held, since flock converts by unlocking first. False when another process has the file
 * open; the shared lock is then taken back.
 */
export async function tryExclusive(fd: number, mailbox: string, timeoutMs: number): Promise<boolean> {
  if (flockNow(fd, 'exclusive')) return true;
  await sessionLock(fd, mailbox, timeoutMs);
  return false;
}
