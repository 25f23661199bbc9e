// LIST reference pattern (RFC 3501 6.3.8): mailbox names with their
// attributes and the hierarchy delimiter.
import { astring } from '../args.js';
import { text } from '../parser.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export interface Listed {
  readonly attributes: readonly string[];
  /** '' when the server says NIL (no hierarchy). */
  readonly delimiter: string;
  /** The name as the server sent it (modified UTF-7). */
  readonly name: string;
}

export async function list(s: ImapSession, reference: string, pattern: string, what: string): Promise<Listed[]> {
  const out: Listed[] = [];
  const r = await s.command({
    parts: ['LIST', astring(reference), astring(pattern)],
    onUntagged: (u) => {
      if (u.kind !== 'data' || u.name !== 'LIST') return;
      const [attrs, delimiter, name] = u.values;
      out.push({
        attributes: Array.isArray(attrs) ? attrs.map((a) => text(a)) : [],
        delimiter: text(delimiter),
        name: text(name),
      });
    },
  });
  expectOk(r, what);
  return out;
}
