// Where the messages of a unix mailbox start and end (formats-flat.md 2.4):
// every line that is a valid From_ line starts a message, except inside a
// header; one empty line before the next From_ line (or the end) is the
// separator. Boundaries are found with native searches for "\nFrom ". The
// dialects of other programs (dialects.ts) are recognised on the way: read as
// c-client reads them, with a warning where that loses their structure, or
// as their writers meant them when the scan is lenient.
import { CorruptMailbox } from '../../errors.js';
import type { MailDate } from '../../mail/dates.js';
import { fromLineDate, parseFromLine, type FromLineFields } from '../berkeley/from-line.js';
import {
  NEED_MORE, REWRITE_FROM_LINE, REWRITE_QUOTE_FROM, type Extent, type ScanEnv, type SplitWindow, type Splitter,
} from '../berkeley/framing.js';
import {
  blankBefore, contentLength, headerFieldAt, lengthIsConsistent, lineText, parseLenientFromLine,
} from './dialects.js';

const LF = 0x0a;
const CR = 0x0d;
const NEEDLE = Buffer.from('\nFrom ', 'latin1');

/** The From_ line of a message: one c-client accepts, or one only a lenient read takes. */
type Envelope = { readonly fields: FromLineFields } | { readonly date: MailDate };

function shifted(e: Envelope, by: number): Envelope {
  if (!('fields' in e)) return e;
  const f = e.fields;
  return { fields: { end: f.end - by, time: f.time - by, zone: f.zone ? f.zone - by : 0 } };
}

/** 1 or 2 when the text win[bodyStart..end) ends with an empty line (LF or CR LF), the separator; else 0. */
function separatorLength(win: Buffer, bodyStart: number, end: number): number {
  if (end - 1 < bodyStart || win[end - 1] !== LF) return 0;
  if (end - 1 === bodyStart || win[end - 2] === LF) return 1;
  if (win[end - 2] === CR && (end - 2 === bodyStart || win[end - 3] === LF)) return 2;
  return 0;
}

/** Where a search for the next From_ line can resume after a refill (a line end before the window's end). */
function resumePoint(win: Buffer, p: number, current: number): number {
  const lastLf = win.lastIndexOf(LF);
  return lastLf > p && lastLf > current ? lastLf - 1 : current;
}

export class UnixSplitter implements Splitter {
  /** The From_ line of the message the next split() starts at. */
  private envelope: Envelope | undefined;
  /** How far the current message's body was searched already (window index), or -1. */
  private bodySearch = -1;
  private warnedRejected = false;
  private warnedLength = false;
  private lenientStarts = 0;
  private lengthsUsed = 0;
  private lengthsIgnored = 0;
  /** Whether the current message's Content-Length is consistent, once judged. */
  private lengthVerdict: boolean | undefined;
  /**
   * Without --lenient, Content-Length is looked at only in a file whose first message has
   * one (mboxcl writers give every message one); reading the others costs nothing more.
   */
  private lengthsMatter: boolean | undefined;

  constructor(private readonly env: ScanEnv) {}

  first(w: SplitWindow, p: number): number {
    const { win, eof } = w;
    const lf = win.indexOf(LF, p);
    if (lf < 0 && !eof) throw NEED_MORE;
    if (lf >= 0) {
      const fields = parseFromLine(win, p, lf);
      if (fields) {
        this.envelope = { fields };
        return p;
      }
      if (this.env.lenient) {
        const date = this.envelopeAt(w, p, lf, p);
        if (date) {
          this.envelope = { date };
          this.lenientStarts++;
          return p;
        }
      }
    }
    const text = win.subarray(p, p + 20).toString('latin1').replace(/[\0\n].*$/s, '');
    throw new CorruptMailbox(this.env.name, w.base + p, `Unexpected changes to mailbox (try restarting): ${text}`);
  }

  shift(by: number): void {
    if (this.envelope) this.envelope = shifted(this.envelope, by);
    if (this.bodySearch >= 0) this.bodySearch -= by;
  }

  finish(): void {
    const { name, note } = this.env;
    if (this.lenientStarts > 0) {
      note(`${name}: ${this.lenientStarts} message(s) start at a "From " line c-client does not accept (read leniently)`);
    }
    if (this.lengthsUsed > 0) note(`${name}: the end of ${this.lengthsUsed} message(s) taken from Content-Length`);
    if (this.lengthsIgnored > 0) {
      note(`${name}: ${this.lengthsIgnored} Content-Length header(s) ignored: they do not match the file`);
    }
  }

  /**
   * The parts of the message whose From_ line starts at p. The header runs to the
   * first empty line (From_ lines inside it do not split: c-client reads the header
   * without looking for them); the text runs to the next From_ line.
   */
  split(w: SplitWindow, p: number): Extent {
    const { win, eof } = w;
    const fromEnd = win.indexOf(LF, p) + 1;
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
      return this.extent(w, fromEnd, headerEnd, headerEnd, undefined, undefined, 0);
    }
    this.lengthsMatter ??= contentLength(win, fromEnd, headerEnd) !== undefined;
    if (this.env.lenient) {
      const length = contentLength(win, fromEnd, headerEnd);
      const byLength = length === undefined ? undefined : this.splitByLength(w, fromEnd, headerEnd, length);
      if (byLength) return byLength;
    }
    return this.splitAtFromLine(w, p, fromEnd, headerEnd);
  }

  /** The text runs to the next From_ line (c-client's rule), or to an envelope line when lenient. */
  private splitAtFromLine(w: SplitWindow, p: number, fromEnd: number, headerEnd: number): Extent {
    const { win, eof } = w;
    // the LF before the first body line is the last byte of the header
    let from = Math.max(headerEnd - 1, this.bodySearch);
    for (;;) {
      const c = win.indexOf(NEEDLE, from);
      if (c < 0) {
        if (!eof) {
          this.bodySearch = resumePoint(win, p, from);
          throw NEED_MORE;
        }
        return this.extent(w, fromEnd, headerEnd, win.length - separatorLength(win, headerEnd, win.length), undefined, undefined, 0);
      }
      const start = c + 1;
      const lf = win.indexOf(LF, start);
      if (lf < 0) {
        if (!eof) {
          this.bodySearch = c;
          throw NEED_MORE;
        }
        // an unterminated last line is never a From_ line
        return this.extent(w, fromEnd, headerEnd, win.length - separatorLength(win, headerEnd, win.length), undefined, undefined, 0);
      }
      let next: Envelope | undefined;
      const fields = parseFromLine(win, start, lf);
      if (fields) next = { fields };
      else {
        this.bodySearch = c;
        const date = this.envelopeAt(w, start, lf, headerEnd);
        if (date && this.env.lenient) {
          next = { date };
          this.lenientStarts++;
        } else if (date) this.warnRejected(w, start, lf);
      }
      if (next) {
        if (this.lengthsMatter && !this.env.lenient && !this.warnedLength) this.warnIfCutShort(w, fromEnd, headerEnd, start);
        const textEnd = start - separatorLength(win, headerEnd, start);
        return this.extent(w, fromEnd, headerEnd, textEnd, start, next, 0);
      }
      from = start;
    }
  }

  /**
   * Lenient: the message ends where its Content-Length says, when that is consistent
   * with the file; undefined when it is not (the header is then ignored).
   */
  private splitByLength(w: SplitWindow, fromEnd: number, headerEnd: number, length: number): Extent | undefined {
    const { win, base } = w;
    if (this.lengthVerdict === undefined) {
      this.lengthVerdict = this.consistent(w, headerEnd, length);
      if (this.lengthVerdict) this.lengthsUsed++;
      else this.lengthsIgnored++;
    }
    if (!this.lengthVerdict) return undefined;
    // consistent: the message really runs that far; the window must hold it and the next From_ line
    const target = headerEnd + length;
    if (base + target >= this.env.to && target <= win.length) {
      return this.extent(w, fromEnd, headerEnd, target, undefined, undefined, REWRITE_QUOTE_FROM);
    }
    let start = target;
    if (win[start] === LF) start += 1;
    else if (win[start] === CR && win[start + 1] === LF) start += 2;
    const lf = start < win.length ? win.indexOf(LF, start) : -1;
    if (lf < 0 && !w.eof) throw NEED_MORE;
    const fields = lf < 0 ? undefined : parseFromLine(win, start, lf);
    const date = fields || lf < 0 ? undefined : this.envelopeAt(w, start, lf, start);
    if (!fields && !date) {
      // what the quick look judged consistent is not, seen whole
      this.lengthVerdict = false;
      this.lengthsUsed--;
      this.lengthsIgnored++;
      return undefined;
    }
    if (date) this.lenientStarts++;
    const next: Envelope = fields ? { fields } : { date: date! };
    return this.extent(w, fromEnd, headerEnd, target, start, next, REWRITE_QUOTE_FROM);
  }

  private consistent(w: SplitWindow, headerEnd: number, length: number): boolean {
    const { now } = this.env;
    return lengthIsConsistent(this.env.fd, this.env.to, w.base + headerEnd, length, (buf, start, lf) => {
      const next = headerFieldAt(buf, lf + 1, buf.length);
      return next === true && parseLenientFromLine(lineText(buf, start, lf), now) !== undefined;
    });
  }

  /** Without --lenient: say once that c-client cuts a message short of what its Content-Length covers. */
  private warnIfCutShort(w: SplitWindow, fromEnd: number, headerEnd: number, cutAt: number): void {
    const length = contentLength(w.win, fromEnd, headerEnd);
    if (length === undefined || cutAt >= headerEnd + length) return;
    if (!this.consistent(w, headerEnd, length)) return;
    this.warnedLength = true;
    this.env.warn(
      `${this.env.name}: a message's Content-Length covers a From_ line at byte ${w.base + cutAt}, which c-client ` +
      `(and mailsmith without --lenient) reads as the start of another message; --lenient reads it by its Content-Length`,
    );
  }

  /** Without --lenient: say once that a line looking like an envelope stays in the message before it. */
  private warnRejected(w: SplitWindow, start: number, lf: number): void {
    if (this.warnedRejected) return;
    this.warnedRejected = true;
    const line = lineText(w.win, start, lf).replace(/\r$/, '');
    this.env.warn(
      `${this.env.name}: the line "${line}" at byte ${w.base + start} looks like the start of a message, but c-client ` +
      `does not accept it as a From_ line, so it is read as part of the message before it, as mailutil reads it; ` +
      `--lenient reads such lines as their writer meant`,
    );
  }

  /**
   * The date of an envelope line c-client rejects, when the line at start (a line
   * start; lf its LF) is one: "From " and a date that parses, after an empty line
   * (or at textStart) and before a header field line.
   */
  private envelopeAt(w: SplitWindow, start: number, lf: number, textStart: number): MailDate | undefined {
    const { win, eof } = w;
    if (!blankBefore(win, start, textStart)) return undefined;
    const lenient = parseLenientFromLine(lineText(win, start, lf), this.env.now);
    if (!lenient) return undefined;
    const field = headerFieldAt(win, lf + 1, win.length);
    if (field === undefined && !eof) throw NEED_MORE;
    return field ? lenient.date : undefined;
  }

  private extent(
    w: SplitWindow, fromEnd: number, headerEnd: number, textEnd: number,
    next: number | undefined, nextEnvelope: Envelope | undefined, rewrite: number,
  ): Extent {
    const envelope = this.envelope!;
    // the date only now: a NEED_MORE above would have repeated its warning
    const date = 'fields' in envelope ? fromLineDate(w.win, envelope.fields, this.env.now, this.env.warn) : envelope.date;
    this.envelope = nextEnvelope;
    this.bodySearch = -1;
    this.lengthVerdict = undefined;
    return {
      fromEnd, headerEnd, textEnd, next, date, headerCounted: true,
      rewrite: rewrite | ('fields' in envelope ? 0 : REWRITE_FROM_LINE),
    };
  }
}
