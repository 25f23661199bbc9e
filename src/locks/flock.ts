// flock(2) with c-client's wrapper semantics (locking.md 1): retry on EINTR,
// treat NFS's "no locks available" as success (c-client never locks there),
// and fail a non-blocking request that would block.
import { MailsmithError } from '../errors.js';
import {
  EAGAIN, EINTR, ENOLCK, LOCK_EX, LOCK_NB, LOCK_SH, LOCK_UN, flockSyscall, onNfs,
} from '../io/native.js';

export type FlockMode = 'shared' | 'exclusive';

const OPERATION: Record<FlockMode | 'unlock', number> = { shared: LOCK_SH, exclusive: LOCK_EX, unlock: LOCK_UN };

/** One non-blocking attempt; true when the lock is held (or on an NFS mount without flock). */
export function flockNow(fd: number, mode: FlockMode | 'unlock'): boolean {
  const op = mode === 'unlock' ? LOCK_UN : OPERATION[mode] | LOCK_NB;
  for (;;) {
    const errno = flockSyscall(fd, op);
    if (errno === 0) return true;
    if (errno === EINTR) continue;
    if (errno === EAGAIN) return false;
    if (errno === ENOLCK && onNfs(fd)) return true;
    if (errno === ENOLCK) return false;
    throw new MailsmithError('io', `Unexpected file locking failure: errno ${errno}`);
  }
}

/** Polls until the lock is held or timeoutMs passes, without blocking the event loop. */
export async function flockWait(fd: number, mode: FlockMode, timeoutMs: number): Promise<boolean> {
  if (flockNow(fd, mode)) return true;
  const deadline = Date.now() + timeoutMs;
  let delay = 5;
  while (Date.now() < deadline) {
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
    if (flockNow(fd, mode)) return true;
    delay = Math.min(delay * 2, 200);
  }
  return false;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
