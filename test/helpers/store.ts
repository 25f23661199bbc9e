// Building engine inputs in tests: local references and a StoreContext that
// records warnings and notes instead of printing them.
import path from 'node:path';
import { makeStoreContext } from '../../src/store/index.js';
import type { LocalRef, StoreContext } from '../../src/store/types.js';

/** A plain local mailbox reference: `name` relative to `home`. */
export function localRef(home: string, name: string, extra: Partial<LocalRef> = {}): LocalRef {
  return {
    kind: 'local', name, path: path.join(home, name), isInbox: false, inboxExplicit: false, home,
    mh: false, directoryOnly: false, ...extra,
  };
}

export interface Recording {
  readonly ctx: StoreContext;
  readonly warnings: string[];
  readonly notes: string[];
}

export function recordingContext(overrides: Partial<StoreContext> = {}): Recording {
  const warnings: string[] = [];
  const notes: string[] = [];
  const ctx = makeStoreContext({ warn: (t) => warnings.push(t), note: (t) => notes.push(t), ...overrides });
  return { ctx, warnings, notes };
}
