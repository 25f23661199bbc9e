// FETCH and UID FETCH: one command per batch, the answers handed over as they
// arrive (a consumer that awaits holds the reading loop, and with it the
// socket: memory stays flat).
import { expectOk } from '../refusal.js';
import { fetchItems, text, type ImapValue } from '../parser.js';
import type { ImapSession } from '../session.js';

export type FetchItems = Map<string, ImapValue>;

export interface FetchRequest {
  /** UID FETCH (the set is UIDs) or FETCH (message numbers). */
  readonly byUid: boolean;
  readonly set: string;
  /** The item list, e.g. `(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])`. */
  readonly items: string;
  /** Items every wanted answer has; other FETCH answers (flag updates) are passed over. */
  readonly required: readonly string[];
  readonly onMessage: (items: FetchItems, seq: number) => void | Promise<void>;
}

export async function fetch(s: ImapSession, req: FetchRequest, what: string): Promise<void> {
  const r = await s.command({
    parts: [req.byUid ? 'UID FETCH' : 'FETCH', req.set, req.items],
    onUntagged: (u) => {
      if (u.kind !== 'data' || u.name !== 'FETCH') return;
      const items = fetchItems(u.values);
      if (!req.required.every((k) => items.has(k))) return;
      return req.onMessage(items, u.number ?? 0);
    },
  });
  expectOk(r, what);
}

export const num = (v: ImapValue | undefined): number => Number(text(v));

/** A FLAGS value as strings. */
export function flagsOf(v: ImapValue | undefined): string[] {
  return Array.isArray(v) ? v.map((f) => text(f)) : [];
}

/** The bytes of a BODY[...] item (NIL: none). */
export function bytesOf(v: ImapValue | undefined): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  return Buffer.alloc(0);
}
