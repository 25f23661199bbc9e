// The locks c-client's mbx, mtx and tenex drivers take (locking.md 5, 6): every
// session holds a shared flock on the mailbox file, and the /tmp/.DEV.INO lock,
// named after the open descriptor's device and inode, serialises the work on it
// (each format says in which mode for what).
import fs from 'node:fs';
import { MailboxLocked, MailboxNotFound, ioError } from '../../errors.js';
import { fstat } from '../../io/fd.js';
import { acquireTmpLock, flockNow, flockWait, tmpLockName, type FlockMode, type TmpLock } from '../../locks/index.js';
import type { LocalRef } from '../../store/types.js';

/** Takes the /tmp lock in `mode`, waiting up to timeoutMs for it. */
export async function tmpLock(fd: number, mailbox: string, mode: FlockMode, timeoutMs: number): Promise<TmpLock> {
  const st = await fstat(fd);
  const lock = await acquireTmpLock(st.dev, st.ino, mode, timeoutMs);
  if (!lock) {
    throw new MailboxLocked(mailbox,
      `Mailbox ${mailbox} is locked by another process (waited ${Math.round(timeoutMs / 1000)} s for ${tmpLockName(st.dev, st.ino)})`);
  }
  return lock;
}

/** Runs fn holding the /tmp lock in `mode`. */
export async function withTmpLock<T>(
  fd: number, mailbox: string, mode: FlockMode, timeoutMs: number, fn: () => Promise<T>,
): Promise<T> {
  const lock = await tmpLock(fd, mailbox, mode, timeoutMs);
  try {
    return await fn();
  } finally {
    lock.release();
  }
}

/**
 * The session's shared flock on the mailbox file, waiting up to timeoutMs for a process that holds it
 * exclusively; `exclusiveWork` says what such a process does ("rewritten", "expunged"), for the error.
 */
export async function sessionLock(fd: number, mailbox: string, timeoutMs: number, exclusiveWork: string): Promise<void> {
  if (!(await flockWait(fd, 'shared', timeoutMs))) {
    throw new MailboxLocked(mailbox, `Mailbox ${mailbox} is locked by another process (it is being ${exclusiveWork})`);
  }
}

/**
 * Turns the session's shared flock into an exclusive one without waiting; the exclusive /tmp lock
 * must be held, since flock converts by unlocking first. False when another process has the file
 * open; the shared lock is then taken back.
 */
export async function tryExclusive(fd: number, mailbox: string, timeoutMs: number, exclusiveWork: string): Promise<boolean> {
  if (flockNow(fd, 'exclusive')) return true;
  await sessionLock(fd, mailbox, timeoutMs, exclusiveWork);
  return false;
}

/** What withWholeFile says when it cannot open the file, and when fn fails. */
export interface WholeFileErrors {
  readonly open: string;
  readonly change: string;
}

/**
 * Runs fn (a delete or a rename) while no other session has the file open, as c-client's
 * mbx_rename, mtx_rename and tenex_rename: under the exclusive /tmp lock, with the file's flock
 * taken exclusively without waiting.
 */
export async function withWholeFile(
  ref: LocalRef, timeoutMs: number, errors: WholeFileErrors, fn: () => void,
): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(ref.path, fs.constants.O_RDWR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(ref.name);
    throw ioError(e, errors.open);
  }
  try {
    await withTmpLock(fd, ref.name, 'exclusive', timeoutMs, async () => {
      if (!flockNow(fd, 'exclusive')) throw new MailboxLocked(ref.name, `Mailbox ${ref.name} is in use by another process`);
      try {
        fn();
      } catch (e) {
        throw ioError(e, errors.change);
      } finally {
        flockNow(fd, 'unlock');
      }
    });
  } finally {
    fs.closeSync(fd);
  }
}
