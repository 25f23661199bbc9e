// Splits a Berkeley-style mailbox into messages while streaming it: the file
// is read in large chunks, a message that runs past a chunk is carried over,
// and only the current chunk and the current message are held. Where messages
// start and end is the framing's business (From_ lines, ^A^A^A^A lines); the
// header of each is processed here, the same way for every framing.
import type { MailDate } from '../../mail/dates.js';
import { ChunkReader } from './chunk-reader.js';
import { CHUNK_SIZE } from './file-io.js';
import { NEED_MORE, type Extent, type Framing, type ScanEnv, type SplitWindow } from './framing.js';
import { processHeader, type HeaderInfo, type ScanState } from './header.js';

const LF = 0x0a;
const CR = 0x0d;

/** One message as found in the file. */
export interface RawMessage {
  /** Position in the file, the pseudo-message included (c-client's msgno). */
  readonly msgno: number;
  /** This is the hidden pseudo-message. */
  readonly pseudo: boolean;
  /** File offset of the message's first byte (its From_ line; mmdf: its opening delimiter). */
  readonly start: number;
  /** What precedes the header, the header and the text; the separator or closing delimiter is not included. */
  readonly data: Buffer;
  /** Bytes before the header (From_ line; mmdf: delimiter and From_ line). */
  readonly fromLength: number;
  /** Bytes of the header, up to and including the empty line that ends it. */
  readonly headerLength: number;
  /** File offset of the next message (or of the end of what was scanned). */
  readonly end: number;
  readonly date: MailDate;
  readonly info: HeaderInfo;
  /** REWRITE_* bits the framing set. */
  readonly rewrite: number;
}

export interface ScanOptions extends ScanEnv {
  /** File offset to start at (0, or the end of what an earlier scan saw). */
  readonly from: number;
  readonly state: ScanState;
  readonly chunkSize?: number;
}

export async function* scanMessages(framing: Framing, opts: ScanOptions): AsyncGenerator<RawMessage> {
  // a tail may start by reusing bytes before it (mmdf's closing delimiter): read those too
  const behind = opts.from > 0 ? Math.min(framing.lookBehind, opts.from) : 0;
  const reader = new ChunkReader(opts.fd, opts.from - behind, opts.to, opts.name, opts.chunkSize ?? CHUNK_SIZE);
  /** The window (win[0] is at file offset base), updated in place by refills. */
  const w: { -readonly [K in keyof SplitWindow]: SplitWindow[K] } = { win: Buffer.alloc(0), base: opts.from - behind, eof: reader.done };
  const splitter = framing.splitter(opts);

  /** Keeps win[keep..], appends the next chunk; returns how far indexes moved back. */
  const refill = async (keep: number): Promise<number> => {
    w.win = await reader.next(w.win.subarray(keep));
    w.base += keep;
    w.eof = reader.done;
    splitter.shift(keep);
    return keep;
  };

  /** Keeps the framing's look-behind before p on a refill. */
  const keepBefore = (at: number): number => Math.max(0, at - framing.lookBehind);
  // leading CR, LF, SP and TAB are skipped (broken MTAs write them)
  let p = behind;
  for (;;) {
    const win = w.win;
    while (p < win.length && (win[p] === CR || win[p] === LF || win[p] === 0x20 || win[p] === 0x09)) p++;
    if (p < win.length || w.eof) break;
    p -= await refill(keepBefore(p));
  }
  if (p >= w.win.length) return;
  for (;;) {
    try {
      p = splitter.first(w, p);
      break;
    } catch (e) {
      if (e !== NEED_MORE || w.eof) throw e;
      p -= await refill(keepBefore(p));
    }
  }

  const state = opts.state;
  for (;;) {
    let ext: Extent;
    try {
      ext = splitter.split(w, p);
    } catch (e) {
      if (e !== NEED_MORE || w.eof) throw e;
      p -= await refill(p);
      continue;
    }
    state.msgno++;
    const headerFrom = ext.headerCounted ? ext.fromEnd : ext.headerEnd;
    const info = processHeader(w.win, headerFrom, ext.headerEnd, { state, warn: opts.warn });
    const next = ext.next;
    yield {
      msgno: state.msgno,
      pseudo: state.msgno === 1 && state.pseudo,
      start: w.base + p,
      data: w.win.subarray(p, ext.textEnd),
      fromLength: ext.fromEnd - p,
      headerLength: ext.headerEnd - ext.fromEnd,
      end: w.base + (next ?? w.win.length),
      date: ext.date,
      info,
      rewrite: ext.rewrite,
    };
    if (next === undefined) break;
    p = next;
  }
  splitter.finish();
}

/** Small chunks for reading only the first message. */
const HEAD_CHUNK = 64 << 10;

/** The first message and the mailbox data it gives (nothing for an empty file); warnings are not repeated here. */
export async function scanFirst(
  framing: Framing, fd: number, size: number, env: Omit<ScanEnv, 'fd' | 'to' | 'warn' | 'note'>, state: ScanState,
): Promise<RawMessage | undefined> {
  const quiet = (): void => {};
  const scan = scanMessages(framing, {
    ...env, fd, to: size, from: 0, state, warn: quiet, note: quiet, chunkSize: HEAD_CHUNK,
  });
  const first = await scan.next();
  await scan.return(undefined);
  return first.done ? undefined : first.value;
}
