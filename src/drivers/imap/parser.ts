// IMAP responses (RFC 3501 section 7) from the lines and literals the session
// read: tagged results, untagged status and data, continuation requests.
// Values are atoms and quoted strings (string), literals (Buffer), NIL (null)
// and parenthesised lists; FETCH items such as BODY[HEADER.FIELDS (X)]<0>
// are one atom.

export type ImapValue = string | Buffer | null | ImapValue[];

export interface ResponseCode {
  /** Upper-cased: APPENDUID, UIDVALIDITY, PERMANENTFLAGS, TRYCREATE, ... */
  readonly name: string;
  readonly args: ImapValue[];
}

export type ImapStatus = 'OK' | 'NO' | 'BAD' | 'BYE' | 'PREAUTH';

export type ImapResponse =
  | { readonly kind: 'tagged'; readonly tag: string; readonly status: ImapStatus; readonly code?: ResponseCode; readonly text: string }
  | { readonly kind: 'status'; readonly status: ImapStatus; readonly code?: ResponseCode; readonly text: string }
  | { readonly kind: 'data'; readonly number?: number; readonly name: string; readonly values: ImapValue[] }
  | { readonly kind: 'continuation'; readonly text: string };

const STATUSES = new Set(['OK', 'NO', 'BAD', 'BYE', 'PREAUTH']);

export class ParseError extends Error {}

/**
 * Parses one response. `line` is its text with every literal marker ({n}) still in place and
 * the literals' bytes left out; `literals` are those bytes in order.
 */
export function parseResponse(line: string, literals: readonly Buffer[] = []): ImapResponse {
  const t = new Tokens(line, literals);
  if (line.startsWith('+')) return { kind: 'continuation', text: line.slice(1).trimStart() };
  const tag = t.word();
  if (tag === '*') {
    const first = t.word();
    if (/^\d+$/.test(first)) {
      const name = t.word().toUpperCase();
      return { kind: 'data', number: Number(first), name, values: t.values() };
    }
    const name = first.toUpperCase();
    if (STATUSES.has(name)) return { kind: 'status', status: name as ImapStatus, ...t.statusText() };
    return { kind: 'data', name, values: t.values() };
  }
  const status = t.word().toUpperCase();
  if (!STATUSES.has(status)) throw new ParseError(`unexpected response: ${line.slice(0, 200)}`);
  return { kind: 'tagged', tag, status: status as ImapStatus, ...t.statusText() };
}

class Tokens {
  private i = 0;
  private lit = 0;

  constructor(private readonly s: string, private readonly literals: readonly Buffer[]) {}

  private skipSpaces(): void {
    while (this.s.charCodeAt(this.i) === 32) this.i++;
  }

  /** Up to the next space. */
  word(): string {
    this.skipSpaces();
    const start = this.i;
    while (this.i < this.s.length && this.s.charCodeAt(this.i) !== 32) this.i++;
    return this.s.slice(start, this.i);
  }

  /** `[CODE args] text` after a status word. */
  statusText(): { code?: ResponseCode; text: string } {
    this.skipSpaces();
    let code: ResponseCode | undefined;
    if (this.s[this.i] === '[') {
      this.i++;
      const name = this.atom(true).toUpperCase();
      const args: ImapValue[] = [];
      for (;;) {
        this.skipSpaces();
        if (this.i >= this.s.length) break;
        if (this.s[this.i] === ']') {
          this.i++;
          break;
        }
        args.push(this.value(true));
      }
      code = { name, args };
      this.skipSpaces();
    }
    return { ...(code ? { code } : {}), text: decodeText(this.s.slice(this.i)) };
  }

  values(): ImapValue[] {
    const out: ImapValue[] = [];
    for (;;) {
      this.skipSpaces();
      if (this.i >= this.s.length) return out;
      out.push(this.value(false));
    }
  }

  private value(inCode: boolean): ImapValue {
    this.skipSpaces();
    const c = this.s[this.i];
    if (c === '(') {
      this.i++;
      const list: ImapValue[] = [];
      for (;;) {
        this.skipSpaces();
        if (this.i >= this.s.length) throw new ParseError(`unterminated list in: ${this.s.slice(0, 200)}`);
        if (this.s[this.i] === ')') {
          this.i++;
          return list;
        }
        list.push(this.value(inCode));
      }
    }
    if (c === '"') return this.quoted();
    if (c === '{' || (c === '~' && this.s[this.i + 1] === '{')) {
      const m = /^~?\{(\d+)\+?\}/.exec(this.s.slice(this.i, this.i + 24));
      if (m) {
        this.i += m[0].length;
        const lit = this.literals[this.lit++];
        if (!lit) throw new ParseError('a literal is missing');
        return lit;
      }
    }
    const a = this.atom(inCode);
    if (a === '') throw new ParseError(`unexpected "${c}" in: ${this.s.slice(0, 200)}`);
    return a.length === 3 && a.toUpperCase() === 'NIL' ? null : decodeText(a);
  }

  private quoted(): string {
    this.i++;
    let out = '';
    let start = this.i;
    for (;;) {
      if (this.i >= this.s.length) throw new ParseError('unterminated quoted string');
      const c = this.s.charCodeAt(this.i);
      if (c === 34) break;
      if (c === 92) {
        out += this.s.slice(start, this.i);
        this.i++;
        start = this.i;
      }
      this.i++;
    }
    out += this.s.slice(start, this.i);
    this.i++;
    return decodeText(out);
  }

  /** An atom; a [section] inside it (BODY[HEADER.FIELDS (X)]) may hold spaces and parentheses. */
  private atom(inCode: boolean): string {
    const start = this.i;
    for (;;) {
      const c = this.s[this.i];
      if (c === undefined || c === ' ' || c === '(' || c === ')' || c === '"') break;
      if (c === ']' && inCode) break;
      if (c === '[' && !inCode) {
        const close = this.s.indexOf(']', this.i);
        this.i = close < 0 ? this.s.length : close + 1;
        continue;
      }
      this.i++;
    }
    return this.s.slice(start, this.i);
  }
}

/** Lines are read as latin1 (one char per byte); 8-bit text is UTF-8 on the wire. */
function decodeText(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

/** The literal marker ending a line, if any: its size. */
export function literalAtEnd(line: string): number | undefined {
  if (!line.endsWith('}')) return undefined;
  const m = /~?\{(\d+)\+?\}$/.exec(line);
  return m ? Number(m[1]) : undefined;
}

/** A value as text (atoms, strings, literals); '' for NIL or a list. */
export function text(v: ImapValue | undefined): string {
  if (typeof v === 'string') return v;
  if (Buffer.isBuffer(v)) return v.toString('utf8');
  return '';
}

/** The item list of `* N FETCH (NAME value NAME value ...)` as a map with upper-cased names. */
export function fetchItems(values: readonly ImapValue[]): Map<string, ImapValue> {
  const list = values[0];
  const items = new Map<string, ImapValue>();
  if (!Array.isArray(list)) return items;
  for (let i = 0; i + 1 < list.length; i += 2) {
    const name = list[i];
    if (typeof name === 'string') items.set(name.toUpperCase(), list[i + 1]!);
  }
  return items;
}
