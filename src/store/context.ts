// The StoreContext a command hands to the engine.
import os from 'node:os';
import type { StoreContext } from './types.js';

/** Seconds a command waits for another process's lock before it reports the mailbox as locked. */
export const DEFAULT_LOCK_TIMEOUT_MS = 10_000;

export function makeStoreContext(overrides: Partial<StoreContext> = {}): StoreContext {
  return {
    warn: () => {},
    note: () => {},
    lockTimeoutMs: DEFAULT_LOCK_TIMEOUT_MS,
    user: localUser(),
    host: shortHostName(),
    now: () => new Date(),
    lenient: false,
    ...overrides,
  };
}

function localUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return process.env.USER ?? process.env.LOGNAME ?? 'unknown';
  }
}

/** c-client writes the short host name in From_ lines and pseudo-messages. */
function shortHostName(): string {
  return os.hostname().split('.')[0] || 'localhost';
}
