// IMAP sequence sets (`1:5,7,10:*`): message numbers, or UIDs after UID.

/** `*` is the largest number in use: the last message's number or UID. */
export type SetNumber = number | '*';

export interface SetRange {
  readonly from: SetNumber;
  readonly to: SetNumber;
}

export type SequenceSet = readonly SetRange[];

/** Parses a set; undefined unless it is one (numbers are 1 or more). */
export function parseSequenceSet(text: string): SequenceSet | undefined {
  if (!/^(?:\d+|\*)(?::(?:\d+|\*))?(?:,(?:\d+|\*)(?::(?:\d+|\*))?)*$/.test(text)) return undefined;
  const ranges: SetRange[] = [];
  for (const item of text.split(',')) {
    const [a, b] = item.split(':') as [string, string | undefined];
    const from = setNumber(a);
    const to = b === undefined ? from : setNumber(b);
    if (from === 0 || to === 0 || (typeof from === 'number' && !Number.isSafeInteger(from)) || (typeof to === 'number' && !Number.isSafeInteger(to))) return undefined;
    ranges.push({ from, to });
  }
  return ranges;
}

function setNumber(s: string): SetNumber {
  return s === '*' ? '*' : Number(s);
}

export function formatSequenceSet(set: SequenceSet): string {
  return set.map((r) => (r.from === r.to ? String(r.from) : `${r.from}:${r.to}`)).join(',');
}

export function usesStar(set: SequenceSet): boolean {
  return set.some((r) => r.from === '*' || r.to === '*');
}

/** Whether n is in the set; `largest` stands for `*` (a range's ends may come in either order). */
export function inSet(set: SequenceSet, n: number, largest: number): boolean {
  return set.some((r) => {
    const a = r.from === '*' ? largest : r.from;
    const b = r.to === '*' ? largest : r.to;
    return n >= Math.min(a, b) && n <= Math.max(a, b);
  });
}
