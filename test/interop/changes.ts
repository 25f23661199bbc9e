// The flag changes the interop tests make to a copy of the corpus, by position
// from the second message on: every 4th gets \Flagged and the `added` keywords,
// every 6th loses \Seen, \Answered and 'work', every 10th is deleted; then an
// expunge. And the model of what a reader reports afterwards; and a prune by
// mailutil, after which c-client and mailsmith must read the same.
import { expect } from 'vitest';
import type { Mailbox } from '../../src/store/types.js';
import { diffDumps, type DumpMessage, type MailboxDump } from './dump.js';
import { checkLine, readWithMailsmith } from './mailsmith.js';
import type { OracleHome } from './oracle.js';

const chosen = (i: number, n: number): boolean => i % n === 1;

/** Makes the changes to the messages with these UIDs (in corpus order). */
export async function makeChanges(mb: Mailbox, uids: readonly number[], added: readonly string[]): Promise<void> {
  const every = (n: number): number[] => uids.filter((_u, i) => chosen(i, n));
  await mb.store(every(4), { add: { flags: ['\\Flagged'], keywords: [...added] } });
  await mb.store(every(6), { remove: { flags: ['\\Seen', '\\Answered'], keywords: ['work'] } });
  await mb.store(every(10), { add: { flags: ['\\Deleted'] } });
  await mb.expunge();
}

/** The messages (in corpus order) as they read after makeChanges. */
export function afterChanges(messages: readonly DumpMessage[], added: readonly string[]): DumpMessage[] {
  return messages.flatMap((m, i) => {
    let flags = [...m.flags];
    let keywords = [...m.keywords];
    if (chosen(i, 4)) {
      flags = [...new Set([...flags, '\\Flagged'])];
      keywords = [...new Set([...keywords, ...added])];
    }
    if (chosen(i, 6)) {
      flags = flags.filter((f) => f !== '\\Seen' && f !== '\\Answered');
      keywords = keywords.filter((k) => k !== 'work');
    }
    if (chosen(i, 10)) flags.push('\\Deleted');
    return flags.includes('\\Deleted') ? [] : [{ ...m, flags, keywords }];
  });
}

/** The dump with these messages instead, the mailbox's data as it was. */
export function withMessages(dump: MailboxDump, messages: DumpMessage[]): MailboxDump {
  return { meta: dump.meta, messages };
}

/**
 * mailutil prunes the deleted messages of `name`, a copy of the mailbox `expected` models; then
 * c-client and mailsmith read the survivors alike, and mailsmith's check line is mailutil's.
 */
export async function expectPruneReadsAlike(home: OracleHome, name: string, expected: MailboxDump): Promise<void> {
  const deleted = expected.messages.filter((m) => m.flags.includes('\\Deleted')).length;
  const r = await home.prune(name, 'deleted');
  expect(r.stdout.trim()).toBe(`${deleted} message(s) purged`);
  const prunedModel = withMessages(expected, expected.messages.filter((m) => !m.flags.includes('\\Deleted')));
  expect(diffDumps(await home.ccdump(name), prunedModel)).toEqual([]);
  const ours = await readWithMailsmith(home.dir, name);
  expect(diffDumps(ours, prunedModel)).toEqual([]);
  expect(checkLine(ours, name)).toBe(await home.check(name));
}
