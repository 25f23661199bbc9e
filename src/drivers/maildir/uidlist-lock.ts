// dovecot-uidlist.lock, Dovecot's dot-lock for a Maildir folder (formats-dir.md
// 6.6, 6.8; Dovecot's file_dotlock): whoever renames or unlinks message files,
// or changes dovecot-uidlist or dovecot-keywords, holds it. It is created with
// O_EXCL and holds "<pid>:<host>". A lock is stale when its holder is a process
// of this host that is gone (checked once the lock is 2 seconds old), or when
// neither it nor the uidlist changed for 2 minutes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MailboxLocked, MailboxNotFound, ioError } from '../../errors.js';
import { sleep } from '../../locks/flock.js';
import { UIDLIST_FILE } from './uidlist.js';

export const LOCK_FILE = 'dovecot-uidlist.lock';
/** Dovecot's MAILDIR_UIDLIST_LOCK_STALE_TIMEOUT. */
export const STALE_MS = 120_000;
/** Dovecot reads the holder's PID only from a lock older than this (STALE_PID_CHECK_SECS). */
const PID_CHECK_AGE_MS = 2_000;
/** A holder of a long operation refreshes its lock this often, so that other hosts never think it stale. */
const TOUCH_EVERY_MS = 30_000;

export interface UidlistLockOptions {
  readonly timeoutMs: number;
  readonly warn: (text: string) => void;
  /** How long without change makes a lock stale (tests shorten it). */
  readonly staleMs?: number;
}

export class UidlistLock {
  private released = false;
  private touched = Date.now();

  private constructor(private readonly file: string, private readonly dev: number, private readonly ino: number,
    private readonly warn: (text: string) => void) {}

  /** One O_EXCL attempt; undefined when someone holds the lock. */
  private static tryCreate(file: string, mailbox: string, warn: (text: string) => void): UidlistLock | undefined {
    let fd: number;
    try {
      fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return undefined;
      if (code === 'ENOENT') throw new MailboxNotFound(mailbox);
      throw ioError(e, `can't create ${file}`);
    }
    try {
      fs.writeSync(fd, holderText());
      const st = fs.fstatSync(fd);
      return new UidlistLock(file, st.dev, st.ino, warn);
    } catch (e) {
      fs.rmSync(file, { force: true });
      throw ioError(e, `can't write ${file}`);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Waits for the lock up to timeoutMs (overriding a stale one); MailboxLocked after that. */
  static async acquire(dir: string, mailbox: string, opts: UidlistLockOptions): Promise<UidlistLock> {
    const file = path.join(dir, LOCK_FILE);
    const staleMs = opts.staleMs ?? STALE_MS;
    const deadline = Date.now() + opts.timeoutMs;
    let warned = false;
    for (;;) {
      const lock = UidlistLock.tryCreate(file, mailbox, opts.warn);
      if (lock) return lock;
      const stale = staleness(dir, file, staleMs);
      if (stale) {
        overrideIfSame(file, stale.ino);
        opts.warn(`${mailbox}: overriding a stale ${LOCK_FILE} (${stale.why})`);
        continue;
      }
      if (Date.now() >= deadline) {
        throw new MailboxLocked(mailbox, `Mailbox ${mailbox} is locked by another process (${LOCK_FILE}); try again later`);
      }
      if (!warned) {
        opts.warn(`Mailbox ${mailbox} is locked (${LOCK_FILE}), waiting up to ${Math.ceil(opts.timeoutMs / 1000)} seconds`);
        warned = true;
      }
      await sleep(Math.min(100 + Math.floor(Math.random() * 100), Math.max(1, deadline - Date.now())));
    }
  }

  /** Refreshes the lock's times during a long operation (Dovecot's file_dotlock_touch), at most every 30 s. */
  touch(): void {
    const now = Date.now();
    if (now - this.touched < TOUCH_EVERY_MS) return;
    this.touched = now;
    try {
      fs.utimesSync(this.file, now / 1000, now / 1000);
    } catch {
      // a lock someone broke is reported on release
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      const st = fs.lstatSync(this.file);
      // an inode number can come back at once for a new file: what it holds must be ours too
      if (st.dev !== this.dev || st.ino !== this.ino || fs.readFileSync(this.file, 'utf8') !== holderText()) {
        this.warn(`${this.file} was overridden by another process while mailsmith held it`);
        return;
      }
      fs.unlinkSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        this.warn(`${this.file} was removed by another process while mailsmith held it`);
        return;
      }
      throw ioError(e, `can't remove ${this.file}`);
    }
  }

}

function holderText(): string {
  return `${process.pid}:${os.hostname()}`;
}

/** Why the present lock may be overridden, or undefined while its holder may still be at work. */
function staleness(dir: string, file: string, staleMs: number): { ino: number; why: string } | undefined {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(file);
  } catch {
    return undefined; // gone: the next attempt takes it
  }
  const now = Date.now();
  const holder = readHolder(file);
  if (holder && now - st.mtimeMs >= PID_CHECK_AGE_MS) {
    if (!alive(holder.pid)) return { ino: st.ino, why: `process ${holder.pid} that made it is gone` };
    return undefined;
  }
  if (holder) return undefined;
  let lastChange = Math.max(st.mtimeMs, st.ctimeMs);
  try {
    lastChange = Math.max(lastChange, fs.statSync(path.join(dir, UIDLIST_FILE)).mtimeMs);
  } catch {
    // no uidlist: only the lock's own times count
  }
  if (now - lastChange > staleMs) return { ino: st.ino, why: `unchanged for ${Math.round((now - lastChange) / 1000)} seconds` };
  return undefined;
}

/** The PID in a lock made on this host ("<pid>:<host>"); undefined for another host or no PID. */
function readHolder(file: string): { pid: number } | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8').slice(0, 512).replace(/\n$/, '');
  } catch {
    return undefined;
  }
  const colon = text.indexOf(':');
  if (colon < 0 || text.slice(colon + 1) !== os.hostname()) return undefined;
  const pid = Number(text.slice(0, colon));
  return Number.isInteger(pid) && pid > 0 ? { pid } : undefined;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** Removes the lock only if it is still the file judged stale (another waiter may have replaced it). */
function overrideIfSame(file: string, ino: number): void {
  try {
    if (fs.lstatSync(file).ino === ino) fs.unlinkSync(file);
  } catch {
    // already gone
  }
}
