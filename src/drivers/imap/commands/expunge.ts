// EXPUNGE and UIDPLUS's UID EXPUNGE (RFC 4315): removes \Deleted messages,
// with UID EXPUNGE only the given ones. Returns how many the server removed
// (one untagged EXPUNGE each; mailsmith never enables QRESYNC's VANISHED).
// (imapflow's messageDelete would also flag the messages \Deleted first.)
import { uidSets, words } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

function counter(): { count: () => number; untagged: { EXPUNGE: () => void } } {
  let n = 0;
  return { count: () => n, untagged: { EXPUNGE: () => void n++ } };
}

export async function expungeAll(s: ImapSession, what: string): Promise<number> {
  const c = counter();
  expectOk(await s.command('EXPUNGE', [], { untagged: c.untagged }), what);
  return c.count();
}

export async function uidExpunge(s: ImapSession, uids: readonly number[], what: string): Promise<number> {
  const c = counter();
  for (const set of uidSets(uids)) expectOk(await s.command('UID EXPUNGE', [words(set)], { untagged: c.untagged }), what);
  return c.count();
}
