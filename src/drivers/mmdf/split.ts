// Where the messages of an mmdf mailbox start and end (formats-flat.md 3), as
// c-client's mmdf_parse finds them: a message opens with a ^A^A^A^A line, may
// have a From_ line, has a header up to its empty line (or up to a delimiter),
// and a text up to the next delimiter line, none of which is removed. A
// delimiter glued to the end of a line also ends the text. When the line after
// a closing delimiter is not another delimiter, the closing one opens the next
// message as well, so stray lines between messages become a message of their own.
import { CorruptMailbox } from '../../errors.js';
import type { MailDate } from '../../mail/dates.js';
import { fromLineDate, parseFromLine } from '../berkeley/from-line.js';
import {
  NEED_MORE, REWRITE_DROP_HEADER, REWRITE_FROM_LINE, type Extent, type ScanEnv, type SplitWindow, type Splitter,
} from '../berkeley/framing.js';

const LF = 0x0a;
const CR = 0x0d;
const CTRL_A = 0x01;
export const DELIMITER = Buffer.from('\x01\x01\x01\x01\n', 'latin1');
const DELIMITER_LENGTH = DELIMITER.length;

/** win holds the delimiter line at i. */
function delimiterAt(win: Buffer, i: number): boolean {
  return win[i] === CTRL_A && win[i + 1] === CTRL_A && win[i + 2] === CTRL_A && win[i + 3] === CTRL_A && win[i + 4] === LF;
}

interface Line {
  /** Where the line's bytes end: after its LF, or where a glued delimiter starts, or the window's end. */
  readonly end: number;
  /** Index of its LF; -1 when the data ends without one. */
  readonly lf: number;
  /** A delimiter was glued to its end: it ends at `end`, without a LF, and the delimiter follows. */
  readonly glued: boolean;
}

export class MmdfSplitter implements Splitter {
  /** How far the current message's text was searched for its closing delimiter, or -1. */
  private textSearch = -1;

  constructor(private readonly env: ScanEnv) {}

  first(w: SplitWindow, p: number): number {
    const { win, eof, base } = w;
    if (p + DELIMITER_LENGTH > win.length && !eof) throw NEED_MORE;
    if (delimiterAt(win, p)) return p;
    // data that does not start with a delimiter may follow one: the last message's closing delimiter
    if (base + p > DELIMITER_LENGTH && p >= DELIMITER_LENGTH && delimiterAt(win, p - DELIMITER_LENGTH)) {
      return p - DELIMITER_LENGTH;
    }
    const text = win.subarray(p, p + 20).toString('latin1').replace(/[\0\n].*$/s, '');
    throw new CorruptMailbox(this.env.name, base + p, `Unexpected changes to mailbox (try restarting): ${text}`);
  }

  shift(by: number): void {
    if (this.textSearch >= 0) this.textSearch -= by;
  }

  finish(): void {}

  /** The line at i, as c-client's mmdf_mbxline reads it (a line longer than the delimiter may end in one). */
  private line(w: SplitWindow, i: number): Line {
    const { win, eof } = w;
    const lf = win.indexOf(LF, i);
    if (lf < 0) {
      if (!eof) throw NEED_MORE;
      return { end: win.length, lf: -1, glued: false };
    }
    const glued = lf + 1 - i > DELIMITER_LENGTH + 1 && delimiterAt(win, lf - 4);
    return { end: glued ? lf - 4 : lf + 1, lf, glued };
  }

  /** The extent of the message whose opening delimiter is at p. */
  split(w: SplitWindow, p: number): Extent {
    const { win, eof } = w;
    const lineStart = p + DELIMITER_LENGTH;
    if (lineStart >= win.length && !eof) throw NEED_MORE;
    let fromEnd = lineStart;
    const first = lineStart < win.length ? this.line(w, lineStart) : undefined;
    const fields = first && first.lf >= 0 ? parseFromLine(win, lineStart, first.glued ? first.end : first.lf) : undefined;
    if (fields) fromEnd = first!.end;

    // the header: up to its empty line, a delimiter, or the end of the data
    let headerEnd = fromEnd;
    let closing = -1;
    let headerCounted = true;
    for (let s = fromEnd; ;) {
      if (s >= win.length) {
        if (!eof) throw NEED_MORE;
        headerEnd = s;
        break;
      }
      if (s + DELIMITER_LENGTH > win.length && !eof) throw NEED_MORE;
      if (delimiterAt(win, s)) {
        if (!fields && s === lineStart) {
          // c-client reads the delimiter it found where a first line was due as the header, and goes on
          headerEnd = s + DELIMITER_LENGTH;
          headerCounted = false;
        } else {
          headerEnd = closing = s;
        }
        break;
      }
      const ln = this.line(w, s);
      const empty = ln.lf === s || (ln.lf === s + 1 && win[s] === CR);
      s = ln.end;
      if (ln.glued) {
        headerEnd = closing = s;
        break;
      }
      if (ln.lf < 0 || empty) {
        headerEnd = s;
        break;
      }
    }

    // the text: up to the next delimiter line, or one glued to the end of a line
    let textEnd = headerEnd;
    if (closing < 0 && headerEnd < win.length) {
      let from = Math.max(headerEnd, this.textSearch);
      for (;;) {
        const c = win.indexOf(DELIMITER, from);
        if (c < 0) {
          if (!eof) {
            this.textSearch = Math.max(headerEnd, win.length - DELIMITER_LENGTH);
            throw NEED_MORE;
          }
          textEnd = win.length;
          break;
        }
        const start = win.lastIndexOf(LF, c - 1) + 1;
        // a delimiter line, or one glued to a line that is more than one byte long
        if (c === start || c - start > 1) {
          textEnd = closing = c;
          break;
        }
        from = c + 1;
      }
    }

    let next: number | undefined;
    if (closing >= 0) {
      const after = closing + DELIMITER_LENGTH;
      if (after + DELIMITER_LENGTH > win.length && !eof) throw NEED_MORE;
      if (after < win.length) next = delimiterAt(win, after) ? after : closing;
    }

    this.textSearch = -1;
    // the date only now: a NEED_MORE above would have repeated its warning
    let rewrite = headerCounted ? 0 : REWRITE_DROP_HEADER;
    let date: MailDate;
    if (fields) date = fromLineDate(win, fields, this.env.now, this.env.warn);
    else {
      // no From_ line: the file's modification time, in UTC, as c-client dates such a message
      date = { ms: Math.floor(this.env.mtime.getTime() / 1000) * 1000, zone: 0 };
      rewrite |= REWRITE_FROM_LINE;
    }
    return { fromEnd, headerEnd, textEnd, next, date, headerCounted, rewrite };
  }
}
