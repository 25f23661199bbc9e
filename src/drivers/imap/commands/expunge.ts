// EXPUNGE and UIDPLUS's UID EXPUNGE (RFC 4315): removes \Deleted messages,
// with UID EXPUNGE only the given ones. Returns how many the server removed
// (one untagged EXPUNGE each; mailsmith never enables QRESYNC's VANISHED).
import { uidSets } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession, Untagged } from '../session.js';

function counter(): { count: () => number; onUntagged: (u: Untagged) => void } {
  let n = 0;
  return {
    count: () => n,
    onUntagged: (u) => {
      if (u.kind === 'data' && u.name === 'EXPUNGE') n++;
    },
  };
}

export async function expungeAll(s: ImapSession, what: string): Promise<number> {
  const c = counter();
  expectOk(await s.command({ parts: ['EXPUNGE'], onUntagged: c.onUntagged }), what);
  return c.count();
}

export async function uidExpunge(s: ImapSession, uids: readonly number[], what: string): Promise<number> {
  const c = counter();
  const answers = await Promise.all(uidSets(uids).map((set) => s.command({ parts: ['UID EXPUNGE', set], onUntagged: c.onUntagged })));
  for (const r of answers) expectOk(r, what);
  return c.count();
}
