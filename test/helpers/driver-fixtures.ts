// What most driver tests start from: the clock and identity of the specs'
// worked examples, and content hashes to compare files by.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import type { StoreContext } from '../../src/store/types.js';
import { recordingContext, type Recording } from './store.js';

/** Thu Nov  5 01:02:03 2026 UTC (0x6aebd58b), the clock of formats-flat.md's examples. */
export const PINNED = new Date(1793840523 * 1000);

/** A context recording what the driver says, with the specs' user, host and clock. */
export function specContext(overrides: Partial<StoreContext> = {}): Recording {
  return recordingContext({ lockTimeoutMs: 2000, user: 'user', host: 'host', now: () => PINNED, ...overrides });
}

export const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export const fileSha = (p: string): string => sha256(fs.readFileSync(p));
