// check: recent, unseen and total counts of a mailbox, read-only and silent
// (mailutil.md 4.1): no UIDs written, no \Recent cleared. A server is asked
// for the counts (STATUS, STAT) instead of sending every message.
import { openMailbox, remoteFormat, remoteStatus } from '../store/index.js';
import type { FormatName, MailboxRef, StoreContext } from '../store/types.js';
import { noProgress, type ProgressSink } from './progress.js';

export interface CheckResult {
  /** The name as mailutil prints it: as typed, or c-client's canonical form for IMAP. */
  readonly mailbox: string;
  readonly format: FormatName;
  readonly recent: number;
  readonly unseen: number;
  readonly total: number;
}

export async function checkMailbox(
  ref: MailboxRef, ctx: StoreContext, onProgress: ProgressSink = noProgress,
): Promise<CheckResult> {
  if (ref.kind === 'remote') {
    const s = await remoteStatus(ref, ctx);
    return { mailbox: s.name, format: remoteFormat(ref), recent: s.recent, unseen: s.unseen, total: s.total };
  }
  const box = await openMailbox(ref, 'read', ctx);
  let recent = 0;
  let unseen = 0;
  let total = 0;
  try {
    for await (const m of box.messages()) {
      total++;
      if (m.recent) recent++;
      if (!m.flags.includes('\\Seen')) unseen++;
      if ((total & 1023) === 0) {
        onProgress({ phase: 'check', messages: total, bytes: m.position, totalBytes: box.byteSize });
      }
    }
  } finally {
    await box.close();
  }
  return { mailbox: ref.name, format: box.format, recent, unseen, total };
}

/** mailutil's line: `2 new message(s) (1 unseen), 2 total in NAME` or `No new messages, 1 total in NAME`. */
export function checkLine(r: CheckResult): string {
  if (r.recent > 0 || r.unseen > 0) {
    return `${r.recent} new message(s) (${r.unseen} unseen), ${r.total} total in ${r.mailbox}`;
  }
  return `No new messages, ${r.total} total in ${r.mailbox}`;
}
