// Criteria written back as IMAP SEARCH syntax (RFC 3501 6.4.4), for a server
// to evaluate (`UID SEARCH ` + toImap()), and as a readable one-line form.
import { formatSearchDate } from './dates.js';
import type { SearchKey } from './keys.js';
import { formatSequenceSet } from './sequence-set.js';

export interface ImapSyntaxOptions {
  /** Non-synchronizing literals (`{5+}`, RFC 7888) for strings that cannot be quoted. */
  readonly literalPlus?: boolean;
}

/** A command's words (joined by single spaces) and literals, in the order they are sent. */
export type ImapPart = string | { readonly literal: Buffer };

/** Characters a quoted string may hold (RFC 3501 TEXT-CHAR, 7-bit; `"` and `\` are escaped). */
const QUOTABLE = /^[\x20-\x7e]*$/;
/** Characters of an atom (no specials: `(){ %*"\]` and controls). */
const ATOM = /^[\x21\x23\x24\x26-\x27\x2b-\x5b\x5e-\x7a\x7c\x7e]+$/;

function quoted(text: string): string {
  return `"${text.replace(/[\\"]/g, (m) => `\\${m}`)}"`;
}

type Token = { readonly text: string } | { readonly literal: string };

/** How strings are written: quoted where IMAP allows (always, for people), else as literals. */
type StringMode = 'imap' | 'display';

function str(text: string, mode: StringMode): Token {
  return mode === 'display' || QUOTABLE.test(text) ? { text: quoted(text.replace(/[\r\n]/g, ' ')) } : { literal: text };
}

function strings(key: SearchKey): string[] {
  switch (key.kind) {
    case 'string':
      return [key.text];
    case 'header':
      return [key.field, key.text];
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

function write(key: SearchKey, mode: StringMode, nested: boolean): Token[] {
  const words = (text: string): Token[] => [{ text }];
  switch (key.kind) {
    case 'all':
      return words('ALL');
    case 'flag':
      return words(key.set ? key.name : `UN${key.name}`);
    case 'recent':
    case 'old':
    case 'new':
      return words(key.kind.toUpperCase());
    case 'keyword':
      return words(`${key.set ? 'KEYWORD' : 'UNKEYWORD'} ${key.keyword}`);
    case 'date':
      return words(`${key.name} ${formatSearchDate(key.day)}`);
    case 'size':
      return words(`${key.name} ${key.octets}`);
    case 'string':
      return [{ text: key.name }, str(key.text, mode)];
    case 'header':
      return [{ text: 'HEADER' }, ATOM.test(key.field) ? { text: key.field } : str(key.field, mode), str(key.text, mode)];
    case 'uid':
      return words(`UID ${formatSequenceSet(key.set)}`);
    case 'seq':
      return words(formatSequenceSet(key.set));
    case 'not':
      return [{ text: 'NOT' }, ...write(key.key, mode, true)];
    case 'or':
      return [{ text: 'OR' }, ...write(key.left, mode, true), ...write(key.right, mode, true)];
    case 'and': {
      const inner = key.keys.flatMap((k) => write(k, mode, true));
      if (!nested) return inner;
      // a literal must not end a group: a session that puts a space between parts would send `{n}` x` )`
      if ('literal' in inner.at(-1)!) inner.push({ text: 'ALL' });
      return [{ text: '(' }, ...inner, { text: ')' }];
    }
  }
}

/** Text tokens joined by single spaces, but none after `(` or before `)`. */
function join(texts: readonly string[]): string {
  return texts.reduce((out, t) => (out === '' || out.endsWith('(') || t === ')' ? out + t : `${out} ${t}`), '');
}

function tokens(root: SearchKey, mode: StringMode): Token[] {
  const out = write(root, mode, false);
  if (mode === 'imap' && strings(root).some((s) => /[^\x00-\x7f]/.test(s))) out.unshift({ text: 'CHARSET UTF-8' });
  return out;
}

/**
 * What follows `UID SEARCH ` in an IMAP command: `CHARSET UTF-8` first when a string is not
 * ASCII, strings quoted where IMAP allows, else as literals (`{N}` CRLF, then N octets of UTF-8).
 */
export function toImapSearch(root: SearchKey, options: ImapSyntaxOptions = {}): string {
  const plus = options.literalPlus ? '+' : '';
  const texts = tokens(root, 'imap').map((t) => ('text' in t ? t.text : `{${Buffer.byteLength(t.literal, 'utf8')}${plus}}\r\n${t.literal}`));
  return join(texts);
}

/** The same as parts for a session that sends literals itself: words, and each literal's UTF-8 octets. */
export function toImapParts(root: SearchKey): ImapPart[] {
  const parts: ImapPart[] = [];
  let run: string[] = [];
  for (const t of tokens(root, 'imap')) {
    if ('text' in t) {
      run.push(t.text);
      continue;
    }
    if (run.length > 0) parts.push(join(run));
    run = [];
    parts.push({ literal: Buffer.from(t.literal, 'utf8') });
  }
  if (run.length > 0) parts.push(join(run));
  return parts;
}

/** The criteria in IMAP's words on one line, for people: every string quoted. */
export function describeSearch(root: SearchKey): string {
  return join(tokens(root, 'display').map((t) => ('text' in t ? t.text : t.literal)));
}
