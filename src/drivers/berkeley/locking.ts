// c-client's locking protocol for unix and mmdf mailboxes (locking.md 4), composed from
// src/locks: a read-write session holds an exclusive flock on /tmp/.DEV.INO
// with its PID in it; every read or write of the file is bracketed by the
// PATH.lock dot-lock and a flock on the mailbox (shared to read, exclusive to
// write or append).
import fs from 'node:fs';
import { MailboxLocked, ioError } from '../../errors.js';
import {
  acquireDotLock, acquireTmpLock, flockNow, flockWait, guardAgainstKissOfDeath,
  type DotLock, type FlockMode, type TmpLock,
} from '../../locks/index.js';
import type { StoreContext } from '../../store/types.js';

function inUse(name: string): MailboxLocked {
  return new MailboxLocked(name, `Mailbox ${name} is in use by another process`);
}

function identity(path: string, name: string): { dev: bigint; ino: bigint } {
  try {
    const st = fs.statSync(path, { bigint: true });
    return { dev: st.dev, ino: st.ino };
  } catch (e) {
    throw ioError(e, `Can't open mailbox ${name}`);
  }
}

/**
 * The read-write session lock on the file now at path. timeoutMs 0 is one
 * attempt (delete and rename); no kiss of death is ever sent.
 */
export async function acquireSessionLock(
  path: string, name: string, timeoutMs: number, ctx: StoreContext, writePid: boolean,
): Promise<TmpLock> {
  for (;;) {
    const id = identity(path, name);
    const lock = await acquireTmpLock(id.dev, id.ino, 'exclusive', timeoutMs);
    if (!lock) throw inUse(name);
    // the file may have been replaced while we waited: the lock must name the file at path
    const now = identity(path, name);
    if (now.dev === id.dev && now.ino === id.ino) {
      if (writePid) {
        // c-client asks a PID holder to let go with SIGUSR2; never die of it mid-write
        guardAgainstKissOfDeath(ctx.warn);
        lock.writePid();
      }
      return lock;
    }
    lock.releaseSession();
  }
}

/** The session lock for a file that is about to replace the mailbox (same name, new inode). */
export async function sessionLockForFd(fd: number, name: string, ctx: StoreContext): Promise<TmpLock> {
  const st = fs.fstatSync(fd, { bigint: true });
  const lock = await acquireTmpLock(st.dev, st.ino, 'exclusive', ctx.lockTimeoutMs);
  if (!lock) throw inUse(name);
  lock.writePid();
  return lock;
}

/** The session lock if nobody holds it now, without writing a PID (nobody may ask us to let go). */
export async function trySessionLock(path: string, name: string, ctx: StoreContext): Promise<TmpLock | undefined> {
  try {
    return await acquireSessionLock(path, name, 0, ctx, false);
  } catch (e) {
    if (e instanceof MailboxLocked) return undefined;
    throw e;
  }
}

/** The dot-lock and a flock on a descriptor opened by path, released together. */
export interface FileLock {
  readonly fd: number;
  /** Drops the dot-lock but keeps the descriptor and its flock. */
  releaseDotLock(): void;
  /** Drops the flock and the dot-lock; the descriptor stays open. */
  unlock(): void;
  /** Unlocks and closes the descriptor. */
  release(): void;
}

/** Dot-locks path, opens it with flags and flocks it in mode (locking.md 4.3). */
export async function lockFile(
  path: string, name: string, flags: number, mode: FlockMode, ctx: StoreContext,
): Promise<FileLock> {
  const dot: DotLock = await acquireDotLock(path, { timeoutMs: ctx.lockTimeoutMs, warn: ctx.warn });
  let fd: number;
  try {
    fd = fs.openSync(path, flags);
  } catch (e) {
    dot.release();
    throw ioError(e, `Can't open mailbox ${name}`);
  }
  if (!(await flockWait(fd, mode, ctx.lockTimeoutMs))) {
    fs.closeSync(fd);
    dot.release();
    throw new MailboxLocked(name, `Mailbox ${name} is locked by another process`);
  }
  let dotHeld = true;
  let locked = true;
  let open = true;
  const releaseDotLock = (): void => {
    if (dotHeld) dot.release();
    dotHeld = false;
  };
  const unlock = (): void => {
    if (locked) flockNow(fd, 'unlock');
    locked = false;
    releaseDotLock();
  };
  return {
    fd,
    releaseDotLock,
    unlock,
    release() {
      unlock();
      if (open) fs.closeSync(fd);
      open = false;
    },
  };
}
