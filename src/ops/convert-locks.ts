// The locks convert-format holds on the mailbox it replaces, composed per source format from
// c-client's protocol (locking.md) in two steps:
//
//   hold      while the new mailbox is built and verified: what keeps every other writer
//             out and still lets mailsmith's own read-only open of the source through
//             (an open takes its own locks, in this same process):
//               unix, mmdf  the read-write session lock (/tmp/.DEV.INO exclusive, our PID in it,
//                           SIGUSR2 deferred), which every other read-write session needs
//               tenex, mtx  /tmp/.DEV.INO shared, which every append and expunge needs exclusive
//               mix         .mixindex shared, which every change needs exclusive
//               mx          .mxindex shared, likewise
//               mbx, mh, maildir  nothing can be held: mbx's own open needs the parse lock
//                           exclusive, mh has no locks, Maildir deliveries take none
//   swap      once the source is closed, what c-client takes to rewrite, expunge or delete:
//               unix, mmdf  the session lock plus PATH.lock and an exclusive flock (deliveries wait)
//               mbx, tenex, mtx  /tmp/.DEV.INO exclusive and an exclusive flock: nobody has the file open
//               mix         .mixmeta exclusive (nobody has it open) and .mixindex exclusive
//               mx          .mxindex exclusive
//
// Whatever the format, the swap goes ahead only if the mailbox is exactly as it was when the
// hold began (a fingerprint of inode, size and modification time of the file, or of every
// entry of the directory): a delivery or a flag change that got in meanwhile (where nothing
// could be held) makes the caller throw the new mailbox away and convert again.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { MailboxLocked, ioError } from '../errors.js';
import { mbxRepairKit, type ReplacementLock } from '../drivers/mbx/index.js';
import { berkeleyReplaceKit } from '../drivers/unix/index.js';
import {
  acquireDotLock, acquireTmpLock, flockNow, flockWait, type DotLock, type TmpLock,
} from '../locks/index.js';
import type { FormatName, StoreContext } from '../store/types.js';
import { saveLateAppend } from './repair-files.js';

export interface ConversionLock {
  /**
   * Takes the swap locks (the source must be closed by now) and says whether the mailbox is
   * as it was when the hold began. False: it changed; the locks are let go again.
   */
  forSwap(): Promise<boolean>;
  /**
   * After the swap: lets every lock go. An mbx, tenex or mtx append that had opened the old
   * file just before the swap, and was waiting for the locks, writes into the old file: its
   * bytes are saved in NAME.badmsg.N and the user told (as repair-mbx does).
   */
  settle(): Promise<void>;
  /** Lets every lock go (without a swap); once. */
  release(): void;
  /** Whether the mailbox is still as it was when the hold began. */
  unchanged(): boolean;
}

type Releaser = () => void;
type Settler = () => Promise<void>;

export async function holdForConversion(mailboxPath: string, name: string, format: FormatName, ctx: StoreContext): Promise<ConversionLock> {
  const held: Releaser[] = [];
  let settler: Settler | undefined;
  const release = (): void => {
    settler = undefined;
    for (const r of held.splice(0).reverse()) r();
  };
  try {
    const hold = await holdLocks(mailboxPath, name, format, ctx);
    held.push(hold.release);
    const before = fingerprint(mailboxPath);
    return {
      async forSwap(): Promise<boolean> {
        const swap = await hold.swap();
        held.push(swap.release);
        settler = swap.settle;
        if (fingerprint(mailboxPath) === before) return true;
        release();
        return false;
      },
      async settle(): Promise<void> {
        const s = settler;
        settler = undefined;
        try {
          await s?.();
        } finally {
          release();
        }
      },
      release,
      unchanged: () => fingerprint(mailboxPath) === before,
    };
  } catch (e) {
    release();
    throw e;
  }
}

interface Swap {
  readonly release: Releaser;
  readonly settle?: Settler;
}

interface Hold {
  readonly release: Releaser;
  swap(): Promise<Swap>;
}

const timeoutText = (ms: number): string => `${Math.round(ms / 1000)} s`;

async function holdLocks(mailboxPath: string, name: string, format: FormatName, ctx: StoreContext): Promise<Hold> {
  const timeout = ctx.lockTimeoutMs;
  switch (format) {
    case 'unix':
    case 'mmdf': {
      const session = await berkeleyReplaceKit.acquireSessionLock(mailboxPath, name, ctx.lockTimeoutMs, ctx, true);
      return {
        release: () => session.releaseSession(),
        async swap() {
          const dot: DotLock = await acquireDotLock(mailboxPath, { timeoutMs: timeout, warn: ctx.warn });
          try {
            const fd = await openFlocked(mailboxPath, name, 'exclusive', timeout);
            return {
              release: () => {
                fs.closeSync(fd);
                dot.release();
              },
            };
          } catch (e) {
            dot.release();
            throw e;
          }
        },
      };
    }
    case 'tenex':
    case 'mtx': {
      const st = statOf(mailboxPath, name);
      let shared: TmpLock | undefined = (await acquireTmpLock(st.dev, st.ino, 'shared', timeout)) ?? undefined;
      if (!shared) throw new MailboxLocked(name, `Mailbox ${name} is locked by another process (waited ${timeoutText(timeout)})`);
      const letGo = (): void => {
        shared?.release();
        shared = undefined;
      };
      return {
        release: letGo,
        async swap() {
          // c-client's expunge takes the same two locks for tenex and mtx as for mbx (locking.md 6)
          letGo();
          return replacementLock(mailboxPath, name, ctx);
        },
      };
    }
    case 'mbx':
      return { release: () => {}, swap: () => replacementLock(mailboxPath, name, ctx) };
    case 'mix': {
      const index = await openFlocked(path.join(mailboxPath, '.mixindex'), name, 'shared', timeout);
      return {
        release: () => fs.closeSync(index),
        async swap() {
          const meta = await openFlocked(path.join(mailboxPath, '.mixmeta'), name, 'exclusive', timeout, 'in use by another process');
          if (!(await flockWait(index, 'exclusive', timeout))) {
            fs.closeSync(meta);
            throw new MailboxLocked(name, `Mailbox ${name} is locked by another process (waited ${timeoutText(timeout)} for .mixindex)`);
          }
          return {
            release: () => {
              flockNow(index, 'shared');
              fs.closeSync(meta);
            },
          };
        },
      };
    }
    case 'mx': {
      const index = await openFlocked(path.join(mailboxPath, '.mxindex'), name, 'shared', timeout);
      return {
        release: () => fs.closeSync(index),
        async swap() {
          if (!(await flockWait(index, 'exclusive', timeout))) {
            throw new MailboxLocked(name, `Mailbox ${name} is locked by another process (waited ${timeoutText(timeout)} for .mxindex)`);
          }
          return { release: () => flockNow(index, 'shared') };
        },
      };
    }
    default:
      return { release: () => {}, swap: async () => ({ release: () => {} }) };
  }
}

async function replacementLock(mailboxPath: string, name: string, ctx: StoreContext): Promise<Swap> {
  const lock: ReplacementLock = await mbxRepairKit.lockForReplacement(mailboxPath, name, ctx.lockTimeoutMs);
  return {
    release: () => lock.close(),
    async settle() {
      const size = await lock.releaseAndSettle(ctx.lockTimeoutMs);
      if (size > lock.size) await saveLateAppend(mailboxPath, name, lock.fd, lock.size, size, ctx.warn, 'converted');
    },
  };
}

async function openFlocked(
  file: string, name: string, mode: 'shared' | 'exclusive', timeout: number, why = 'locked by another process',
): Promise<number> {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY);
  } catch (e) {
    throw ioError(e, `can't open ${file}`);
  }
  if (!(await flockWait(fd, mode, timeout))) {
    fs.closeSync(fd);
    throw new MailboxLocked(name, `Mailbox ${name} is ${why} (waited ${timeoutText(timeout)} for ${path.basename(file)})`);
  }
  return fd;
}

function statOf(p: string, name: string): fs.BigIntStats {
  try {
    return fs.statSync(p, { bigint: true });
  } catch (e) {
    throw ioError(e, `can't open ${name}`);
  }
}

/**
 * Inode, size and modification time of the file, or of the directory and every entry below it
 * (access times and ctimes are left out: reading a mailbox may move them).
 */
export function fingerprint(p: string): string {
  const hash = createHash('sha256');
  const visit = (file: string, rel: string): void => {
    const st = fs.lstatSync(file, { bigint: true });
    hash.update(`${rel}\0${st.ino}\0${st.size}\0${st.mtimeNs}\0${st.mode}\n`);
    if (st.isDirectory()) for (const n of fs.readdirSync(file).sort()) visit(path.join(file, n), `${rel}/${n}`);
  };
  visit(p, '.');
  return hash.digest('hex');
}
