// What tells the Berkeley-style formats apart: how messages are framed in the
// file. unix starts each message with a From_ line; mmdf encloses each one in
// ^A^A^A^A lines (formats-flat.md 2, 3). Everything else (metadata headers,
// pseudo-message, UIDs, status blocks, locking, rewriting) is the engine's and
// is shared. A Framing says how to find messages, how to write them, and what
// the format's new and rewritten files start with.
import type { MailDate } from '../../mail/dates.js';
import type { FormatName, StoreContext } from '../../store/types.js';
import type { StoredTextReport } from './append-text.js';
import type { MessageEntry } from './entry.js';
import type { BatchWriter } from './file-io.js';
import type { PseudoMessageData } from './pseudo.js';
import type { RawMessage } from './scan.js';

/** Thrown inside a splitter when the window ends before what it needs to see. */
export const NEED_MORE = Symbol('need more data');

/** What a scan of one file needs to know beyond the bytes. */
export interface ScanEnv {
  readonly fd: number;
  /** The snapshot size: nothing at or after it is read. */
  readonly to: number;
  /** Mailbox name, for errors and warnings. */
  readonly name: string;
  readonly now: Date;
  /** The file's modification time at the snapshot (mmdf dates a message without From_ line by it). */
  readonly mtime: Date;
  /** c-client's warnings; a repeated pass over the same file gives none. */
  readonly warn: (text: string) => void;
  readonly note: (text: string) => void;
  /** Read other programs' dialects as their writers meant them (StoreContext.lenient). */
  readonly lenient: boolean;
}

/** The part of the file in memory: the message being split and what follows it. */
export interface SplitWindow {
  readonly win: Buffer;
  /** File offset of win[0]. */
  readonly base: number;
  /** Nothing follows the window. */
  readonly eof: boolean;
}

/** A rewrite must give the message a From_ line c-client accepts (it has none, or one only a lenient read takes). */
export const REWRITE_FROM_LINE = 1;
/** A rewrite must quote its "From " lines (its end came from Content-Length, not from a From_ line). */
export const REWRITE_QUOTE_FROM = 2;
/** The "header" is a stray delimiter line (mmdf): a rewrite writes no header for it. */
export const REWRITE_DROP_HEADER = 4;

/** Where one message's parts end, as window indexes. */
export interface Extent {
  /** End of what precedes the header: the From_ line (mmdf: the delimiter and the From_ line, if any). */
  readonly fromEnd: number;
  /** End of the header, its empty line included when it has one. */
  readonly headerEnd: number;
  /** End of the text: the separator line or the closing delimiter is not part of it. */
  readonly textEnd: number;
  /** Start of the next message; undefined when this one is the last. */
  readonly next: number | undefined;
  readonly date: MailDate;
  /** False when c-client counts none of the header in the size (mmdf: a delimiter read as the header). */
  readonly headerCounted: boolean;
  /** REWRITE_* bits. */
  readonly rewrite: number;
}

/** Splits one scan's file into messages; keeps whatever it learns about the next message meanwhile. */
export interface Splitter {
  /**
   * The index where the first message starts, given p, the first byte after the
   * leading blanks; throws CorruptMailbox (c-client's `Unexpected changes`) when
   * no message starts there.
   */
  first(w: SplitWindow, p: number): number;
  /** The extent of the message starting at p. */
  split(w: SplitWindow, p: number): Extent;
  /** A refill moved every window index back by `by`. */
  shift(by: number): void;
  /** The scan has seen every message (notes on what a lenient read did). */
  finish(): void;
}

/** Facts about a whole file that a lenient reader must know before its first message. */
export interface FileDialect {
  /** Remove one ">" from body lines matching ^>+From (mboxrd). */
  readonly mboxrd: boolean;
}

export const PLAIN_FILE: FileDialect = { mboxrd: false };

/** How messages sit in a rewritten file. */
export interface RewriteParts {
  /** Bytes before the header: the From_ line (mmdf: delimiter and From_ line). */
  readonly lead: Buffer;
  /** The text as it is to be written (CRs already removed). */
  readonly text: Buffer;
  /** Bytes after the text: the separator LF (mmdf: the closing delimiter, after a LF if the text lacks one). */
  readonly tail: Buffer;
  /** How many bytes of the tail belong to the text as the rewritten file will be read. */
  readonly textTail: number;
}

export interface Framing {
  readonly format: FormatName;
  /** c-client's test of a file's first bytes; with a context, also what a lenient reader accepts. */
  probe(path: string, ctx?: StoreContext): Promise<boolean>;
  /** Bytes before a message start that the first message of a tail may reuse (mmdf's closing delimiter). */
  readonly lookBehind: number;
  splitter(env: ScanEnv): Splitter;
  /** Learns what a lenient read of the whole file must know first, given its first message (only when lenient). */
  survey?(fd: number, size: number, first: RawMessage | undefined): Promise<FileDialect>;
  /** The file a new mailbox starts as. */
  created(d: PseudoMessageData): Buffer;
  /** The pseudo-message a rewrite puts first. */
  pseudoMessage(d: PseudoMessageData): Buffer;
  /** What an appended message starts with before its From_ line and status lines. */
  readonly appendPrefix: string;
  /** Writes an appended message's text and what ends the message. */
  putAppendedText(out: BatchWriter, text: Buffer): Promise<StoredTextReport>;
  /**
   * What a rewrite writes around a message's header and status block, given what the
   * file holds before its header (`lead`, as stored) and its text (without CRs).
   */
  rewriteParts(lead: Buffer, text: Buffer, e: MessageEntry, dialect: FileDialect, ctx: StoreContext): RewriteParts;
}
