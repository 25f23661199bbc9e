// The From_ line that starts every message of a unix mailbox (formats-flat.md
// 2.2) and the internal date c-client builds from it (2.3). The check is
// positional and works backwards from the end of the line, because the sender
// may contain spaces; the date's fields are only validated when it is parsed.
import { EPOCH_DATE, currentLocalZone, parseCClientDate, type MailDate } from '../../mail/dates.js';

const SP = 0x20;
const CR = 0x0d;
const COLON = 0x3a;
const PLUS = 0x2b;
const MINUS = 0x2d;
const REMOTE_FROM = Buffer.from(' remote from', 'latin1');

/** Where the date fields of a valid From_ line are (absolute buffer offsets). */
export interface FromLineFields {
  /** End of the date part: the LF, the CR before it, or the space before ` remote from`. */
  readonly end: number;
  /** The space before the hour. */
  readonly time: number;
  /** The space before the zone, or 0 when the line has no zone. */
  readonly zone: number;
}

/** True when buf holds `From ` at start. */
export function startsWithFrom(buf: Uint8Array, start: number): boolean {
  return buf[start] === 0x46 && buf[start + 1] === 0x72 && buf[start + 2] === 0x6f &&
    buf[start + 3] === 0x6d && buf[start + 4] === SP;
}

/**
 * c-client's VALID test on the line buf[start..lf] (lf = index of its LF).
 * Returns the date fields, or undefined when the line is not a From_ line.
 * A NUL byte in the line makes it invalid (c-client scans a C string).
 */
export function parseFromLine(buf: Uint8Array, start: number, lf: number): FromLineFields | undefined {
  if (!startsWithFrom(buf, start)) return undefined;
  for (let i = start + 5; i < lf; i++) if (buf[i] === 0) return undefined;
  // byte at i, or NaN before the line so that no comparison matches
  const at = (i: number): number => (i >= start ? buf[i]! : Number.NaN);
  let x = lf;
  if (buf[x - 1] === CR) x--;
  if (x - start >= 41) {
    let last = x - 1;
    while (buf[last] !== SP) last--;
    if (last - 12 >= start && matches(buf, last - 12, REMOTE_FROM)) x = last - 12;
  }
  if (x - start < 27) return undefined;
  let time = 0;
  let zone = 0;
  if (at(x - 5) === SP) {
    if (at(x - 8) === COLON) time = x - 5;
    else if (at(x - 9) === SP) time = zone = x - 9;
    else if (at(x - 11) === SP && isSign(at(x - 10))) time = zone = x - 11;
  } else if (at(x - 4) === SP) {
    if (at(x - 9) === SP) {
      zone = x - 4;
      time = x - 9;
    }
  } else if (at(x - 6) === SP) {
    if (at(x - 11) === SP && isSign(at(x - 5))) {
      zone = x - 6;
      time = x - 11;
    }
  }
  if (!time || at(time - 3) !== COLON) return undefined;
  const hour = time - (at(time - 6) === COLON ? 9 : 6);
  if (at(hour) !== SP || at(hour - 3) !== SP || at(hour - 7) !== SP || at(hour - 11) !== SP) return undefined;
  return { end: x, time: hour, zone };
}

function isSign(c: number): boolean {
  return c === PLUS || c === MINUS;
}

function matches(buf: Uint8Array, at: number, what: Uint8Array): boolean {
  for (let i = 0; i < what.length; i++) if (buf[at + i] !== what[i]) return false;
  return true;
}

/**
 * The string c-client hands to mail_parse_date: `DD-MMM-YYYY HH:MM:SS` (seconds
 * 00 when absent) then ` ±hhmm`, `-ZZZ`, or `-LCL` for a line without a zone.
 * Bytes are taken by position, so a damaged line gives a string that fails to parse.
 */
function fromLineDateText(buf: Uint8Array, f: FromLineFields): string {
  const c = (i: number): number => buf[i] ?? 0;
  const d: number[] = new Array<number>(27).fill(0);
  d[2] = d[6] = d[20] = MINUS;
  d[11] = SP;
  d[14] = d[17] = COLON;
  let ti = f.time;
  d[0] = c(ti - 2); d[1] = c(ti - 1);
  d[3] = c(ti - 6); d[4] = c(ti - 5); d[5] = c(ti - 4);
  d[12] = c(ti + 1); d[13] = c(ti + 2);
  d[15] = c(ti + 4); d[16] = c(ti + 5);
  ti += 6;
  if (c(ti) === COLON) {
    d[18] = c(ti + 1); d[19] = c(ti + 2);
    ti += 3;
  } else d[18] = d[19] = 0x30;
  if (f.zone === ti) ti += isSign(c(f.zone + 1)) ? 6 : 4;
  d[7] = c(ti + 1); d[8] = c(ti + 2); d[9] = c(ti + 3); d[10] = c(ti + 4);
  const zoneBytes = f.zone ? [c(f.zone + 1), c(f.zone + 2), c(f.zone + 3), c(f.zone + 4), c(f.zone + 5)] : [0x4c, 0x43, 0x4c];
  d[21] = zoneBytes[0]!; d[22] = zoneBytes[1]!; d[23] = zoneBytes[2]!;
  let len = 24;
  if (isSign(d[21]!)) {
    d[24] = zoneBytes[3] ?? 0; d[25] = zoneBytes[4] ?? 0;
    d[20] = SP;
    len = 26;
  }
  // a C string: it ends at the first NUL
  const nul = d.indexOf(0);
  return Buffer.from(d.slice(0, nul >= 0 && nul < len ? nul : len)).toString('latin1');
}

/**
 * The internal date of a From_ line. When it does not parse, c-client warns and
 * keeps what its parser had stored: the day at 00:00:00 +0000 when only the
 * time was bad (the day is stored first), else the epoch.
 */
export function fromLineDate(
  buf: Uint8Array, f: FromLineFields, now: Date, warn: (text: string) => void,
): MailDate {
  const text = fromLineDateText(buf, f);
  const date = parseCClientDate(text, currentLocalZone(now));
  if (date) return date;
  warn(`Unable to parse internal date: ${text}`);
  return parseCClientDate(text.slice(0, 11), 0) ?? EPOCH_DATE;
}
