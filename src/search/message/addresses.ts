// FROM, TO, CC and BCC search the address list as c-client's envelope holds
// it, written back out (mail_search_addr): `Personal Name <mailbox@host>` or
// `mailbox@host`, a group's name as `name: `, each entry followed by a comma
// but the last.
// So quotes, comments and odd spacing of the raw header do not decide a
// match, and a comment after a bare address serves as its personal name, as
// in c-client. A header this parser cannot read is searched as it is (c-client
// would search its own error placeholders instead), and an address without a
// host stays without one (c-client adds `.MISSING-HOST-NAME.`).

type Item =
  | { readonly kind: 'address'; readonly personal: string; readonly mailbox: string; readonly host?: string }
  | { readonly kind: 'group-start'; readonly name: string }
  | { readonly kind: 'group-end' };

/** RFC 822 specials as c-client lists them for words (wspecials) and for phrases it writes (rspecials). */
const CONTROLS = '\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b\x1c\x1d\x1e\x1f\x7f';
const WSPECIALS = ` ()<>@,;:\\"[]${CONTROLS}`;
const RSPECIALS = `()<>@,;:\\"[].${CONTROLS}`;
const ESC = '\x1b';

class AddressSyntaxError extends Error {}

/** A cursor over the header value (one character per octet). */
class Cursor {
  i = 0;
  constructor(readonly s: string) {}

  get ch(): string | undefined {
    return this.s[this.i];
  }

  /** Skips white space and comments. */
  skipWs(): void {
    for (;;) {
      const c = this.ch;
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') this.i++;
      else if (c === '(') this.comment();
      else return;
    }
  }

  /** Skips a (nested) comment at the cursor; returns its text trimmed. */
  comment(): string {
    const start = ++this.i;
    let depth = 1;
    while (this.i < this.s.length) {
      const c = this.s[this.i++];
      if (c === '\\') this.i++;
      else if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return this.s.slice(start, this.i - 1).trim();
    }
    throw new AddressSyntaxError('unterminated comment');
  }

  /** The end of the word at the cursor (after white space), or -1 if there is none. */
  wordEnd(phrase: boolean): number {
    this.skipWs();
    let j = this.i;
    while (j < this.s.length) {
      const c = this.s[j]!;
      if (phrase && c === ESC) {
        // raw ISO-2022-JP in a phrase: its escape sequences belong to the word
        const back = this.s.slice(j).search(/\x1b\([BJH]/);
        j = back < 0 ? this.s.length : j + back + 3;
      } else if (c === '"') {
        j++;
        while (j < this.s.length && this.s[j] !== '"') j += this.s[j] === '\\' ? 2 : 1;
        if (j >= this.s.length) throw new AddressSyntaxError('unterminated quoted string');
        j++;
      } else if (c === '\\' && j + 1 < this.s.length) j += 2;
      else if (WSPECIALS.includes(c)) break;
      else j++;
    }
    return j === this.i ? -1 : j;
  }

  /** The end of the phrase (words) at the cursor, or -1; the cursor stays. */
  phraseEnd(): number {
    const start = this.i;
    let end = -1;
    for (;;) {
      const e = this.wordEnd(true);
      if (e < 0) break;
      end = e;
      this.i = e;
    }
    this.i = start;
    return end;
  }
}

/** rfc822_cpy: quotes removed, backslash-quoted characters kept without the backslash. */
function unquote(s: string): string {
  return s.replace(/\\(.)|"/gs, (_m, q: string | undefined) => q ?? '');
}

function parseList(value: string): Item[] {
  const c = new Cursor(value);
  const items: Item[] = [];
  let depth = 0;
  for (;;) {
    c.skipWs();
    while (c.ch === ',') {
      c.i++;
      c.skipWs();
    }
    if (c.ch === undefined) break;
    if (c.ch === ';' && depth > 0) {
      c.i++;
      depth--;
      items.push({ kind: 'group-end' });
      continue;
    }
    const group = groupStart(c);
    if (group !== undefined) {
      items.push({ kind: 'group-start', name: group });
      depth++;
      continue;
    }
    items.push(mailbox(c));
    c.skipWs();
    if (c.ch !== undefined && c.ch !== ',' && !(c.ch === ';' && depth > 0)) throw new AddressSyntaxError('unexpected text after an address');
  }
  if (depth > 0) items.push({ kind: 'group-end' });
  return items;
}

/** `name:` starting a group: its name (unquoted), or undefined (the cursor stays). */
function groupStart(c: Cursor): string | undefined {
  const start = c.i;
  const end = c.ch === ':' ? c.i : c.phraseEnd();
  if (end < 0) return undefined;
  c.i = end;
  c.skipWs();
  if (c.ch !== ':') {
    c.i = start;
    return undefined;
  }
  const name = unquote(c.s.slice(start, end));
  c.i++;
  return name;
}

function mailbox(c: Cursor): Item & { kind: 'address' } {
  c.skipWs();
  if (c.ch === '<') return routeAddr(c, '');
  const start = c.i;
  const end = c.phraseEnd();
  if (end < 0) throw new AddressSyntaxError('no address');
  const save = c.i;
  c.i = end;
  c.skipWs();
  if (c.ch === '<') return routeAddr(c, unquote(c.s.slice(start, end)));
  c.i = save;
  return addrSpec(c);
}

function routeAddr(c: Cursor, personal: string): Item & { kind: 'address' } {
  c.i++;
  c.skipWs();
  // an obsolete source route (@a,@b:) is dropped
  if (c.ch === '@') {
    const colon = c.s.indexOf(':', c.i);
    if (colon < 0) throw new AddressSyntaxError('unterminated route');
    c.i = colon + 1;
  }
  const adr = addrSpec(c);
  c.skipWs();
  if (c.ch !== '>') throw new AddressSyntaxError('unterminated mailbox');
  c.i++;
  return { ...adr, personal };
}

function addrSpec(c: Cursor): Item & { kind: 'address' } {
  const mailbox = dotted(c);
  // the cursor stays right after the last word, so that a comment there can be the personal name
  let host: string | undefined;
  const afterMailbox = c.i;
  c.skipWs();
  if (c.ch === '@') {
    c.i++;
    host = domain(c);
  } else {
    c.i = afterMailbox;
  }
  // a comment after a bare address is its personal name
  let personal = '';
  while (c.ch === ' ' || c.ch === '\t') c.i++;
  if (c.ch === '(') personal = unquote(c.comment());
  return { kind: 'address', personal, mailbox, host };
}

/** Words joined by dots (a local part, or a domain); the cursor ends right after the last word. */
function dotted(c: Cursor): string {
  const parts: string[] = [];
  for (;;) {
    const end = c.wordEnd(false);
    if (end < 0) throw new AddressSyntaxError('missing word');
    parts.push(unquote(c.s.slice(c.i, end)));
    c.i = end;
    const afterWord = c.i;
    c.skipWs();
    if (c.ch !== '.') {
      c.i = afterWord;
      return parts.join('.');
    }
    c.i++;
  }
}

function domain(c: Cursor): string {
  c.skipWs();
  if (c.ch === '[') {
    const close = c.s.indexOf(']', c.i);
    if (close < 0) throw new AddressSyntaxError('unterminated domain literal');
    const literal = c.s.slice(c.i, close + 1);
    c.i = close + 1;
    return literal;
  }
  return dotted(c);
}

/** rfc822_cat: quoted (with `\` before `"` and `\`) when it holds a special, else as it is. */
function cat(s: string, specials: string | undefined): string {
  const quote = s === '' || (specials !== undefined
    ? [...s].some((ch) => specials.includes(ch))
    : [...s].some((ch) => WSPECIALS.includes(ch)) || s.startsWith('.') || s.endsWith('.') || s.includes('..'));
  return quote ? `"${s.replace(/[\\"]/g, (m) => `\\${m}`)}"` : s;
}

function render(item: Item): string {
  switch (item.kind) {
    case 'group-start':
      return `${cat(item.name, RSPECIALS)}: `;
    case 'group-end':
      // written alone, as mail_search_addr writes each address, a group's end is nothing
      return '';
    case 'address': {
      const address = item.host === undefined ? cat(item.mailbox, undefined) : `${cat(item.mailbox, undefined)}@${cat(item.host, undefined)}`;
      return item.personal ? `${cat(item.personal, RSPECIALS)} <${address}>` : address;
    }
  }
}

/**
 * The text FROM/TO/CC/BCC search for the unfolded values of every such field (octets as
 * latin1 characters, as they are in the header): each address as c-client writes it, joined
 * with commas. Encoded words are left for the caller to decode.
 */
export function addressSearchText(values: readonly string[]): string {
  const out: string[] = [];
  for (const value of values) {
    try {
      out.push(...parseList(value).map(render));
    } catch (e) {
      if (!(e instanceof AddressSyntaxError)) throw e;
      out.push(value.trim());
    }
  }
  return out.join(',');
}
