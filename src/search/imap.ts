// Criteria written back as IMAP SEARCH syntax (RFC 3501 6.4.4), for a server
// to evaluate (`UID SEARCH ` + toImap()), and as a readable one-line form.
import { formatSearchDate } from './dates.js';
import type { SearchKey } from './keys.js';
import { formatSequenceSet } from './sequence-set.js';

export interface ImapSyntaxOptions {
  /** Non-synchronizing literals (`{5+}`, RFC 7888) for strings that cannot be quoted. */
  readonly literalPlus?: boolean;
}

/** Characters a quoted string may hold (RFC 3501 TEXT-CHAR, 7-bit; `"` and `\` are escaped). */
const QUOTABLE = /^[\x20-\x7e]*$/;
/** Characters of an atom (no specials: `(){ %*"\]` and controls). */
const ATOM = /^[\x21\x23\x24\x26-\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/;

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

type Writer = (text: string) => string;

function strings(key: SearchKey): string[] {
  switch (key.kind) {
    case 'string':
    case 'header':
      return [key.text, ...(key.kind === 'header' ? [key.field] : [])];
    case 'not':
      return strings(key.key);
    case 'or':
      return [...strings(key.left), ...strings(key.right)];
    case 'and':
      return key.keys.flatMap(strings);
    default:
      return [];
  }
}

function write(key: SearchKey, str: Writer, nested: boolean): string {
  switch (key.kind) {
    case 'all':
      return 'ALL';
    case 'flag':
      return key.set ? key.name : `UN${key.name}`;
    case 'recent':
    case 'old':
    case 'new':
      return key.kind.toUpperCase();
    case 'keyword':
      return `${key.set ? 'KEYWORD' : 'UNKEYWORD'} ${key.keyword}`;
    case 'date':
      return `${key.name} ${formatSearchDate(key.day)}`;
    case 'size':
      return `${key.name} ${key.octets}`;
    case 'string':
      return `${key.name} ${str(key.text)}`;
    case 'header':
      return `HEADER ${ATOM.test(key.field) ? key.field : str(key.field)} ${str(key.text)}`;
    case 'uid':
      return `UID ${formatSequenceSet(key.set)}`;
    case 'seq':
      return formatSequenceSet(key.set);
    case 'not':
      return `NOT ${write(key.key, str, true)}`;
    case 'or':
      return `OR ${write(key.left, str, true)} ${write(key.right, str, true)}`;
    case 'and': {
      if (nested && key.keys.length === 1) return write(key.keys[0]!, str, true);
      const inner = key.keys.map((k) => write(k, str, true)).join(' ');
      return nested ? `(${inner})` : inner;
    }
  }
}

/**
 * The arguments of an IMAP SEARCH command for these criteria: `CHARSET UTF-8` first when a
 * string is not ASCII, strings quoted where IMAP allows, else as literals (`{N}` CRLF, then N
 * octets of UTF-8).
 */
export function toImapSearch(root: SearchKey, options: ImapSyntaxOptions = {}): string {
  const plus = options.literalPlus ? '+' : '';
  const str: Writer = (text) => (QUOTABLE.test(text) ? quoted(text) : `{${Buffer.byteLength(text, 'utf8')}${plus}}\r\n${text}`);
  const charset = strings(root).some((s) => /[^\x00-\x7f]/.test(s)) ? 'CHARSET UTF-8 ' : '';
  return charset + write(root, str, false);
}

/** The criteria in IMAP's words on one line, for people: every string quoted. */
export function describeSearch(root: SearchKey): string {
  return write(root, (text) => quoted(text.replace(/[\r\n]/g, ' ')), false);
}
