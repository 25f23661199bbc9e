// Evaluating parsed criteria against one message, as c-client's
// mail_search_msg does. Keys that read only what a mailbox index holds
// (flags, keywords, size, internal date, UID, number) are answered without
// the message's text; evaluate() without a view answers undefined when the
// answer depends on the text, so that the text is read only when needed.
import { dayNumber, dayOf } from './dates.js';
import { FLAG_OF_KEY, type SearchKey } from './keys.js';
import { fold } from './message/fold.js';
import type { MessageView } from './message/view.js';
import { inSet, usesStar } from './sequence-set.js';
import type { MessageRecord } from '../store/types.js';

/** What a message's index entry says: everything but its text. */
export type IndexEntry = Pick<MessageRecord, 'seq' | 'uid' | 'flags' | 'keywords' | 'recent' | 'size' | 'internalDate'>;

/** The last message's number and UID, for `*` in sequence sets. */
export interface LastMessage {
  readonly seq: number;
  readonly uid: number;
}

const foldedNeedles = new WeakMap<SearchKey, string>();

function needle(key: SearchKey & { text: string }): string {
  let n = foldedNeedles.get(key);
  if (n === undefined) foldedNeedles.set(key, (n = fold(key.text)));
  return n;
}

/** True or false; undefined only without a view, when the answer needs the text. */
export function evaluate(key: SearchKey, m: IndexEntry, view: MessageView | undefined, last: LastMessage | undefined): boolean | undefined {
  switch (key.kind) {
    case 'all':
      return true;
    case 'flag':
      return m.flags.includes(FLAG_OF_KEY[key.name]) === key.set;
    case 'recent':
      return m.recent;
    case 'old':
      return !m.recent;
    case 'new':
      return m.recent && !m.flags.includes('\\Seen');
    case 'keyword': {
      // keywords compare without regard to case, as IMAP flags do
      const wanted = key.keyword.toLowerCase();
      return m.keywords.some((k) => k.toLowerCase() === wanted) === key.set;
    }
    case 'size':
      return key.name === 'LARGER' ? m.size > key.octets : m.size < key.octets;
    case 'uid':
    case 'seq': {
      if (!last && usesStar(key.set)) throw new Error('a sequence set with * needs the last message');
      return key.kind === 'uid' ? inSet(key.set, m.uid, last?.uid ?? 0) : inSet(key.set, m.seq, last?.seq ?? 0);
    }
    case 'date': {
      let day: number;
      if (key.name.startsWith('SENT')) {
        if (!view) return undefined;
        const sent = view.sentDate();
        // a Date: c-client cannot parse never matches
        if (!sent) return false;
        day = dayNumber(dayOf(sent));
      } else {
        day = dayNumber(dayOf(m.internalDate));
      }
      const wanted = dayNumber(key.day);
      if (key.name.endsWith('BEFORE')) return day < wanted;
      if (key.name.endsWith('ON')) return day === wanted;
      return day >= wanted;
    }
    case 'string': {
      if (!view) return undefined;
      switch (key.name) {
        case 'SUBJECT':
          return view.subject()?.includes(needle(key)) ?? false;
        case 'BODY':
        case 'TEXT':
          return view.contains(needle(key), key.name === 'TEXT');
        default:
          return view.addresses(key.name)?.includes(needle(key)) ?? false;
      }
    }
    case 'header':
      if (!view) return undefined;
      return view.headerText(key.field)?.includes(needle(key)) ?? false;
    case 'not': {
      const r = evaluate(key.key, m, view, last);
      return r === undefined ? undefined : !r;
    }
    case 'or': {
      const a = evaluate(key.left, m, view, last);
      if (a === true) return true;
      const b = evaluate(key.right, m, view, last);
      if (b === true) return true;
      return a === undefined || b === undefined ? undefined : false;
    }
    case 'and': {
      let unknown = false;
      for (const k of key.keys) {
        const r = evaluate(k, m, view, last);
        if (r === false) return false;
        if (r === undefined) unknown = true;
      }
      return unknown ? undefined : true;
    }
  }
}
