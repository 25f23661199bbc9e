// LIST reference pattern (RFC 3501 6.3.8): mailbox names with their
// attributes and the hierarchy delimiter, names as the server sent them.
import { astring } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';
import { list as items, text } from '../values.js';

export interface Listed {
  readonly attributes: readonly string[];
  /** '' when the server says NIL (no hierarchy). */
  readonly delimiter: string;
  /** The name as the server sent it (modified UTF-7). */
  readonly name: string;
}

export async function list(s: ImapSession, reference: string, pattern: string, what: string): Promise<Listed[]> {
  const out: Listed[] = [];
  const r = await s.command('LIST', [astring(reference), astring(pattern)], {
    untagged: {
      LIST: (u) => {
        const [attrs, delimiter, name] = u.attributes ?? [];
        out.push({ attributes: items(attrs).map(text), delimiter: text(delimiter), name: text(name) });
      },
    },
  });
  expectOk(r, what);
  return out;
}
