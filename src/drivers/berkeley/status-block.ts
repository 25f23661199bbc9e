// The metadata lines c-client writes into a unix or mmdf message: the raw block an
// append puts after the From_ line (formats-flat.md 2.8) and the padded block
// a rewrite puts at the end of the header (2.9).
import { formatCtimeWithZone, type MailDate } from '../../mail/dates.js';
import { FLAG_BITS } from '../../mail/flags.js';

/** `D`, `F`, `A`, `T` in c-client's order. */
function xStatusLetters(flags: number): string {
  return (flags & FLAG_BITS['\\Deleted'] ? 'D' : '') + (flags & FLAG_BITS['\\Flagged'] ? 'F' : '') +
    (flags & FLAG_BITS['\\Answered'] ? 'A' : '') + (flags & FLAG_BITS['\\Draft'] ? 'T' : '');
}

export interface AppendBlock {
  readonly user: string;
  readonly host: string;
  readonly date: MailDate;
  /** System flag bits. */
  readonly flags: number;
  /** Keyword names in the destination's bit order. */
  readonly keywords: readonly string[];
  /** Written only when the UID is to be kept. */
  readonly uid?: number;
}

/** From_ line and status lines of an appended message (never `O`: appended messages are recent). */
export function appendBlock(b: AppendBlock): string {
  return `From ${b.user}@${b.host} ${formatCtimeWithZone(b.date)}\n` +
    `Status: ${b.flags & FLAG_BITS['\\Seen'] ? 'R' : ''}\n` +
    `X-Status: ${xStatusLetters(b.flags)}\n` +
    `X-Keywords:${b.keywords.map((k) => ` ${k}`).join('')}\n` +
    (b.uid !== undefined ? `X-UID: ${b.uid}\n` : '');
}

export interface MailboxBase {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: readonly string[];
}

export interface RewriteBlock {
  /** The first message of a mailbox without pseudo-message carries the mailbox data. */
  readonly base?: MailboxBase;
  readonly flags: number;
  /** `O`: a read-write session has seen the message. */
  readonly old: boolean;
  readonly keywords: readonly string[];
  readonly uid: number;
}

/** c-client pads the block to this size so that later flag changes rarely move the file. */
const PAD = 50;
const PAD_WITH_BASE = 80;

/** The status block of a rewritten message, ending with the empty line that ends the header. */
export function rewriteBlock(b: RewriteBlock): string {
  let s = '';
  if (b.base) {
    s += `X-IMAPbase: ${b.base.uidValidity} ${b.base.uidLast}${b.base.keywords.map((k) => ` ${k}`).join('')}\n`;
  }
  s += `Status: ${b.flags & FLAG_BITS['\\Seen'] ? 'R' : ''}${b.old ? 'O' : ''}\n`;
  s += `X-Status: ${xStatusLetters(b.flags)}\n`;
  s += `X-Keywords:${b.keywords.map((k) => ` ${k}`).join('')}`;
  const pad = b.base ? PAD_WITH_BASE : PAD;
  const length = Buffer.byteLength(s, 'latin1');
  if (length < pad) s += ' '.repeat(pad - length);
  return `${s}\nX-UID: ${b.uid}\n\n`;
}
