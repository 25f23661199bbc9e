// The mbox dialects other programs write (formats-dir.md 7) and how mailsmith
// recognises them. c-client reads all of them as its own mboxo dialect; where
// that loses the writer's structure mailsmith says so, and --lenient
// (StoreContext.lenient) reads them as their writers meant them:
//
// - Envelope lines c-client rejects (Thunderbird's `From - Mon Jan 1 ...` with
//   a one-digit day, webmail exports with RFC 2822 dates, 2-digit years, tabs
//   or doubled spaces): a line "From SENDER DATE" whose DATE is a weekday-month
//   ctime or an RFC 2822 date that parses, which follows an empty line (or
//   starts the file) and is followed by a header field line. Without --lenient
//   such a line is body text, as in c-client, and a warning names the first.
// - mboxrd: recognised when a body line matches ^>>+From (only mboxrd quoting
//   makes those from an ordinary ">From") and the file is not c-client's or
//   Dovecot's (its first message has no X-IMAP/X-IMAPbase line in their
//   single-space form). Then one ">" is removed from every ^>+From body line.
// - mboxcl/mboxcl2 Content-Length: used only when consistent, i.e. the byte
//   at the end of the body it gives is the end of the file, or starts a From_
//   line, optionally after one empty line, and that byte starts a line. A
//   Content-Length that is not consistent is ignored, so it can never swallow
//   the next message. Without --lenient, a consistent one that c-client cuts
//   short at a From_ line in the body is warned about.
import { parseCClientDate, currentLocalZone, type MailDate } from '../../mail/dates.js';
import { readFully, readFullySync } from '../../io/fd.js';
import { parseFromLine } from '../berkeley/from-line.js';
import { hasMboxrdOnlyQuoting } from '../berkeley/quoting.js';
import { CHUNK_SIZE } from '../berkeley/file-io.js';
import type { FileDialect } from '../berkeley/framing.js';
import type { RawMessage } from '../berkeley/scan.js';
import { findBaseLine } from '../berkeley/base-line.js';

const LF = 0x0a;
const CR = 0x0d;
const COLON = 0x3a;

const WEEKDAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*';
const MONTH = '(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*';
const ZONE = '([A-Z]{1,5}|[+-]\\d{2}:?\\d{2})';
const TIME = '(\\d{1,2}):(\\d{2})(?::(\\d{2}))?';
/** `Www Mmm d hh:mm[:ss] [ZONE] yyyy [ZONE]`, any spacing, 2- or 4-digit year. */
const CTIME_DATE = new RegExp(
  `^(?:(.*?)\\s+)?${WEEKDAY},?\\s+${MONTH}\\s+(\\d{1,2})\\s+${TIME}(?:\\s+${ZONE})?\\s+(\\d{4}|\\d{2})(?:\\s+${ZONE})?$`, 'i',
);
/** RFC 2822: `[Www, ]d Mmm yyyy hh:mm[:ss] [ZONE] [(comment)]`. */
const RFC2822_DATE = new RegExp(
  `^(?:(.*?)\\s+)?(?:${WEEKDAY},?\\s+)?(\\d{1,2})\\s+${MONTH}\\s+(\\d{4}|\\d{2})\\s+${TIME}(?:\\s*${ZONE})?(?:\\s*\\([^)]*\\))?$`, 'i',
);

export interface LenientFromLine {
  /** Everything between "From " and the date. */
  readonly sender: string;
  readonly date: MailDate;
}

function cClientDate(day: string, month: string, year: string, h: string, m: string, s: string | undefined,
  zone: string | undefined, now: Date): MailDate | undefined {
  const mon = month.slice(0, 1).toUpperCase() + month.slice(1, 3).toLowerCase();
  const z = zone === undefined ? '' : /^[+-]/.test(zone) ? ` ${zone.replace(':', '')}` : ` ${zone.toUpperCase()}`;
  const text = `${day.padStart(2, '0')}-${mon}-${year} ${h.padStart(2, '0')}:${m}:${s ?? '00'}${z}`;
  return parseCClientDate(text, currentLocalZone(now));
}

/**
 * An envelope line as other programs write it, "From SENDER DATE", whatever c-client
 * thinks of it; undefined when there is no date that parses at its end.
 */
export function parseLenientFromLine(line: string, now: Date): LenientFromLine | undefined {
  if (!line.startsWith('From ')) return undefined;
  const rest = line.slice(5).replace(/\r$/, '').replace(/ remote from \S*$/, '').trimEnd();
  const c = CTIME_DATE.exec(rest);
  if (c) {
    const date = cClientDate(c[3]!, c[2]!, c[8]!, c[4]!, c[5]!, c[6], c[7] ?? c[9], now);
    return date && { sender: c[1] ?? '', date };
  }
  const r = RFC2822_DATE.exec(rest);
  if (r) {
    const date = cClientDate(r[2]!, r[3]!, r[4]!, r[5]!, r[6]!, r[7], r[8], now);
    return date && { sender: r[1] ?? '', date };
  }
  return undefined;
}

/** The line buf[start..lf) as text (latin1). */
export function lineText(buf: Uint8Array, start: number, lf: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset + start, lf - start).toString('latin1');
}

/**
 * Whether the line after a "From " line starts like a header field (a name of
 * printable characters, then a colon); undefined when the window ends first.
 */
export function headerFieldAt(buf: Uint8Array, i: number, end: number): boolean | undefined {
  const limit = Math.min(end, i + 256);
  let j = i;
  while (j < limit) {
    const c = buf[j]!;
    if (c === COLON) return j > i;
    if (c <= 0x20 || c > 0x7e) return false;
    j++;
  }
  return j < end ? false : undefined;
}

/** The line that ends just before `start` (a line start) is empty, or start is where the text begins. */
export function blankBefore(buf: Uint8Array, start: number, textStart: number): boolean {
  if (start <= textStart) return true;
  const prev = start - 2;
  return prev < textStart ? true : buf[prev] === LF || (buf[prev] === CR && (prev === textStart || buf[prev - 1] === LF));
}

const CONTENT_LENGTH = 'content-length:';
/** The end of the field's name, in the two spellings seen in practice (the name is then compared whole). */
const LENGTH_PROBES = [Buffer.from('ength:', 'latin1'), Buffer.from('ENGTH:', 'latin1')];

/** The value of the header's first Content-Length field (digits), or undefined. */
export function contentLength(buf: Buffer, from: number, to: number): number | undefined {
  const h = buf.subarray(from, to);
  for (const probe of LENGTH_PROBES) {
    for (let i = h.indexOf(probe); i >= 0; i = h.indexOf(probe, i + 1)) {
      const s = i - 9;
      if (s < 0 || (s > 0 && h[s - 1] !== LF)) continue;
      if (h.subarray(s, s + CONTENT_LENGTH.length).toString('latin1').toLowerCase() !== CONTENT_LENGTH) continue;
      let j = s + CONTENT_LENGTH.length;
      while (h[j] === 0x20 || h[j] === 0x09) j++;
      const digits = j;
      while (h[j]! >= 0x30 && h[j]! <= 0x39) j++;
      if (j === digits || j - digits > 15) continue;
      return Number(h.subarray(digits, j).toString('latin1'));
    }
  }
  return undefined;
}

/** How far past the bytes it checks a consistency test may need to see. */
const PEEK = 2048;

/**
 * Is a body of n bytes from file offset `at` consistent with the file: does it end at
 * the end of the file, or right before a line (after an optional empty one) that is a
 * From_ line c-client accepts or an envelope line as isEnvelope judges it?
 */
export function lengthIsConsistent(
  fd: number, size: number, at: number, n: number, isEnvelope: (buf: Buffer, start: number, lf: number) => boolean,
): boolean {
  const end = at + n;
  if (end > size) return false;
  if (end === size) return true;
  const from = Math.max(at, end - 1);
  const buf = Buffer.allocUnsafe(Math.min(PEEK, size - from));
  const got = readFullySync(fd, buf, 0, buf.length, from);
  const b = buf.subarray(0, got);
  let i = end - from;
  if (n > 0 && b[i - 1] !== LF) return false;
  if (b[i] === LF) i += 1;
  else if (b[i] === CR && b[i + 1] === LF) i += 2;
  const lf = b.indexOf(LF, i);
  if (lf < 0) return false;
  return parseFromLine(b, i, lf) !== undefined || isEnvelope(b, i, lf);
}

/**
 * What a lenient reader must know about the whole file first: whether it is
 * mboxrd. The file is read once, in large chunks.
 */
export async function surveyDialect(fd: number, size: number, first: RawMessage | undefined): Promise<FileDialect> {
  if (first && writtenByCClientOrDovecot(first)) return { mboxrd: false };
  const buf = Buffer.allocUnsafe(CHUNK_SIZE);
  // carry a few bytes, so that a line split between two chunks is still seen
  const CARRY = 64;
  let carried = 0;
  for (let pos = 0; pos < size;) {
    const want = Math.min(buf.length - carried, size - pos);
    const got = await readFully(fd, buf, carried, want, pos);
    if (got === 0) break;
    const end = carried + got;
    if (hasMboxrdOnlyQuoting(buf, 0, end)) return { mboxrd: true };
    pos += got;
    carried = Math.min(CARRY, end);
    buf.copy(buf, 0, end - carried, end);
  }
  return { mboxrd: false };
}

/** c-client and Dovecot (mboxo, mboxcl2) write X-IMAP / X-IMAPbase with single spaces; GNU Mailutils pads them. */
function writtenByCClientOrDovecot(first: RawMessage): boolean {
  const line = findBaseLine(first);
  if (!line) return false;
  return /^X-IMAP(base)?: [0-9]/.test(first.data.subarray(line.start, line.end).toString('latin1'));
}
