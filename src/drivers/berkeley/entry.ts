// What a read-write session keeps in memory about each message: where it is in
// the file and its current state (flag changes wait here until the rewrite).
import type { MailDate } from '../../mail/dates.js';
import type { RawMessage } from './scan.js';

export interface MessageEntry {
  /** File offset of the message's first byte (From_ line; mmdf: opening delimiter). */
  start: number;
  /** Bytes before the header (From_ line; mmdf: delimiter and From_ line). */
  fromLength: number;
  /** Header bytes, up to and including its empty line. */
  headerLength: number;
  /** Text bytes, the separator line excluded. */
  textLength: number;
  readonly date: MailDate;
  readonly uid: number;
  /** System flag bits. */
  flags: number;
  keywordMask: number;
  readonly recent: boolean;
  /** RFC822.SIZE of the header as the parse counted it. */
  headerSize: number;
  /** REWRITE_* bits: what a rewrite must change so that c-client reads the message as mailsmith did. */
  rewrite: number;
}

export function entryOf(m: RawMessage): MessageEntry {
  return {
    start: m.start,
    fromLength: m.fromLength,
    headerLength: m.headerLength,
    textLength: m.data.length - m.fromLength - m.headerLength,
    date: m.date,
    uid: m.info.uid,
    flags: m.info.flags,
    keywordMask: m.info.keywordMask,
    recent: m.info.recent,
    headerSize: m.info.size,
    rewrite: m.rewrite,
  };
}

/** Bytes from the From_ line to the end of the text. */
export function storedLength(e: MessageEntry): number {
  return e.fromLength + e.headerLength + e.textLength;
}
