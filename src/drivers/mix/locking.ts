// mix locking as c-client does it (formats-dir.md 2.13, locking.md 7): every
// open holds a shared flock on .mixmeta; .mixindex and .mixstatus are opened
// and flocked for each pass (exclusive to change, shared to read), always in
// the order .mixmeta -> .mixindex -> .mixstatus; space is reclaimed only under
// an exclusive .mixmeta lock, which exists only when nobody else has the
// mailbox open.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxLocked, ioError } from '../../errors.js';
import { flockNow, flockWait, type FlockMode } from '../../locks/index.js';
import { MixDamage } from './damage.js';

/** Opens a mix file and flocks it, waiting up to timeoutMs; the descriptor must be closed by the caller. */
export async function openLocked(dir: string, file: string, mode: FlockMode, mailbox: string, timeoutMs: number): Promise<number> {
  let fd: number;
  try {
    fd = fs.openSync(path.join(dir, file), mode === 'exclusive' ? fs.constants.O_RDWR : fs.constants.O_RDONLY);
  } catch (e) {
    const what = file === '.mixindex' ? 'index' : file === '.mixstatus' ? 'status' : 'metadata';
    throw new MixDamage(file, 0, ioError(e, `Error opening mix ${what} file`).message);
  }
  if (!(await flockWait(fd, mode, timeoutMs))) {
    fs.closeSync(fd);
    throw new MailboxLocked(mailbox,
      `Mailbox ${mailbox} is locked by another process (waited ${Math.round(timeoutMs / 1000)} s for ${file})`);
  }
  return fd;
}

/** Unlocks and closes (closing alone would release the lock too; unlocking first says so). */
export function closeLocked(fd: number): void {
  flockNow(fd, 'unlock');
  fs.closeSync(fd);
}

/**
 * Tries to turn the session's shared .mixmeta lock into an exclusive one, without waiting.
 * flock converts by unlocking first, so on failure the shared lock is taken back at once
 * (c-client does the same; .mixindex is held exclusively meanwhile, so no pass of another
 * process can start).
 */
export function tryExclusiveMeta(metaFd: number, mailbox: string): boolean {
  if (flockNow(metaFd, 'exclusive')) return true;
  backToShared(metaFd, mailbox);
  return false;
}

export function backToShared(metaFd: number, mailbox: string): void {
  if (!flockNow(metaFd, 'shared')) {
    throw new MailboxLocked(mailbox, `Unable to re-acquire metadata shared lock! (${mailbox})`);
  }
}
