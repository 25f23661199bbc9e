// Writing command arguments as imapflow's compiler takes them: strings quoted
// or sent as literals, words and lists the driver builds itself verbatim,
// dates, UID sets.
import { formatInternalDate, type MailDate } from '../../mail/dates.js';
import type { SystemFlag } from '../../mail/flags.js';
import type { ImapNode } from './client.js';
import { wireName } from './names.js';

/**
 * A string argument: quoted when it is 7-bit text, else a literal (8-bit passwords, names
 * with control characters), as RFC 3501 requires.
 */
export function astring(s: string, sensitive = false): ImapNode {
  const secret = sensitive ? { sensitive: true } : {};
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(s) && s.length < 1024) return { type: 'STRING', value: s, ...secret };
  return { type: 'LITERAL', value: Buffer.from(s, 'utf8'), ...secret };
}

/** Words written as they are: item lists, flag lists, UID sets, search keys the driver composed. */
export function words(text: string): ImapNode {
  return { type: 'TEXT', value: text };
}

/** A mailbox name argument (the typed name, encoded as the server wants it). */
export function mailbox(name: string): ImapNode {
  return astring(wireName(name));
}

/** `(\Seen \Flagged kw1 kw2)`: system flags in mailutil's order, then keywords. */
export function flagList(flags: readonly SystemFlag[], keywords: readonly string[]): ImapNode {
  return words(`(${[...flags, ...keywords].join(' ')})`);
}

/** An internal date as APPEND takes it: `" 7-May-2001 20:54:30 -0700"`. */
export function dateTime(d: MailDate): ImapNode {
  return { type: 'STRING', value: formatInternalDate(d) };
}

/** UIDs as a compact set: `1:5,7,9:12` (sorted, duplicates dropped). */
export function uidSet(uids: Iterable<number>): string {
  const sorted = [...new Set(uids)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let i = 0; i < sorted.length; ) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j]! + 1) j++;
    out.push(j === i ? String(sorted[i]) : `${sorted[i]}:${sorted[j]}`);
    i = j + 1;
  }
  return out.join(',');
}

/** Servers limit command lines (Dovecot: 64 KB); long UID sets are split into several commands. */
const MAX_SET_CHARS = 8000;

/** uidSet() of the UIDs, in pieces short enough for one command line each. */
export function uidSets(uids: Iterable<number>): string[] {
  const whole = uidSet(uids);
  const out: string[] = [];
  let rest = whole;
  while (rest.length > MAX_SET_CHARS) {
    const cut = rest.lastIndexOf(',', MAX_SET_CHARS);
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut + 1);
  }
  if (rest) out.push(rest);
  return out;
}

/** The UIDs of a set such as APPENDUID returns (`4:6,9`), in order. */
export function parseUidSet(set: string): number[] {
  const out: number[] = [];
  for (const piece of set.split(',')) {
    const [a, b] = piece.split(':').map(Number) as [number, number | undefined];
    if (b === undefined) out.push(a);
    else for (let u = Math.min(a, b); u <= Math.max(a, b); u++) out.push(u);
  }
  return out;
}
