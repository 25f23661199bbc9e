// The per-message header line (formats-flat.md 4.3, 4.4):
//   DATE,SIZE;KKKKKKKKSSSS-UUUUUUUU CRLF
// and its parse, check by check in c-client's order with c-client's texts.
import { formatInternalDate, type MailDate } from '../../mail/dates.js';
import { flagsToBits, SYSTEM_FLAGS } from '../../mail/flags.js';
import { nextOffset, strtoul } from '../shared/c-numbers.js';
import { hex4, hex8 } from './header.js';

/** The system-flag bits c-client keeps when it rewrites a status (anything else is dropped). */
export const SYSTEM_BITS = flagsToBits([...SYSTEM_FLAGS]);

/** The status field, `KKKKKKKKSSSS-UUUUUUUU`, ends 2 bytes before the line end. */
export const STATUS_LENGTH = 21;
/** c-client reads a line's `;KKKKKKKKSSSS-` this many bytes before the line's end. */
export const STATUS_PROBE_BACK = 24;
/** The whole line, date included, must fit in this many bytes. */
export const MAX_LINE = 64;

export function formatStatus(keywords: number, flags: number, uid: number): string {
  return `${hex8(keywords)}${hex4(flags)}-${hex8(uid)}`;
}

/** The header line of a message: space-padded internal date, byte count, keyword mask, flags, UID. */
export function formatEntry(date: MailDate, size: number, keywords: number, flags: number, uid: number): string {
  return `${formatInternalDate(date)},${size};${formatStatus(keywords, flags, uid)}\r\n`;
}

/** A header line as found in the file, before UID rules and date parsing. */
export interface RawEntry {
  /** File offset of the line. */
  readonly offset: number;
  /** Bytes of the line including its CRLF. */
  readonly lineLength: number;
  /** SIZE: bytes of message text after the line. */
  readonly size: number;
  readonly keywords: number;
  /** SSSS: system flags, 0x0010 "old", 0x8000 "expunged". */
  readonly status: number;
  /** The UID field; 0 = not yet assigned. */
  readonly uid: number;
  /** The text before the first comma: the internal date. */
  readonly date: string;
}

/** One line of damage, as c-client words it (the caller adds the mailbox name). */
export class EntryError extends Error {
  constructor(readonly offset: number, readonly detail: string) {
    super(detail);
  }
}

/**
 * strtoul(3) on the SIZE field. `refused` is c-client's test: zero, and either nothing at all or
 * only digits (`0000`).
 */
export function strtoulSize(field: string): { value: bigint; refused: boolean } {
  const { value, end } = strtoul(field);
  return { value, refused: end < 0 ? field.length === 0 : value === 0n && end === field.length };
}

const isHexCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

function hexRun(s: string, from: number, count: number): boolean {
  for (let i = from; i < from + count; i++) if (!isHexCode(s.charCodeAt(i))) return false;
  return true;
}

/** Where a parse goes next: the entry, or a skip for a size that wrapped below 2^64 (see parseLine). */
export type ParsedLine = { readonly entry: RawEntry } | { readonly skipTo: number };

/**
 * Parses the line starting at `offset`, given the bytes available there (at most 64, fewer at the
 * end of the file, as c-client reads them) and the file size. `show` turns a byte range of the
 * window into text for an error message (c-client prints the raw bytes up to a NUL).
 * `mayGoBack` allows a wrapped size to send the parse backwards (once, see below).
 */
export function parseLine(
  window: string, offset: number, fileSize: number, show: (from: number, to: number) => string, mayGoBack: boolean,
): ParsedLine {
  const nul = window.indexOf('\0');
  const cr = window.indexOf('\r');
  if (cr < 0 || (nul >= 0 && nul < cr) || window.charCodeAt(cr + 1) !== 10) {
    throw new EntryError(offset,
      `Unable to find CRLF at ${offset} in ${window.length} bytes, text: ${show(0, nul < 0 ? window.length : nul)}`);
  }
  const line = window.slice(0, cr);
  const lineLength = cr + 2;
  const comma = line.indexOf(',');
  const semi = comma < 0 ? -1 : line.indexOf(';', comma + 1);
  if (semi < 0) throw new EntryError(offset, `Unable to parse internal header at ${offset}: ${show(0, cr)}`);
  if (!hexRun(line, semi + 1, 12)) {
    throw new EntryError(offset, `Unable to parse message flags at ${offset}: ${show(0, cr)}`);
  }
  if (line[semi + 13] !== '-' || line.length !== semi + 22 || !hexRun(line, semi + 14, 8)) {
    throw new EntryError(offset, `Unable to parse message UID at ${offset}: ${show(0, cr)}`);
  }
  const { value: size, refused } = strtoulSize(line.slice(comma + 1, semi));
  const sizeError = (): EntryError => new EntryError(offset, `Unable to parse message size at ${offset}: ${show(0, cr)}`);
  if (refused) throw sizeError();
  // c-client adds in unsigned long and compares as off_t: a huge or negative size wraps
  const { unsigned: next, signed: signedNext } = nextOffset(offset, lineLength, size);
  if (signedNext > BigInt(fileSize)) {
    throw new EntryError(offset, `Last message (at ${offset}) runs past end of file (${next} > ${fileSize})`);
  }
  if (size > BigInt(fileSize)) {
    // A wrapped size (`-1`, `-100`): c-client takes a message of absurd length and parses on at
    // `next`, before this message's text, where its next complaint comes from (`-100` at 2048
    // gave `Unable to find CRLF at 2003 ...`). A parse that would not move on, or would come
    // back here, made c-client loop to its limit of a million messages and die; a negative
    // position made it read from wherever the file pointer was. Those are refused here.
    const goesBack = signedNext < BigInt(offset) + BigInt(lineLength);
    if (signedNext < 0n || signedNext === BigInt(offset) || (goesBack && !mayGoBack)) throw sizeError();
    return { skipTo: Number(signedNext) };
  }
  return {
    entry: {
      offset,
      lineLength,
      size: Number(size),
      keywords: parseInt(line.slice(semi + 1, semi + 9), 16),
      status: parseInt(line.slice(semi + 9, semi + 13), 16),
      uid: parseInt(line.slice(semi + 14, semi + 22), 16),
      date: line.slice(0, comma),
    },
  };
}

/** c-client's text for a date it cannot parse (the line up to the comma, bytes shown as UTF-8). */
export function dateError(offset: number, date: string): EntryError {
  return new EntryError(offset, `Unable to parse message date at ${offset}: ${Buffer.from(date, 'latin1').toString('utf8')}`);
}
