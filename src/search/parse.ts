// IMAP SEARCH criteria from the command line (RFC 3501 6.4.4 and c-client's
// mail_criteria keys):
//
//   criteria = key *(SP key)                     ; all must match
//   key      = ALL | ANSWERED | DELETED | DRAFT | FLAGGED | SEEN | RECENT | OLD | NEW
//            | UNANSWERED | UNDELETED | UNDRAFT | UNFLAGGED | UNSEEN
//            | (KEYWORD | UNKEYWORD) keyword
//            | (BEFORE | ON | SINCE | SENTBEFORE | SENTON | SENTSINCE) date
//            | (LARGER | SMALLER) size           ; octets; 10K, 2M, 1G allowed
//            | (FROM | TO | CC | BCC | SUBJECT | BODY | TEXT) string
//            | HEADER field-name string
//            | UID sequence-set | sequence-set   ; 1:5,7,10:*
//            | NOT key | OR key key | "(" criteria ")"
//
// Keys are case-insensitive. An argument is the next word of the same
// command-line word, or, when it starts a command-line word of its own, that
// whole word (so `subject 'two words'` works as the shell passed it). Anything
// else is a SearchSyntaxError that points at the offending word.
import { isValidKeyword } from '../mail/flags.js';
import { parseSearchDate, type CalendarDay } from './dates.js';
import { EmptySearchCriteria, SearchSyntaxError } from './errors.js';
import type { DateKeyName, FlagKeyName, SearchKey, StringKeyName } from './keys.js';
import { parseSequenceSet, type SequenceSet } from './sequence-set.js';
import { tokenize, type Token, type Tokens } from './tokens.js';

const FLAG_KEYS = new Set<string>(['ANSWERED', 'DELETED', 'DRAFT', 'FLAGGED', 'SEEN']);
const DATE_KEYS = new Set<string>(['BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE']);
const STRING_KEYS = new Set<string>(['FROM', 'TO', 'CC', 'BCC', 'SUBJECT', 'BODY', 'TEXT']);
const FIELD_NAME = /^[\x21-\x39\x3b-\x7e]+$/;
const SIZE_UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };
/** NOT, OR and parentheses inside each other: far more than anyone writes, far less than the stack holds. */
const MAX_NESTING = 100;

/** An argument and where it was written. */
interface Argument {
  readonly value: string;
  readonly start: number;
  readonly end: number;
}

/** Parses criteria given as command-line words; the result is an AND of the top-level keys. */
export function parseSearchKeys(words: readonly string[]): SearchKey & { kind: 'and' } {
  const tokens = tokenize(words);
  if (tokens.tokens.length === 0) throw new EmptySearchCriteria();
  const p = new Parser(tokens);
  const keys = p.list(undefined);
  return { kind: 'and', keys };
}

class Parser {
  private pos = 0;
  private depth = 0;

  constructor(private readonly t: Tokens) {}

  private error(problem: string, start: number, end: number): SearchSyntaxError {
    return new SearchSyntaxError(problem, this.t.display, start, end);
  }

  private at(token: Token, problem: string): SearchSyntaxError {
    return this.error(problem, token.start, token.end);
  }

  /** Keys up to the end, or up to the `)` matching `open`. */
  list(open: Token | undefined): SearchKey[] {
    const keys: SearchKey[] = [];
    for (;;) {
      const next = this.t.tokens[this.pos];
      if (!next) {
        if (open) throw this.at(open, 'no ")" closes this "("');
        return keys;
      }
      if (next.kind === 'close') {
        if (!open) throw this.at(next, 'this ")" closes nothing');
        this.pos++;
        if (keys.length === 0) throw this.error('nothing between "(" and ")"', open.start, next.end);
        return keys;
      }
      keys.push(this.key(undefined));
    }
  }

  /** One key; `after` is the NOT or OR that needs it, for the error when there is none. */
  private key(after: Token | undefined): SearchKey {
    const t = this.t.tokens[this.pos];
    if (!t) {
      const name = after!.value.toUpperCase();
      throw this.at(after!, `${name} needs ${name === 'OR' ? 'two search keys' : 'a search key'} after it`);
    }
    this.pos++;
    if ((t.kind === 'open' || /^(not|or)$/i.test(t.value)) && this.depth >= MAX_NESTING) {
      throw this.at(t, `NOT, OR and parentheses nest more than ${MAX_NESTING} deep here`);
    }
    this.depth++;
    try {
      return this.keyAt(t, after);
    } finally {
      this.depth--;
    }
  }

  private keyAt(t: Token, after: Token | undefined): SearchKey {
    if (t.kind === 'open') {
      // a group of one key is that key, so that every criteria has one parsed form
      const keys = this.list(t);
      return keys.length === 1 ? keys[0]! : { kind: 'and', keys };
    }
    if (t.kind === 'close') throw this.at(t, after ? `${after.value.toUpperCase()} needs a search key here, not ")"` : 'this ")" closes nothing');
    if (t.kind === 'quoted') throw this.at(t, 'a search key was expected here, not a quoted string');
    const name = t.value.toUpperCase();
    if (name === 'ALL') return { kind: 'all' };
    if (name === 'RECENT' || name === 'OLD' || name === 'NEW') return { kind: name.toLowerCase() as 'recent' | 'old' | 'new' };
    if (FLAG_KEYS.has(name)) return { kind: 'flag', name: name as FlagKeyName, set: true };
    if (name.startsWith('UN') && FLAG_KEYS.has(name.slice(2))) return { kind: 'flag', name: name.slice(2) as FlagKeyName, set: false };
    if (name === 'KEYWORD' || name === 'UNKEYWORD') {
      return { kind: 'keyword', keyword: this.keyword(t), set: name === 'KEYWORD' };
    }
    if (DATE_KEYS.has(name)) return { kind: 'date', name: name as DateKeyName, day: this.date(t) };
    if (name === 'LARGER' || name === 'SMALLER') return { kind: 'size', name, octets: this.size(t) };
    if (STRING_KEYS.has(name)) return { kind: 'string', name: name as StringKeyName, text: this.argument(t, 'a string').value };
    if (name === 'HEADER') {
      const field = this.argument(t, 'a header field name and a string');
      if (!FIELD_NAME.test(field.value)) throw this.error(`"${field.value}" is not a header field name`, field.start, field.end);
      const text = this.argument(t, 'a string after the field name').value;
      return { kind: 'header', field: field.value, text };
    }
    if (name === 'UID') return { kind: 'uid', set: this.set(t) };
    if (name === 'NOT') return { kind: 'not', key: this.key(t) };
    if (name === 'OR') {
      const left = this.key(t);
      return { kind: 'or', left, right: this.key(t) };
    }
    const set = parseSequenceSet(t.value);
    if (set) return { kind: 'seq', set };
    throw this.at(t, `unknown search key "${t.value}"`);
  }

  /**
   * The argument of `key`: the next token of the same command-line word, or a whole
   * command-line word (one quoted string in it stands for its contents).
   */
  private argument(key: Token, what: string): Argument {
    const next = this.t.tokens[this.pos];
    const missing = `${key.value.toUpperCase()} needs ${what} after it`;
    if (next && next.firstInWord && next.word !== key.word) {
      const inWord = this.t.tokens.filter((x) => x.word === next.word);
      this.pos += inWord.length;
      const span = this.t.wordSpans[next.word]!;
      const single = inWord.length === 1 && (next.kind === 'atom' || next.kind === 'quoted');
      return { value: single ? next.value : this.t.words[next.word]!, start: span.start, end: span.end };
    }
    if (!next) throw this.at(key, missing);
    if (next.kind !== 'atom' && next.kind !== 'quoted') throw this.at(next, `${missing}, not "${next.value}"`);
    this.pos++;
    return { value: next.value, start: next.start, end: next.end };
  }

  private date(key: Token): CalendarDay {
    const a = this.argument(key, 'a date (like 1-Jan-2004)');
    const day = parseSearchDate(a.value);
    if (!day) throw this.error(`"${a.value}" is not a date (like 1-Jan-2004, 2004-01-31 or 1/31/2004, year 1000 to 9999)`, a.start, a.end);
    return day;
  }

  private size(key: Token): number {
    const a = this.argument(key, 'a size in octets');
    const m = /^(\d+)([KMG]?)$/i.exec(a.value);
    const octets = m ? Number(m[1]) * SIZE_UNITS[m[2]!.toUpperCase()]! : NaN;
    if (!Number.isSafeInteger(octets)) throw this.error(`"${a.value}" is not a size (octets, or with K, M or G)`, a.start, a.end);
    return octets;
  }

  private keyword(key: Token): string {
    const a = this.argument(key, 'a keyword');
    if (!isValidKeyword(a.value)) {
      const hint = a.value.startsWith('\\') ? ' (for a system flag use ANSWERED, DELETED, DRAFT, FLAGGED or SEEN)' : '';
      throw this.error(`"${a.value}" is not a keyword name${hint}`, a.start, a.end);
    }
    return a.value;
  }

  private set(key: Token): SequenceSet {
    const a = this.argument(key, 'a set of UIDs (like 1:5,7,10:*)');
    const set = parseSequenceSet(a.value);
    if (!set) throw this.error(`"${a.value}" is not a set of UIDs (like 1:5,7,10:*)`, a.start, a.end);
    return set;
  }
}
