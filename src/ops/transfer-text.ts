// transfer's text for people: one line per mailbox as it is done, and a summary.
import type { TransferMailboxResult, TransferResult } from './transfer.js';

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** `x/src/a -> x/dst/x/src/a: 5 messages copied (new mbx mailbox)`; failures say why. */
export function transferLine(r: TransferMailboxResult): string {
  const head = `${r.source} -> ${r.destination}: `;
  const notes = r.notes.length > 0 ? `; ${r.notes.join('; ')}` : '';
  const there = r.alreadyThere > 0 ? `, ${plural(r.alreadyThere, 'message')} already there from an earlier run` : '';
  switch (r.status) {
    case 'failed':
      return `${head}failed: ${r.error?.message ?? 'unknown error'}${notes}`;
    case 'directory':
      return `${head}directory${notes}`;
    case 'skipped':
      return `${head}skipped${notes}`;
    case 'planned':
      if (r.kind === 'directory') return `${head}would make a directory${notes}`;
      if (!r.action) return `${head}${r.notes.join('; ')}`;
      return `${head}${WOULD[r.action](r)} ${plural(r.messages, 'message')}${there}${notes}`;
    case 'created':
      return `${head}${plural(r.messages, 'message')} copied into a new ${r.destinationFormat ?? ''} mailbox${there}${notes}`;
    case 'resumed':
      return `${head}${plural(r.messages, 'message')} copied, carrying on where an earlier run stopped${there}${notes}`;
    case 'appended':
      return `${head}${plural(r.messages, 'message')} appended${there}${notes}`;
  }
}

const WOULD: Record<NonNullable<TransferMailboxResult['action']>, (r: TransferMailboxResult) => string> = {
  create: (r) => `would create (${r.destinationFormat ?? 'default format'}) and copy`,
  resume: () => 'would carry on into the existing mailbox and copy',
  append: () => 'would append',
};

export function transferSummary(r: TransferResult): string {
  const t = r.totals;
  const what = [
    `${plural(t.mailboxes, 'mailbox', 'mailboxes')} (${plural(t.messages, 'message')}${t.alreadyThere ? `, ${t.alreadyThere} already there` : ''})`,
    ...(t.directories ? [plural(t.directories, 'directory', 'directories')] : []),
  ].join(', ');
  const failed = t.failed ? `; ${t.failed} failed` : '';
  const stopped = r.stopped ? '; stopped at the first failure (--stop-on-error)' : '';
  if (r.dryRun) return `dry run: would transfer ${what}${failed}; nothing changed`;
  if (r.mailboxes.length === 0) return `nothing to transfer: no mailbox name starts with ${r.source}`;
  return `transferred ${what}${failed}${stopped}`;
}
