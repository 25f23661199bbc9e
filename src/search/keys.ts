// The parsed form of IMAP SEARCH criteria: one node per search key, built
// once and then evaluated per message (evaluate.ts) or written back as IMAP
// SEARCH syntax (imap.ts).
import type { SystemFlag } from '../mail/flags.js';
import type { CalendarDay } from './dates.js';
import { usesStar, type SequenceSet } from './sequence-set.js';

/** ANSWERED, DELETED, DRAFT, FLAGGED, SEEN and their UN- forms. */
export type FlagKeyName = 'ANSWERED' | 'DELETED' | 'DRAFT' | 'FLAGGED' | 'SEEN';

export const FLAG_OF_KEY: Readonly<Record<FlagKeyName, SystemFlag>> = {
  ANSWERED: '\\Answered', DELETED: '\\Deleted', DRAFT: '\\Draft', FLAGGED: '\\Flagged', SEEN: '\\Seen',
};

/** The date keys: BEFORE/ON/SINCE on the internal date, SENT* on the Date: header. */
export type DateKeyName = 'BEFORE' | 'ON' | 'SINCE' | 'SENTBEFORE' | 'SENTON' | 'SENTSINCE';

/** The string keys that read one part of the message. */
export type StringKeyName = 'FROM' | 'TO' | 'CC' | 'BCC' | 'SUBJECT' | 'BODY' | 'TEXT';

export type SearchKey =
  | { readonly kind: 'all' }
  | { readonly kind: 'flag'; readonly name: FlagKeyName; readonly set: boolean }
  | { readonly kind: 'recent' | 'old' | 'new' }
  | { readonly kind: 'keyword'; readonly keyword: string; readonly set: boolean }
  | { readonly kind: 'date'; readonly name: DateKeyName; readonly day: CalendarDay }
  | { readonly kind: 'size'; readonly name: 'LARGER' | 'SMALLER'; readonly octets: number }
  | { readonly kind: 'string'; readonly name: StringKeyName; readonly text: string }
  | { readonly kind: 'header'; readonly field: string; readonly text: string }
  | { readonly kind: 'uid' | 'seq'; readonly set: SequenceSet }
  | { readonly kind: 'not'; readonly key: SearchKey }
  | { readonly kind: 'or'; readonly left: SearchKey; readonly right: SearchKey }
  /** A parenthesised list, and the criteria as a whole: every key must match. */
  | { readonly kind: 'and'; readonly keys: readonly SearchKey[] };

/** Whether evaluating the key reads the message's text (its header or body). */
export function readsText(key: SearchKey): boolean {
  switch (key.kind) {
    case 'string':
    case 'header':
      return true;
    case 'date':
      return key.name.startsWith('SENT');
    case 'not':
      return readsText(key.key);
    case 'or':
      return readsText(key.left) || readsText(key.right);
    case 'and':
      return key.keys.some(readsText);
    default:
      return false;
  }
}

/** Whether the key needs to know the last message (a sequence set with `*`). */
export function needsLast(key: SearchKey): boolean {
  switch (key.kind) {
    case 'uid':
    case 'seq':
      return usesStar(key.set);
    case 'not':
      return needsLast(key.key);
    case 'or':
      return needsLast(key.left) || needsLast(key.right);
    case 'and':
      return key.keys.some(needsLast);
    default:
      return false;
  }
}
