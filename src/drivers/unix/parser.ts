// Splits a unix mailbox into messages while streaming it (formats-flat.md
// 2.4): the file is read in large chunks, a message that runs past a chunk is
// carried over, and only the current chunk and the current message are held.
// Message boundaries are found with native searches for "\nFrom ".
import { CorruptMailbox } from '../../errors.js';
import type { MailDate } from '../../mail/dates.js';
import { ChunkReader } from './chunk-reader.js';
import { CHUNK_SIZE } from './file-io.js';
import { fromLineDate, parseFromLine, type FromLineFields } from './from-line.js';
import { processHeader, type HeaderInfo, type ScanState } from './header.js';

const LF = 0x0a;
const CR = 0x0d;
const NEEDLE = Buffer.from('\nFrom ', 'latin1');

/** One message as found in the file. */
export interface RawMessage {
  /** Position in the file, the pseudo-message included (c-client's msgno). */
  readonly msgno: number;
  /** This is the hidden pseudo-message. */
  readonly pseudo: boolean;
  /** File offset of the From_ line. */
  readonly start: number;
  /** From_ line, header and text; the separator line is not included. */
  readonly data: Buffer;
  /** Bytes of the From_ line (with its LF). */
  readonly fromLength: number;
  /** Bytes of the header, up to and including the empty line that ends it. */
  readonly headerLength: number;
  /** File offset of the next message (or of the end of what was scanned). */
  readonly end: number;
  readonly date: MailDate;
  readonly info: HeaderInfo;
}

export interface ScanOptions {
  readonly fd: number;
  /** File offset to start at (0, or the end of what an earlier scan saw). */
  readonly from: number;
  /** File offset to stop at: the size snapshot taken under the lock. */
  readonly to: number;
  /** Mailbox name, for errors. */
  readonly name: string;
  readonly state: ScanState;
  readonly now: Date;
  readonly warn: (text: string) => void;
  readonly chunkSize?: number;
}

/** Where one message's parts end, as indexes into the window. */
interface Extent {
  readonly fromEnd: number;
  readonly headerEnd: number;
  readonly textEnd: number;
  /** Start of the next message, or the window's end at the end of the data. */
  readonly next: number;
  readonly nextFields?: FromLineFields;
}

/** Thrown inside the splitter when the window ends before the message does. */
const NEED_MORE = Symbol('need more data');

export async function* scanMessages(opts: ScanOptions): AsyncGenerator<RawMessage> {
  const reader = new ChunkReader(opts.fd, opts.from, opts.to, opts.name, opts.chunkSize ?? CHUNK_SIZE);
  let win: Buffer = Buffer.alloc(0);
  /** File offset of win[0]. */
  let winPos = opts.from;
  let eof = reader.done;

  /** Keeps win[keep..], appends the next chunk; returns how far indexes moved back. */
  const refill = async (keep: number): Promise<number> => {
    win = await reader.next(win.subarray(keep));
    winPos += keep;
    eof = reader.done;
    return keep;
  };

  // leading CR, LF, SP and TAB are skipped (broken MTAs write them)
  let p = 0;
  for (;;) {
    while (p < win.length && (win[p] === CR || win[p] === LF || win[p] === 0x20 || win[p] === 0x09)) p++;
    if (p < win.length || eof) break;
    p -= await refill(p);
  }
  if (p >= win.length) return;
  let fields: FromLineFields | undefined;
  for (;;) {
    const lf = win.indexOf(LF, p);
    if (lf >= 0) {
      fields = parseFromLine(win, p, lf);
      break;
    }
    if (eof) break;
    p -= await refill(p);
  }
  if (!fields) {
    const text = win.subarray(p, p + 20).toString('latin1').replace(/[\0\n].*$/s, '');
    throw new CorruptMailbox(opts.name, winPos + p, `Unexpected changes to mailbox (try restarting): ${text}`);
  }

  let bodySearch = -1;
  while (fields) {
    let ext: Extent;
    try {
      ext = splitOne(win, p, bodySearch, eof);
    } catch (e) {
      if (e !== NEED_MORE) throw e;
      // remember how far the body was searched, so a long message is not searched again
      bodySearch = resumePoint(win, p, bodySearch);
      const moved = await refill(p);
      p -= moved;
      fields = shift(fields, moved);
      if (bodySearch >= 0) bodySearch -= moved;
      continue;
    }
    const state = opts.state;
    state.msgno++;
    const date = fromLineDate(win, fields, opts.now, opts.warn);
    const info = processHeader(win, ext.fromEnd, ext.headerEnd, { state, warn: opts.warn });
    yield {
      msgno: state.msgno,
      pseudo: state.msgno === 1 && state.pseudo,
      start: winPos + p,
      data: win.subarray(p, ext.textEnd),
      fromLength: ext.fromEnd - p,
      headerLength: ext.headerEnd - ext.fromEnd,
      end: winPos + ext.next,
      date,
      info,
    };
    p = ext.next;
    fields = ext.nextFields;
    bodySearch = -1;
  }
}

/** Small chunks for reading only the first message. */
const HEAD_CHUNK = 64 << 10;

/** The first message and the mailbox data it gives (nothing for an empty file); warnings are not repeated here. */
export async function scanFirst(
  fd: number, size: number, name: string, state: ScanState, now: Date,
): Promise<RawMessage | undefined> {
  const scan = scanMessages({ fd, from: 0, to: size, name, state, now, warn: () => {}, chunkSize: HEAD_CHUNK });
  const first = await scan.next();
  await scan.return(undefined);
  return first.done ? undefined : first.value;
}

function shift(f: FromLineFields, by: number): FromLineFields {
  return { end: f.end - by, time: f.time - by, zone: f.zone ? f.zone - by : 0 };
}

/** Where a search for the next From_ line can resume after a refill (a line end before the window's end). */
function resumePoint(win: Buffer, p: number, current: number): number {
  const lastLf = win.lastIndexOf(LF);
  return lastLf > p && lastLf > current ? lastLf - 1 : current;
}

/**
 * The parts of the message whose From_ line starts at p. The header runs to the
 * first empty line (From_ lines inside it do not split: c-client reads the header
 * without looking for them); the text runs to the next valid From_ line.
 */
function splitOne(win: Buffer, p: number, bodySearch: number, eof: boolean): Extent {
  const fromLf = win.indexOf(LF, p);
  const fromEnd = fromLf + 1;
  let s = fromEnd;
  let headerEnd: number;
  for (;;) {
    if (s >= win.length) {
      if (!eof) throw NEED_MORE;
      headerEnd = win.length;
      break;
    }
    if (win[s] === LF) {
      headerEnd = s + 1;
      break;
    }
    if (win[s] === CR) {
      if (s + 1 >= win.length && !eof) throw NEED_MORE;
      if (win[s + 1] === LF) {
        headerEnd = s + 2;
        break;
      }
    }
    const lf = win.indexOf(LF, s);
    if (lf < 0) {
      if (!eof) throw NEED_MORE;
      headerEnd = win.length;
      break;
    }
    s = lf + 1;
  }
  if (headerEnd >= win.length) {
    if (!eof) throw NEED_MORE;
    return { fromEnd, headerEnd, textEnd: headerEnd, next: win.length };
  }

  // the LF before the first body line is the last byte of the header
  let from = Math.max(headerEnd - 1, bodySearch);
  for (;;) {
    const c = win.indexOf(NEEDLE, from);
    if (c < 0) {
      if (!eof) throw NEED_MORE;
      return { fromEnd, headerEnd, textEnd: win.length - separatorLength(win, headerEnd, win.length), next: win.length };
    }
    const start = c + 1;
    const lf = win.indexOf(LF, start);
    if (lf < 0) {
      if (!eof) throw NEED_MORE;
      // an unterminated last line is never a From_ line
      return { fromEnd, headerEnd, textEnd: win.length - separatorLength(win, headerEnd, win.length), next: win.length };
    }
    const nextFields = parseFromLine(win, start, lf);
    if (nextFields) {
      return { fromEnd, headerEnd, textEnd: start - separatorLength(win, headerEnd, start), next: start, nextFields };
    }
    from = start;
  }
}

/** 1 or 2 when the text win[bodyStart..end) ends with an empty line (LF or CR LF), the separator; else 0. */
function separatorLength(win: Buffer, bodyStart: number, end: number): number {
  if (end - 1 < bodyStart || win[end - 1] !== LF) return 0;
  if (end - 1 === bodyStart || win[end - 2] === LF) return 1;
  if (win[end - 2] === CR && (end - 2 === bodyStart || win[end - 3] === LF)) return 2;
  return 0;
}
