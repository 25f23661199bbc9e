// UID STORE +FLAGS.SILENT / -FLAGS.SILENT: flag changes by UID, without the
// server echoing every message's new flags.
import type { SystemFlag } from '../../../mail/flags.js';
import { flagList, uidSets, words } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function storeFlags(
  s: ImapSession, uids: readonly number[], how: '+' | '-', flags: readonly SystemFlag[], keywords: readonly string[], what: string,
): Promise<void> {
  if (uids.length === 0 || flags.length + keywords.length === 0) return;
  for (const set of uidSets(uids)) {
    expectOk(await s.command('UID STORE', [words(set), words(`${how}FLAGS.SILENT`), flagList(flags, keywords)]), what);
  }
}
