// UID SEARCH: the UIDs of the messages matching simple criteria.
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function uidSearch(s: ImapSession, criteria: string, what: string): Promise<number[]> {
  const found: number[] = [];
  const r = await s.command({
    parts: ['UID SEARCH', criteria],
    onUntagged: (u) => {
      if (u.kind === 'data' && u.name === 'SEARCH') for (const v of u.values) found.push(Number(v));
    },
  });
  expectOk(r, what);
  return found;
}
