// Per-message header lines as a damage survey judges them (formats-flat.md 4.3, 4.8).
// c-client's own parse (entry.ts) is lenient in ways that hide damage (`12x` is a size of
// 12, a date may carry leading white space), so a survey asks two other questions:
//   - is this exactly a line c-client writes? (strictLineAt: what a resynchronising search
//     looks for, and what the chain of sizes must land on)
//   - is this a damaged line whose layout still shows? (damagedLineAt: a header line worth
//     repairing rather than bytes to set aside)
import { parseCClientDate, type MailDate } from '../../mail/dates.js';
import { MAX_LINE } from './entry.js';

/** A line exactly as c-client writes it. */
export interface StrictLine {
  /** Bytes of the line, CRLF included. */
  readonly lineLength: number;
  readonly size: number;
  readonly keywords: number;
  readonly status: number;
  readonly uid: number;
}

/** `;` KKKKKKKK SSSS `-` UUUUUUUU: the status field after the size. */
const STATUS_FIELD = 22;
/** The date c-client writes is 26 bytes, then the comma. */
export const DATE_LENGTH = 26;
/** Date, comma, one digit, the status field and CRLF. */
const SHORTEST_LINE = DATE_LENGTH + 1 + 1 + STATUS_FIELD + 2;
/** More size digits than any file can need; longer runs are not a size c-client wrote. */
const MAX_SIZE_DIGITS = 15;

const COMMA = 0x2c;
const SEMI = 0x3b;
const DASH = 0x2d;
const CR = 13;
const LF = 10;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;
const hexValue = (c: number | undefined): number => {
  if (c === undefined) return -1;
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
};

/** Hex digits read as a number; -1 when any is not hex. */
function hexField(buf: Uint8Array, at: number, count: number): number {
  let v = 0;
  for (let i = at; i < at + count; i++) {
    const h = hexValue(buf[i]);
    if (h < 0) return -1;
    v = v * 16 + h;
  }
  return v;
}

/**
 * Hex digits read one by one, an unreadable digit taken as 0: the flags that can still be
 * read survive a damaged field. `damaged` tells whether any digit was not hex.
 */
export function salvageHex(buf: Uint8Array, at: number, count: number): { value: number; damaged: boolean } {
  let v = 0;
  let damaged = false;
  for (let i = at; i < at + count; i++) {
    const h = hexValue(buf[i]);
    if (h < 0) damaged = true;
    v = v * 16 + Math.max(h, 0);
  }
  return { value: v, damaged };
}

const MONTHS = new Set(['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']);

/**
 * The 26 bytes c-client writes for an internal date: ` 7-May-2001 20:54:30 -0700` or, for an
 * append without a date, `05-Nov-2026 01:02:03 +0000`; and a date c-client accepts.
 */
export function isWrittenDate(buf: Uint8Array, at: number): boolean {
  const d = (i: number): boolean => isDigit(buf[at + i]);
  const is = (i: number, c: string): boolean => buf[at + i] === c.charCodeAt(0);
  if (!((is(0, ' ') || d(0)) && d(1) && is(2, '-') && is(6, '-') && d(7) && d(8) && d(9) && d(10) && is(11, ' ')
    && d(12) && d(13) && is(14, ':') && d(15) && d(16) && is(17, ':') && d(18) && d(19) && is(20, ' ')
    && (is(21, '+') || is(21, '-')) && d(22) && d(23) && d(24) && d(25))) return false;
  if (!MONTHS.has(String.fromCharCode(buf[at + 3]!, buf[at + 4]!, buf[at + 5]!))) return false;
  return parseCClientDate(Buffer.from(buf.buffer, buf.byteOffset + at, DATE_LENGTH).toString('latin1'), 0) !== undefined;
}

/**
 * The line at `at` when it is exactly what c-client writes: date, `,`, a size without
 * leading zeros, `;`, 12 hex digits, `-`, 8 hex digits, CRLF, within 64 bytes. `avail` is
 * how many bytes of the file the buffer holds from `at` (at least 64 unless the file ends).
 */
export function strictLineAt(buf: Uint8Array, at: number, avail: number): StrictLine | undefined {
  if (avail < SHORTEST_LINE || buf[at + DATE_LENGTH] !== COMMA) return undefined;
  const digits = at + DATE_LENGTH + 1;
  if (buf[digits] === 48) return undefined;
  let semi = digits;
  while (semi - digits <= MAX_SIZE_DIGITS && isDigit(buf[semi])) semi++;
  const lineLength = semi - at + STATUS_FIELD + 2;
  if (semi === digits || buf[semi] !== SEMI || lineLength > Math.min(MAX_LINE, avail)) return undefined;
  if (buf[semi + 13] !== DASH || buf[semi + 22] !== CR || buf[semi + 23] !== LF) return undefined;
  const keywords = hexField(buf, semi + 1, 8);
  const status = hexField(buf, semi + 9, 4);
  const uid = hexField(buf, semi + 14, 8);
  if (keywords < 0 || status < 0 || uid < 0 || !isWrittenDate(buf, at)) return undefined;
  let size = 0;
  for (let i = digits; i < semi; i++) size = size * 10 + buf[i]! - 48;
  return { lineLength, size, keywords, status, uid };
}

/** What can still be read of a damaged header line. */
export interface DamagedLine {
  /** Bytes the line takes, its (possibly damaged) line end included. */
  readonly lineLength: number;
  /** The internal date, when it can be read. */
  readonly date: MailDate | undefined;
  /** The date as it stands in the line (for messages). */
  readonly dateText: string;
  /** The size field, when it is a plain positive number. */
  readonly size: number | undefined;
  readonly keywords: number;
  readonly status: number;
  /** Some flag digits could not be read and were taken as 0. */
  readonly flagsDamaged: boolean;
  /** The UID, when all its digits can be read. */
  readonly uid: number | undefined;
}

/**
 * A header line that is damaged but still shows its layout, read field by field; undefined
 * when the bytes do not look like a header line at all. Two shapes are recognised:
 *   - from the front: a comma after 26 bytes, digits, `;`, and `-` 13 bytes later (the line
 *     end itself may be damaged: the text is taken to start where CRLF belongs, or one byte
 *     earlier when only a LF or only a CR is there);
 *   - from the back: a CRLF within 64 bytes with `;` 22 bytes and `-` 9 bytes before it, and
 *     either that `-` or the comma after 26 bytes (the date or size may be damaged).
 */
export function damagedLineAt(buf: Uint8Array, at: number, avail: number): DamagedLine | undefined {
  const limit = Math.min(MAX_LINE, avail);
  let semi = -1;
  let lineLength = -1;
  if (buf[at + DATE_LENGTH] === COMMA && limit > DATE_LENGTH + 1) {
    let j = at + DATE_LENGTH + 1;
    while (j - at < limit && isDigit(buf[j])) j++;
    if (j > at + DATE_LENGTH + 1 && buf[j] === SEMI && buf[j + 13] === DASH && j - at + STATUS_FIELD + 1 <= avail) {
      semi = j;
      // a line end that lost its CR or its LF is one byte short; one overwritten keeps its length
      const end = j + STATUS_FIELD;
      const oneByteEnd = buf[end] === LF || (buf[end] === CR && buf[end + 1] !== LF);
      lineLength = end - at + (oneByteEnd ? 1 : 2);
    }
  }
  if (semi < 0) {
    let cr = -1;
    for (let i = at; i + 1 < at + limit; i++) {
      if (buf[i] === CR && buf[i + 1] === LF) {
        cr = i;
        break;
      }
    }
    if (cr < 0 || cr - at < STATUS_FIELD + 1 || buf[cr - STATUS_FIELD] !== SEMI) return undefined;
    if (buf[cr - 9] !== DASH && buf[at + DATE_LENGTH] !== COMMA) return undefined;
    semi = cr - STATUS_FIELD;
    lineLength = cr + 2 - at;
  }
  // the date runs to the comma (c-client's split), or fills its 26 bytes when the comma is gone
  let comma = -1;
  for (let i = at; i < semi; i++) {
    if (buf[i] === COMMA) {
      comma = i;
      break;
    }
  }
  const dateEnd = comma >= 0 ? comma : Math.min(at + DATE_LENGTH, semi);
  const dateText = Buffer.from(buf.buffer, buf.byteOffset + at, dateEnd - at).toString('latin1');
  const sizeStart = comma >= 0 ? comma + 1 : Math.min(at + DATE_LENGTH + 1, semi);
  let size: number | undefined;
  if (semi > sizeStart && semi - sizeStart <= MAX_SIZE_DIGITS && buf[sizeStart] !== 48) {
    size = 0;
    for (let i = sizeStart; i < semi && size !== undefined; i++) size = isDigit(buf[i]) ? size * 10 + buf[i]! - 48 : undefined;
  }
  const keywords = salvageHex(buf, semi + 1, 8);
  const status = salvageHex(buf, semi + 9, 4);
  const uid = hexField(buf, semi + 14, 8);
  return {
    lineLength,
    date: parseDate(dateText),
    dateText,
    size,
    keywords: keywords.value >>> 0,
    status: status.value,
    flagsDamaged: keywords.damaged || status.damaged,
    uid: uid < 0 ? undefined : uid,
  };
}

/** A date c-client would take from a line, with no white space or control bytes around it. */
function parseDate(text: string): MailDate | undefined {
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(text) || text.trim().length < 20) return undefined;
  return parseCClientDate(text.trim());
}
