// The line in front of every message (formats-flat.md 5.2, 6):
//   DATE,SIZE;KKKKKKKKKKSS  then CR LF (mtx) or LF (tenex)
// KKKKKKKKKK is the keyword mask in octal (bit-reversed), SS the system flags in
// octal. Parsed check by check as c-client's mtx_parse/tenex_parse do, with
// their texts for damage.
import { parseCClientDate, type MailDate } from '../../mail/dates.js';
import { FLAG_BITS, FLAG_OLD, SYSTEM_FLAGS } from '../../mail/flags.js';
import { nextOffset, strtoul } from '../shared/c-numbers.js';
import { lineEndIn, type Layout } from './layout.js';

/** c-client reads at most this many bytes looking for a header line. */
export const MAX_LINE = 64;
/** The flag field: 10 keyword digits and 2 system-flag digits, ending the line. */
export const FLAGS_LENGTH = 12;

/** The five flags' bits in SS (digits 8 and 9 can also set 0x40, which means nothing and is dropped on a rewrite). */
export const SYSTEM_BITS = SYSTEM_FLAGS.reduce((bits, f) => bits | FLAG_BITS[f], 0);
/** Bits mailsmith writes back: the five flags and "old" (\Recent is kept as it was). */
export const KEPT_BITS = SYSTEM_BITS | FLAG_OLD;

/** A message's header line as found in the file. */
export interface HeaderLine {
  /** File offset of the line. */
  readonly offset: number;
  /** Bytes of the line, its line end included. */
  readonly lineLength: number;
  /** SIZE: bytes of the message as stored, after the line. */
  readonly size: number;
  /** SS as c-client computes it: first digit times 8 plus the second. */
  readonly status: number;
  readonly date: MailDate;
}

/** One piece of damage, in c-client's words (the caller adds the mailbox's name). */
export class LineError extends Error {
  constructor(readonly offset: number, readonly detail: string) {
    super(detail);
  }
}

/**
 * A negative SIZE, which wraps to a position before the end of its own line: c-client parses on from
 * `next` (backwards), where its complaint comes from. `detail` is what mailsmith says when there is
 * no complaint to borrow.
 */
export class WrappedSize extends LineError {
  constructor(offset: number, detail: string, readonly next: number) {
    super(offset, detail);
  }
}

/** c-client prints the bytes of a damaged line as they are; shown here as UTF-8. */
const show = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');

/**
 * Parses the header line at `offset`, given the bytes c-client would read there (at most 64, fewer
 * at the end of the file) and the file's size. `zone` is the machine's offset for unknown zone names.
 */
export function parseHeaderLine(layout: Layout, window: Buffer, offset: number, fileSize: number, zone: number): HeaderLine {
  const end = lineEndIn(layout, window);
  if (end < 0) {
    const nul = window.indexOf(0);
    throw new LineError(offset,
      `Unable to find ${layout.eolName} at ${offset} in ${window.length} bytes, text: ${show(window.subarray(0, nul < 0 ? window.length : nul))}`);
  }
  const lineLength = end + layout.eol.length;
  const line = window.subarray(0, end);
  const comma = line.indexOf(0x2c);
  const semi = comma < 0 ? -1 : line.indexOf(0x3b, comma + 1);
  if (semi < 0) throw new LineError(offset, `Unable to parse internal header at ${offset}: ${show(line)}`);
  const dateText = line.toString('latin1', 0, comma);
  const sizeText = line.toString('latin1', comma + 1, semi);
  const flags = line.toString('latin1', semi + 1);
  const date = parseCClientDate(dateText, zone);
  const size = strtoul(sizeText);
  const elements = (): LineError => new LineError(offset,
    `Unable to parse internal header elements at ${offset}: ${show(line.subarray(0, comma))},${show(line.subarray(comma + 1, semi))};${show(line.subarray(semi + 1))}`);
  if (!date || size.value === 0n || size.end !== sizeText.length || !/^[0-9]{12}$/.test(flags)) throw elements();
  // c-client adds in unsigned long and compares as a signed offset
  const { unsigned: next, signed: signedNext } = nextOffset(offset, lineLength, size.value);
  if (signedNext > BigInt(fileSize)) {
    throw new LineError(offset, `Last message (at ${offset}) runs past end of file (${next} > ${fileSize})`);
  }
  if (size.value > BigInt(fileSize)) throw new WrappedSize(offset, elements().detail, Number(signedNext));
  const status = (flags.charCodeAt(10) - 48) * 8 + (flags.charCodeAt(11) - 48);
  return { offset, lineLength, size: Number(size.value), status, date };
}

const octal = (n: number, width: number): string => n.toString(8).padStart(width, '0');

/** The 12-digit flag field: keyword digits as given (c-client: octal mask), then SS in octal. */
export function flagField(keywordDigits: string, status: number): string {
  return `${keywordDigits}${octal(status, 2)}`;
}

/** No keyword bits: mailsmith defines no keywords for these formats (c-client's default). */
const NO_KEYWORDS = '0000000000';

/** The line written in front of an appended message: its date (formatInternalDate's text), stored size, flags. */
export function formatHeaderLine(layout: Layout, date: string, size: number, status: number): string {
  return `${date},${size};${flagField(NO_KEYWORDS, status)}${layout.eol}`;
}
