// PATH.lock dot-locks (locking.md 3), made the NFS-safe way c-client makes
// them: a unique "hitching post" file hard-linked to the lock name. Like
// liblockfile (Debian's mail delivery), mailsmith writes its PID into the lock,
// so that a lock left by a killed process on this machine is known at once for
// what it is, instead of blocking the mailbox for c-client's 5 minutes. Empty
// locks (c-client's own) and locks on NFS are judged by age only.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailboxLocked } from '../errors.js';
import { onNfs } from '../io/native.js';
import { sleep } from './flock.js';

export interface DotLock {
  release(): void;
}

/** A lock this old (by ctime) was left by a dead process; c-client overrides it after 5 minutes. */
export const DOTLOCK_STALE_MS = 5 * 60_000;
/** c-client does not dot-lock paths this long. */
const MAX_LOCKED_PATH = 512;

const NO_LOCK: DotLock = { release() {} };

export interface DotLockOptions {
  /** How long to wait for a live lock before giving up with MailboxLocked. */
  readonly timeoutMs: number;
  readonly warn: (text: string) => void;
  /** Age (by ctime) from which a lock counts as stale; tests shorten it. */
  readonly staleMs?: number;
}

export async function acquireDotLock(mailboxPath: string, opts: DotLockOptions): Promise<DotLock> {
  const lockName = `${mailboxPath}.lock`;
  if (lockName.length > MAX_LOCKED_PATH) return NO_LOCK;
  const staleMs = opts.staleMs ?? DOTLOCK_STALE_MS;
  const deadline = Date.now() + opts.timeoutMs;
  let warned = false;
  for (;;) {
    const attempt = tryCreate(lockName, opts.warn);
    if (attempt !== 'busy') return attempt;
    const age = lockAgeMs(lockName);
    if (age !== undefined && age >= staleMs) {
      override(lockName);
      opts.warn(`Mailbox ${mailboxPath} lock overridden (stale ${lockName})`);
      return held(lockName);
    }
    const dead = deadHolder(lockName);
    if (dead !== undefined) {
      override(lockName);
      opts.warn(`Mailbox ${mailboxPath} lock overridden (${lockName} was left by process ${dead}, which has exited)`);
      return held(lockName);
    }
    if (Date.now() >= deadline) {
      throw new MailboxLocked(mailboxPath,
        `Mailbox ${mailboxPath} is locked by another process (${lockName}); try again later`);
    }
    if (!warned) {
      opts.warn(`Mailbox ${mailboxPath} is locked (${lockName}), waiting up to ${Math.ceil(opts.timeoutMs / 1000)} seconds`);
      warned = true;
    }
    await sleep(Math.min(250, Math.max(1, deadline - Date.now())));
  }
}

/** Our lock, 'busy' when someone else holds it, or NO_LOCK when the directory cannot take one. */
function tryCreate(lockName: string, warn: (t: string) => void): DotLock | 'busy' {
  try {
    if (fs.lstatSync(lockName).isSymbolicLink()) {
      warn(`symbolic link on lock name ${lockName}`);
      return NO_LOCK;
    }
    return 'busy';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') return vulnerable(lockName, e, warn);
  }
  const post = `${lockName}.${Math.floor(Date.now() / 1000)}.${process.pid}.${os.hostname()}`;
  const old = process.umask(0);
  try {
    writeOwner(fs.openSync(post, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o666));
  } catch (e) {
    return vulnerable(lockName, e, warn);
  } finally {
    process.umask(old);
  }
  try {
    try {
      fs.linkSync(post, lockName);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EPERM') return createDirectly(lockName);
      // EEXIST and friends: the link count below tells whether the lock is ours
    }
    // NFS can report a failed link that succeeded; the link count is the truth
    if (fs.statSync(post).nlink !== 2) return 'busy';
    chmod666(lockName);
    return held(lockName);
  } finally {
    try {
      fs.unlinkSync(post);
    } catch {
      // nothing to clean up
    }
  }
}

/** File systems without hard links: an exclusive create is the best we can do. */
function createDirectly(lockName: string): DotLock | 'busy' {
  const old = process.umask(0);
  try {
    writeOwner(fs.openSync(lockName, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o666));
    return held(lockName);
  } catch {
    return 'busy';
  } finally {
    process.umask(old);
  }
}

/** The directory will not take a lock file: go on with flock alone, and say so, as c-client does. */
function vulnerable(lockName: string, e: unknown, warn: (t: string) => void): DotLock {
  const dir = path.dirname(lockName);
  if ((e as NodeJS.ErrnoException).code === 'EACCES') {
    warn(`Mailbox vulnerable - directory ${dir} must have 1777 protection`);
  } else {
    warn(`Mailbox vulnerable - error creating ${lockName}: ${(e as Error).message}`);
  }
  return NO_LOCK;
}

function lockAgeMs(lockName: string): number | undefined {
  try {
    return Date.now() - fs.statSync(lockName).ctimeMs;
  } catch {
    return undefined;
  }
}

function override(lockName: string): void {
  try {
    fs.unlinkSync(lockName);
  } catch {
    // gone already
  }
  const old = process.umask(0);
  try {
    writeOwner(fs.openSync(lockName, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, 0o666));
  } finally {
    process.umask(old);
  }
  chmod666(lockName);
}

/** Writes our PID into a new lock file (liblockfile's format: the number and a newline) and closes it. */
function writeOwner(fd: number): void {
  try {
    fs.writeSync(fd, `${process.pid}\n`);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The PID in a lock file whose writer has exited, on a local file system; undefined when the
 * lock is empty (c-client's), holds anything else, is on NFS (the PID may be another host's),
 * or its process lives.
 */
function deadHolder(lockName: string): number | undefined {
  let fd: number;
  try {
    fd = fs.openSync(lockName, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    if (onNfs(fd)) return undefined;
    const buf = Buffer.alloc(32);
    const text = buf.toString('latin1', 0, fs.readSync(fd, buf, 0, buf.length, 0));
    const m = /^\s*(\d{1,10})\s*$/.exec(text);
    const pid = m ? Number(m[1]) : 0;
    return pid > 1 && !processExists(pid) ? pid : undefined;
  } finally {
    fs.closeSync(fd);
  }
}

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, owned by someone else
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function chmod666(lockName: string): void {
  try {
    fs.chmodSync(lockName, 0o666);
  } catch {
    // anyone may break a lock only if it is 0666; failing here is not fatal for us
  }
}

function held(lockName: string): DotLock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        fs.unlinkSync(lockName);
      } catch {
        // someone broke our lock; nothing more to do
      }
    },
  };
}
