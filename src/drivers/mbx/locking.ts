// mbx locking as c-client does it (locking.md 5): every session holds a shared
// flock on the mailbox file; parsing, appending, flag writes and expunges are
// serialised by the exclusive /tmp/.DEV.INO lock ("parse/append permission"),
// named after the open descriptor's device and inode.
import { MailboxLocked } from '../../errors.js';
import { acquireTmpLock, flockNow, flockWait, tmpLockName, type TmpLock } from '../../locks/index.js';
import { fstat } from '../../io/fd.js';

/** Takes the parse/append lock, waiting up to timeoutMs. */
export async function parseLock(fd: number, mailbox: string, timeoutMs: number): Promise<TmpLock> {
  const st = await fstat(fd);
  const lock = await acquireTmpLock(st.dev, st.ino, 'exclusive', timeoutMs);
  if (!lock) {
    throw new MailboxLocked(mailbox,
      `Mailbox ${mailbox} is locked by another process (waited ${Math.round(timeoutMs / 1000)} s for ${tmpLockName(st.dev, st.ino)})`);
  }
  return lock;
}

/** Runs fn holding the parse/append lock. */
export async function withParseLock<T>(fd: number, mailbox: string, timeoutMs: number, fn: () => Promise<T>): Promise<T> {
  const lock = await parseLock(fd, mailbox, timeoutMs);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/** The session's shared flock, taken while the parse/append lock is held. */
export async function sessionLock(fd: number, mailbox: string, timeoutMs: number): Promise<void> {
  if (!(await flockWait(fd, 'shared', timeoutMs))) {
    throw new MailboxLocked(mailbox, `Mailbox ${mailbox} is locked by another process (it is being rewritten)`);
  }
}

/**
 * Tries to turn the session's shared flock into an exclusive one, without waiting (the
 * parse/append lock must be held: flock converts by unlocking first). False when another
 * session has the file open; the shared lock is then taken back.
 */
export async function tryExclusive(fd: number, mailbox: string, timeoutMs: number): Promise<boolean> {
  if (flockNow(fd, 'exclusive')) return true;
  await sessionLock(fd, mailbox, timeoutMs);
  return false;
}
