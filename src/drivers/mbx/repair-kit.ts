// The mbx driver's one door besides the Driver itself: what the repair-mbx operation
// (src/ops/repair-mbx.ts) and the deep check (src/ops/verify.ts) need of the format.
//
// Why a door and not imports of driver internals: the layout, c-client's error texts and
// the locking protocol are the driver's (DESIGN.md: a driver owns its format), and a
// repair needs all three in ways the Driver interface has no room for (read a file that
// no longer parses, lock it against every other process, write header lines for a new
// file). So the driver finds and names the damage (the survey) and knows the bytes and
// locks; the operation decides what to keep, where to put what cannot be kept, how to
// number, and when to replace the file. This object is the whole contract between them.
import fs from 'node:fs';
import { MailboxLocked, ioError } from '../../errors.js';
import { acquireTmpLock, flockNow, flockWait, type TmpLock } from '../../locks/index.js';
import { formatStatus } from './entry.js';
import { HEADER_SIZE, MAX_KEYWORDS, serializeHeader } from './header.js';
import { fstat } from '../../io/fd.js';
import { surveyMbx } from './survey.js';

export type { MbxSurvey, SurveyProblem, ProblemKind, ByteRange } from './survey.js';
export type { SizeFix } from './surveyed.js';

/** A file held against every other process (locking.md 5: /tmp/.DEV.INO and an exclusive flock). */
export interface ReplacementLock {
  /** Read-only descriptor of the locked file. */
  readonly fd: number;
  /** The file's size when the locks were obtained. */
  readonly size: number;
  /**
   * Releases both locks, then waits until no one holds a flock on this file any more: an
   * append that had opened it before it was replaced, and was waiting for the locks, has then
   * finished. Returns the file's size after it (more than `size` when such an append wrote here).
   */
  releaseAndSettle(timeoutMs: number): Promise<number>;
  /** Releases the locks (if held) and closes the descriptor; once. */
  close(): void;
}

/** A file held for reading as an mbx session holds it: a shared flock, appends allowed beyond `size`. */
export interface SurveyLock {
  readonly fd: number;
  readonly size: number;
  close(): void;
}

/** Time for a process blocked in flock(2) on the old file to be woken and take its lock. */
const SETTLE_GRACE_MS = 50;

async function openForLock(path: string, name: string): Promise<{ fd: number; dev: bigint; ino: bigint }> {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY);
  } catch (e) {
    throw ioError(e, `can't open ${name}`);
  }
  const st = await fstat(fd);
  return { fd, dev: st.dev, ino: st.ino };
}

async function tmpLock(dev: bigint, ino: bigint, name: string, timeoutMs: number): Promise<TmpLock> {
  const lock = await acquireTmpLock(dev, ino, 'exclusive', timeoutMs);
  if (!lock) throw new MailboxLocked(name, `Mailbox ${name} is locked by another process (waited ${Math.round(timeoutMs / 1000)} s)`);
  return lock;
}

/**
 * c-client's exclusive access to an mbx file (what its expunge and delete take): the
 * parse/append lock, then an exclusive flock, which no other session can hold its shared one
 * against. Fails with MailboxLocked when another process keeps the file open past timeoutMs.
 */
async function lockForReplacement(path: string, name: string, timeoutMs: number): Promise<ReplacementLock> {
  const { fd, dev, ino } = await openForLock(path, name);
  let lock: TmpLock | undefined;
  try {
    lock = await tmpLock(dev, ino, name, timeoutMs);
    if (!(await flockWait(fd, 'exclusive', timeoutMs))) {
      throw new MailboxLocked(name, `Mailbox ${name} is in use by another process`);
    }
    const size = Number((await fstat(fd)).size);
    let held: TmpLock | undefined = lock;
    let closed = false;
    const release = (): void => {
      if (!held) return;
      flockNow(fd, 'unlock');
      held.release();
      held = undefined;
    };
    return {
      fd,
      size,
      async releaseAndSettle(wait: number): Promise<number> {
        release();
        // c-client's append waits in flock(LOCK_SH) before it takes /tmp/.DEV.INO: let it run, then
        // wait for it to finish (an exclusive flock is granted only when no one holds a shared one)
        await new Promise((resolve) => setTimeout(resolve, SETTLE_GRACE_MS));
        const flocked = await flockWait(fd, 'exclusive', wait);
        try {
          return Number((await fstat(fd)).size);
        } finally {
          if (flocked) flockNow(fd, 'unlock');
        }
      },
      close(): void {
        if (closed) return;
        closed = true;
        release();
        fs.closeSync(fd);
      },
    };
  } catch (e) {
    lock?.release();
    fs.closeSync(fd);
    throw e;
  }
}

/** How a read-write mbx session opens (locking.md 5): a shared flock taken under the parse/append lock. */
async function lockForSurvey(path: string, name: string, timeoutMs: number): Promise<SurveyLock> {
  const { fd, dev, ino } = await openForLock(path, name);
  try {
    const lock = await tmpLock(dev, ino, name, timeoutMs);
    try {
      if (!(await flockWait(fd, 'shared', timeoutMs))) {
        throw new MailboxLocked(name, `Mailbox ${name} is locked by another process (it is being rewritten)`);
      }
      const size = Number((await fstat(fd)).size);
      return {
        fd,
        size,
        close(): void {
          flockNow(fd, 'unlock');
          fs.closeSync(fd);
        },
      };
    } finally {
      lock.release();
    }
  } catch (e) {
    fs.closeSync(fd);
    throw e;
  }
}

export const mbxRepairKit = {
  HEADER_SIZE,
  MAX_KEYWORDS,
  survey: surveyMbx,
  lockForReplacement,
  lockForSurvey,
  /** The 2048-byte header c-client writes; pid null leaves the PID field as NULs. */
  headerBytes: serializeHeader,
  /** A message's header line: the 26-byte date as it should stand, size, keyword mask, flags, UID. */
  entryLine(dateText: string, size: number, keywords: number, status: number, uid: number): string {
    return `${dateText},${size};${formatStatus(keywords, status, uid)}\r\n`;
  },
} as const;
