// STATUS (RFC 3501 6.3.10): counts of a mailbox without selecting it.
import { mailbox } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function status(s: ImapSession, name: string, items: readonly string[], display: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const r = await s.command({
    parts: ['STATUS', mailbox(name), `(${items.join(' ')})`],
    onUntagged: (u) => {
      if (u.kind !== 'data' || u.name !== 'STATUS') return;
      const pairs = u.values[1];
      if (!Array.isArray(pairs)) return;
      for (let i = 0; i + 1 < pairs.length; i += 2) out.set(String(pairs[i]).toUpperCase(), Number(pairs[i + 1]));
    },
  });
  expectOk(r, `can't get the status of ${display}`, display);
  return out;
}
