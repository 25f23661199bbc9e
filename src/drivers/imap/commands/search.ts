// UID SEARCH: the UIDs of the messages that match, the criteria given as
// words and literals (src/search's toImapParts).
import type { ImapPart } from '../../../search/index.js';
import { words } from '../args.js';
import type { ImapNode } from '../client.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function uidSearch(s: ImapSession, criteria: readonly ImapPart[], what: string): Promise<number[]> {
  const found: number[] = [];
  const args = criteria.map((p): ImapNode => (typeof p === 'string' ? words(p) : { type: 'LITERAL', value: p.literal }));
  const r = await s.command('UID SEARCH', args, {
    untagged: {
      SEARCH: (u) => {
        found.push(...(u.numbers ?? []));
      },
    },
  });
  expectOk(r, what);
  return found;
}
