// Text for people: the summary lines commands print.
import type { CopyResult } from '../ops/copy.js';
import type { LossKind } from '../store/types.js';

const VERB: Record<CopyResult['mode'], string> = {
  copy: 'copied', move: 'moved', append: 'appended', appenddelete: 'moved',
};

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

export function copySummary(r: CopyResult): string {
  const what = `${plural(r.copied, 'message')} from ${r.source} (${r.sourceFormat}) to ${r.destination} (${r.destinationFormat})`;
  if (r.dryRun) {
    const removal = r.removedFromSource ? `, then remove them from ${r.source}` : '';
    return `dry run: would ${r.mode === 'copy' || r.mode === 'move' ? 'create' : 'append to'} ${r.destination} and ${VERB[r.mode].replace(/ed$/, '')} ${what}${removal}; nothing changed`;
  }
  const parts = [`${VERB[r.mode]} ${what}`];
  if (r.alreadyThere) parts.push(`${plural(r.alreadyThere, 'message')} already there from an earlier run, not copied again`);
  if (r.created) parts.push(r.uidsKept ? 'UID validity and UIDs kept' : 'new UIDs');
  if (r.removedFromSource) parts.push(`${plural(r.removedFromSource, 'message')} removed from ${r.source}`);
  return parts.join('; ');
}

const LOSS_TEXT: Record<LossKind, string> = {
  keyword: 'keyword dropped',
  flag: 'flag dropped',
  uid: 'UIDs not kept',
  'bare-cr': 'bare CR characters removed (the format cannot store them)',
  delimiter: '^A bytes at the end of a line removed (mmdf would read the line as a message delimiter)',
  'date-zone': 'time zone of internal dates not kept',
};

/** One warning line per kind of loss, naming what was lost and in how many messages. */
export function lossLines(r: Pick<CopyResult, 'losses' | 'destinationFormat'>): string[] {
  return r.losses.map((l) => {
    const detail = l.kind === 'keyword' || l.kind === 'flag' ? ` ${l.detail}` : '';
    return `${LOSS_TEXT[l.kind]}${detail}: ${plural(l.messages, 'message')} (${r.destinationFormat} cannot hold it)`;
  });
}

const CHANGE_TEXT: Record<CopyResult['changes'][number]['kind'], string> = {
  'from-quoted': 'lines starting "From " stored as ">From "',
  'newline-added': 'a final newline added',
  'header-renamed': 'headers the format uses for its own data renamed X-Original-...',
  'header-nul': 'a NUL byte in a header field name stored as a space',
};

export function changeLines(r: CopyResult): string[] {
  return r.changes.map((c) => `${plural(c.messages, 'message')}: ${CHANGE_TEXT[c.kind]} (${r.destinationFormat} format)`);
}
