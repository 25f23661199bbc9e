// c-client's /tmp/.DEV.INO lock files (locking.md 2): named after the device
// and inode of the mailbox, so the lock follows the file, not its name.
import fs from 'node:fs';
import { MailsmithError } from '../errors.js';
import { flockNow, sleep, type FlockMode } from './flock.js';

export interface TmpLock {
  readonly path: string;
  readonly fd: number;
  /** A unix/mmdf read-write session writes its PID, so that others can ask it to let go. */
  writePid(): void;
  /** Releases the lock; the file is removed only when nobody else holds it. */
  release(): void;
  /** Releases a unix/mmdf session lock: unlock, close, remove the file. */
  releaseSession(): void;
}

export function tmpLockName(dev: bigint, ino: bigint): string {
  return `/tmp/.${dev.toString(16)}.${ino.toString(16)}`;
}

/** Opens (creating with mode 0666 if needed) the lock file, refusing symlinks and hard links. */
function openLockFile(name: string): number {
  for (;;) {
    let st: fs.Stats | undefined;
    try {
      st = fs.lstatSync(name);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw lockError(name, e);
    }
    if (st?.isSymbolicLink()) throw new MailsmithError('io', `symbolic link on lock name ${name}`);
    if (st && st.nlink > 1) throw new MailsmithError('io', `hard link to lock name ${name}`);
    try {
      if (st) return fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_NOFOLLOW);
      const old = process.umask(0);
      try {
        return fs.openSync(name, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o666);
      } finally {
        process.umask(old);
      }
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      // created or removed by someone else between our look and our open: look again
      if (code === 'EEXIST' || code === 'ENOENT') continue;
      throw lockError(name, e);
    }
  }
}

function lockError(name: string, e: unknown): MailsmithError {
  const reason = (e as Error).message;
  if (name.startsWith('/tmp/') && (e as NodeJS.ErrnoException).code === 'EACCES') {
    return new MailsmithError('io', `Can't lock for write: /tmp must have 1777 protection (${reason})`);
  }
  return new MailsmithError('io', `Can't open lock file ${name}: ${reason}`);
}

/** The lock file still is the one we locked: same inode, not a link, one name. */
function stillOurs(name: string, fd: number): boolean {
  try {
    const byName = fs.lstatSync(name);
    const byFd = fs.fstatSync(fd);
    return !byName.isSymbolicLink() && byName.nlink === 1 && byName.ino === byFd.ino && byName.dev === byFd.dev;
  } catch {
    return false;
  }
}

/** One attempt: the locked descriptor, or undefined if someone else holds the lock. */
function tryOnce(name: string, mode: FlockMode): number | undefined {
  for (;;) {
    const fd = openLockFile(name);
    if (!flockNow(fd, mode)) {
      fs.closeSync(fd);
      return undefined;
    }
    // someone may have removed the file between our open and our flock
    if (stillOurs(name, fd)) {
      try {
        fs.chmodSync(name, 0o666);
      } catch {
        // another user's file: its mode is already right, and only the flock matters
      }
      return fd;
    }
    fs.closeSync(fd);
  }
}

/** Takes the lock in the given mode, waiting up to timeoutMs (0: one attempt); null if not obtained. */
export async function acquireTmpLock(
  dev: bigint, ino: bigint, mode: FlockMode, timeoutMs: number,
): Promise<TmpLock | null> {
  const name = tmpLockName(dev, ino);
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  for (;;) {
    const fd = tryOnce(name, mode);
    if (fd !== undefined) return makeLock(name, fd);
    if (Date.now() >= deadline) return null;
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    delay = Math.min(delay * 2, 200);
  }
}

function makeLock(name: string, fd: number): TmpLock {
  let open = true;
  return {
    path: name,
    fd,
    writePid() {
      const pid = Buffer.from(String(process.pid));
      fs.writeSync(fd, pid, 0, pid.length, 0);
      fs.ftruncateSync(fd, pid.length);
      fs.fsyncSync(fd);
    },
    release() {
      if (!open) return;
      open = false;
      // only the last holder removes the file
      if (flockNow(fd, 'exclusive') && stillOurs(name, fd)) unlinkQuietly(name);
      flockNow(fd, 'unlock');
      fs.closeSync(fd);
    },
    releaseSession() {
      if (!open) return;
      open = false;
      flockNow(fd, 'unlock');
      fs.closeSync(fd);
      unlinkQuietly(name);
    },
  };
}

function unlinkQuietly(name: string): void {
  try {
    fs.unlinkSync(name);
  } catch {
    // already gone, or another user's file in sticky /tmp: a stale lock file is harmless
  }
}

/** The PID a unix/mmdf read-write session wrote into its lock file, if any. */
export function readTmpLockPid(dev: bigint, ino: bigint): number | undefined {
  try {
    const text = fs.readFileSync(tmpLockName(dev, ino), 'latin1').trim();
    return /^\d+$/.test(text) ? Number(text) : undefined;
  } catch {
    return undefined;
  }
}
