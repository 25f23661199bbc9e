// Header processing on read (formats-flat.md 2.5-2.7), line by line as
// c-client's unix_parse does it: the six metadata headers in their exact
// spelling set flags, keywords, UIDs and the mailbox data; wrong-case ones are
// discarded with a warning; continuations after either are dropped.
import { FLAG_BITS } from '../../mail/flags.js';
import { MAX_KEYWORDS, MAX_KEYWORD_LENGTH, findKeyword, type KeywordSlots } from './keywords.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;

/** Mailbox-wide state that evolves while messages are read (c-client's stream). */
export interface ScanState {
  /** UIDVALIDITY; 0 while unknown, or after a UID error discarded it. */
  uidValidity: number;
  uidLast: number;
  /** UID of the previous message. */
  prevUid: number;
  /** Messages seen so far, the pseudo-message included. */
  msgno: number;
  /** The first message carried X-IMAP: it is the hidden pseudo-message. */
  pseudo: boolean;
  /** UID validity and last UID as the first message's X-IMAP or X-IMAPbase line gave them. */
  base?: { readonly uidValidity: number; readonly uidLast: number };
  keywords: KeywordSlots;
}

export function newScanState(): ScanState {
  return { uidValidity: 0, uidLast: 0, prevUid: 0, msgno: 0, pseudo: false, keywords: [] };
}

/** What the header of one message says. */
export interface HeaderInfo {
  /** System flag bits (FLAG_BITS). */
  flags: number;
  recent: boolean;
  keywordMask: number;
  uid: number;
  /** RFC822.SIZE of the header: retained lines without CR, each line end counted as CRLF. */
  size: number;
}

const STATUS_LETTERS: Readonly<Record<number, number>> = {
  0x52: FLAG_BITS['\\Seen'], // R
  0x44: FLAG_BITS['\\Deleted'], // D
  0x46: FLAG_BITS['\\Flagged'], // F
  0x41: FLAG_BITS['\\Answered'], // A
  0x54: FLAG_BITS['\\Draft'], // T
};
const LETTER_O = 0x4f;

/** The six names c-client keeps its data in, upper-cased. */
const METADATA_NAMES = ['STATUS', 'X-STATUS', 'X-KEYWORDS', 'X-UID', 'X-IMAP', 'X-IMAPBASE'];

/** c-client copies a header name into a buffer of this size. */
const NAME_MAX = 1023;

function startsWith(buf: Uint8Array, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (buf[at + i] !== text.charCodeAt(i)) return false;
  return true;
}

/** End of a metadata line's value as c-client scans it: NUL, LF, or a CR before LF. */
function valueEnd(buf: Uint8Array, from: number, lineEnd: number): number {
  for (let i = from; i < lineEnd; i++) {
    const c = buf[i];
    if (c === 0 || c === LF || (c === CR && buf[i + 1] === LF)) return i;
  }
  return lineEnd;
}

function skipSpaces(buf: Uint8Array, i: number, end: number): number {
  while (i < end && buf[i] === SP) i++;
  return i;
}

function readDigits(buf: Uint8Array, i: number, end: number): { n: number; end: number } {
  let n = 0;
  while (i < end && buf[i]! >= 0x30 && buf[i]! <= 0x39) n = n * 10 + (buf[i++]! - 0x30);
  return { n, end: i };
}

/** Space-separated tokens of buf[from..end); a stray CR separates too (c-client would loop forever on it). */
function tokens(buf: Uint8Array, from: number, end: number): string[] {
  const out: string[] = [];
  let i = from;
  while (i < end) {
    while (i < end && (buf[i] === SP || buf[i] === CR)) i++;
    if (i === end) break;
    const start = i;
    while (i < end && buf[i] !== SP && buf[i] !== CR) i++;
    out.push(latin1(buf, start, i));
  }
  return out;
}

/**
 * End of the header name starting at start, as c-client's parser and
 * mail_filter() read it: up to a colon or white space; a NUL also ends it.
 */
export function headerNameEnd(buf: Uint8Array, start: number, end: number): number {
  const limit = Math.min(end, start + NAME_MAX);
  let i = start;
  while (i < limit) {
    const c = buf[i]!;
    if (c === 0x3a || c === 0 || c === SP || c === TAB || c === CR || c === LF) break;
    i++;
  }
  return i;
}

/** Is buf[start..nameEnd) one of the six metadata names, in any letter case? */
export function isMetadataName(buf: Uint8Array, start: number, nameEnd: number): boolean {
  const length = nameEnd - start;
  if (length < 5 || length > 10) return false;
  next: for (const name of METADATA_NAMES) {
    if (name.length !== length) continue;
    for (let i = 0; i < length; i++) {
      let c = buf[start + i]!;
      if (c >= 0x61 && c <= 0x7a) c -= 0x20;
      if (c !== name.charCodeAt(i)) continue next;
    }
    return true;
  }
  return false;
}

function latin1(buf: Uint8Array, from: number, to: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + from, to - from).toString('latin1');
}

interface HeaderContext {
  readonly state: ScanState;
  readonly warn: (text: string) => void;
}

/**
 * Processes the header buf[start..end) (the lines after the From_ line, up to and
 * including the empty line that ends it) of the message numbered state.msgno.
 */
export function processHeader(buf: Buffer, start: number, end: number, ctx: HeaderContext): HeaderInfo {
  const { state, warn } = ctx;
  const msgno = state.msgno;
  const info: HeaderInfo = { flags: 0, recent: true, keywordMask: 0, uid: 0, size: 0 };
  // UID warnings number messages without the pseudo-message
  const shownNo = (): number => (state.pseudo ? msgno - 1 : msgno);
  const hasCr = buf.subarray(start, end).indexOf(CR) >= 0;
  let retain = true;
  let s = start;
  while (s < end) {
    let lf = buf.indexOf(LF, s);
    if (lf < 0 || lf >= end) lf = end - 1;
    const next = lf + 1;
    const c0 = buf[s];
    let status = -1;
    let interpreted = false;
    if (c0 === 0x58 && buf[s + 1] === 0x2d) {
      if (startsWith(buf, s, 'X-Status:')) status = s + 2;
      else if (startsWith(buf, s, 'X-Keywords:')) {
        interpreted = true;
        for (const name of tokens(buf, s + 11, valueEnd(buf, s + 11, next))) {
          if (name.length > MAX_KEYWORD_LENGTH) continue;
          const slot = findKeyword(state.keywords, name);
          if (slot >= 0) info.keywordMask |= 1 << slot;
        }
      } else if (startsWith(buf, s, 'X-IMAP:') || startsWith(buf, s, 'X-IMAPbase:')) {
        interpreted = true;
        const isPseudo = buf[s + 6] === 0x3a;
        if (msgno === 1 && !state.uidValidity) readBase(buf, s + (isPseudo ? 7 : 11), next, isPseudo, state);
      } else if (startsWith(buf, s, 'X-UID:')) {
        interpreted = true;
        if (state.uidValidity && (msgno > 1 || !state.pseudo)) {
          const uid = readDigits(buf, skipSpaces(buf, s + 6, next), next).n;
          let problem: string | undefined;
          if (info.uid) problem = `Message ${shownNo()} UID ${uid} already has UID ${info.uid}`;
          else if (uid <= state.prevUid) problem = `Message ${shownNo()} UID ${uid} less than ${state.prevUid + 1}`;
          if (problem === undefined) {
            state.prevUid = info.uid = uid;
            if (uid > state.uidLast) state.uidLast = uid;
          } else {
            warn(problem);
            state.uidValidity = 0;
            info.uid = 0;
          }
        }
      }
    }
    if (!interpreted && status < 0 && startsWith(buf, s, 'Status:')) status = s;
    if (status >= 0) {
      interpreted = true;
      for (let i = status + 7, e = valueEnd(buf, status + 7, next); i < e; i++) {
        const c = buf[i]!;
        if (c === LETTER_O) info.recent = false;
        else info.flags |= STATUS_LETTERS[c] ?? 0;
      }
    }
    if (interpreted) {
      retain = false;
    } else if ((c0 === 0x53 || c0 === 0x73 || ((c0 === 0x58 || c0 === 0x78) && buf[s + 1] === 0x2d)) &&
      isMetadataName(buf, s, headerNameEnd(buf, s, next))) {
      warn(`Discarding bogus ${latin1(buf, s, headerNameEnd(buf, s, next))} header in message ${msgno}`);
      retain = false;
    } else if (retain || (c0 !== SP && c0 !== TAB)) {
      retain = true;
      info.size += (hasCr ? countNonCr(buf, s, next) : next - s) + 1;
    } else {
      warn(`Discarding bogus continuation in msg ${msgno}: ${continuationText(buf, s, next)}`);
    }
    s = next;
  }
  if ((msgno > 1 || !state.pseudo) && !info.uid) {
    state.prevUid = info.uid = ++state.uidLast;
  }
  return info;
}

/** X-IMAP / X-IMAPbase: `VALIDITY LAST [KEYWORD ...]`, taken only when VALIDITY is non-zero and LAST present. */
function readBase(buf: Uint8Array, from: number, lineEnd: number, isPseudo: boolean, state: ScanState): void {
  let i = skipSpaces(buf, from, lineEnd);
  const validity = readDigits(buf, i, lineEnd);
  i = skipSpaces(buf, validity.end, lineEnd);
  if (!validity.n || i >= lineEnd || !(buf[i]! >= 0x30 && buf[i]! <= 0x39)) return;
  if (isPseudo) state.pseudo = true;
  const last = readDigits(buf, i, lineEnd);
  state.uidValidity = validity.n;
  state.uidLast = last.n;
  state.base = { uidValidity: validity.n, uidLast: last.n };
  const names = tokens(buf, last.end, valueEnd(buf, last.end, lineEnd));
  for (let j = 0; j < names.length && j < MAX_KEYWORDS; j++) {
    const name = names[j]!;
    if (name.length > 0 && name.length <= MAX_KEYWORD_LENGTH) state.keywords[j] = name;
  }
}

function countNonCr(buf: Uint8Array, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (buf[i] !== CR) n++;
  return n;
}

/** c-client shows at most 80 bytes of the line, cut at its end (and at a NUL: it is a C string). */
function continuationText(buf: Uint8Array, from: number, to: number): string {
  let e = from;
  const limit = Math.min(to, from + 80);
  while (e < limit && buf[e] !== CR && buf[e] !== LF && buf[e] !== 0) e++;
  return latin1(buf, from, e);
}
