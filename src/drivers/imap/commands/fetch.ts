// FETCH and UID FETCH: one command per batch, each answer handed over as it
// arrives. imapflow reads no further while a handler's promise is pending,
// so a consumer that awaits holds the socket, and memory stays flat.
// (imapflow's fetch() turns INTERNALDATE into a Date, which has no zone.)
import { words } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';
import { fetchItems, type FetchItems } from '../values.js';

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
  const r = await s.command(req.byUid ? 'UID FETCH' : 'FETCH', [words(req.set), words(req.items)], {
    untagged: {
      FETCH: (u) => {
        const items = fetchItems(u);
        if (!req.required.every((k) => items.has(k))) return;
        return req.onMessage(items, Number(u.command));
      },
    },
  });
  expectOk(r, what);
}
