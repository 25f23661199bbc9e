// STATUS (RFC 3501 6.3.10): counts of a mailbox without selecting it.
import { mailbox, words } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';
import { list, text } from '../values.js';

export async function status(s: ImapSession, name: string, items: readonly string[], display: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const r = await s.command('STATUS', [mailbox(name), words(`(${items.join(' ')})`)], {
    untagged: {
      STATUS: (u) => {
        const pairs = list(u.attributes?.[1]);
        for (let i = 0; i + 1 < pairs.length; i += 2) out.set(text(pairs[i]).toUpperCase(), Number(text(pairs[i + 1])));
      },
    },
  });
  expectOk(r, `can't get the status of ${display}`, display);
  return out;
}
