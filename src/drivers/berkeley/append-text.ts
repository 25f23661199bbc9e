// The text of an appended message as a unix or mmdf file stores it
// (formats-flat.md 2.8, 3): every CR removed, (unix) every line that starts
// with "From " quoted as ">From ", in the header every line named like one of
// the six metadata headers (any letter case) renamed X-Original-NAME, then one
// LF (which ends the last line when the text has no final newline). NUL bytes are kept:
// c-client's appender turns them into 0x80, but its reader hands a stored NUL
// back unchanged (verified with ccdump on golden source.mbox, message 9), so
// keeping them loses nothing.
//
// The text is converted inside the writer's buffer: it is copied to the end of
// the reserved room and rewritten towards the front with native searches and
// moves. The room exceeds the text by more than what can be inserted (a ">" per
// six bytes at most, an "X-Original-" per six bytes of header at most), so the
// write position never overtakes the read position.
import type { BatchWriter } from './file-io.js';
import { startsWithFrom } from './from-line.js';
import { headerNameEnd, isMetadataName } from './header.js';
import { hasBareCr, withoutCr } from '../shared/crlf.js';

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const SP = 0x20;
const NEEDLE = Buffer.from('\nFrom ', 'latin1');
const ORIGINAL = Buffer.from('X-Original-', 'latin1');

/** What storing the text changed. */
export interface StoredTextReport {
  fromQuoted: boolean;
  headerRenamed: boolean;
  /**
   * A line end was added: the text did not end with one, or it had no empty
   * line ending its header, which it gets (c-client reads a header up to an empty line).
   */
  newlineAdded: boolean;
  /** The text held a CR not followed by LF, which the format cannot keep. */
  bareCr: boolean;
  /**
   * A header field's name ended in a NUL, stored as a space: c-client's header
   * filter reads it back as one, so the file says what readers will see.
   */
  headerNul: boolean;
  /** mmdf: ^A bytes were removed from the end of a line that would have read as a message delimiter. */
  delimiterCut: boolean;
}

/** How a format stores a text: what the unix and mmdf appenders do differently. */
export interface StoreTextRules {
  /** Quote every line that starts "From " (unix: such a line could start a message). */
  readonly quoteFrom: boolean;
  /**
   * Give a header that never ended its empty line (unix: else the next From_ line would
   * be read as part of it; an mmdf delimiter ends a header by itself).
   */
  readonly endHeader: boolean;
}

export const UNIX_TEXT_RULES: StoreTextRules = { quoteFrom: true, endHeader: true };

/** The header: up to and including its first line that is empty once CRs are removed (or all of the text). */
function headerExtent(text: Buffer): { length: number; ended: boolean } {
  for (let s = 0; s < text.length;) {
    const lf = text.indexOf(LF, s);
    if (lf < 0) break;
    let k = s;
    while (k < lf && text[k] === CR) k++;
    if (k === lf) return { length: lf + 1, ended: true };
    s = lf + 1;
  }
  return { length: text.length, ended: false };
}

/** Writes text in stored form, followed by the LF c-client writes after every message. */
export async function putStoredText(out: BatchWriter, text: Buffer, rules: StoreTextRules = UNIX_TEXT_RULES): Promise<StoredTextReport> {
  const report: StoredTextReport = {
    fromQuoted: false, headerRenamed: false, newlineAdded: false, bareCr: false, headerNul: false, delimiterCut: false,
  };
  const header = headerExtent(text);
  const need = text.length + Math.ceil(text.length / 6) + Math.ceil((header.length * ORIGINAL.length) / 6) + 4;
  const buf = await out.reserve(need);
  const start = out.length;
  const end = start + need;
  const view = buf.subarray(0, end);
  const i = end - text.length;
  text.copy(view, i);
  const c = new Converter(view, start, i, report, rules.quoteFrom);
  c.header(i + header.length);
  c.body(end);
  const endsWithLf = c.o > start && view[c.o - 1] === LF;
  report.newlineAdded = !endsWithLf || (rules.endHeader && !header.ended);
  // c-client writes one LF; a header that never ended also gets its empty line
  // (c-client's append gives it one too when the text ends with a line end), or
  // the next message's From_ line would be read as part of it
  view[c.o++] = LF;
  if (rules.endHeader && !endsWithLf && !header.ended) view[c.o++] = LF;
  out.length = c.o;
  return report;
}

/** Rewrites view[i..] into view[o..] line by line; o never passes i. */
class Converter {
  /** Next CR at or after i, or -1. */
  private cr: number;

  constructor(
    private readonly view: Buffer, public o: number, private i: number, private readonly report: StoredTextReport,
    private readonly quote: boolean,
  ) {
    this.cr = view.indexOf(CR, i);
  }

  /** Header lines up to end: CRs removed, "From " quoted, metadata headers renamed. */
  header(end: number): void {
    const { view, report } = this;
    while (this.i < end) {
      const lf = view.indexOf(LF, this.i);
      const next = lf < 0 || lf >= end ? end : lf + 1;
      // the usual line ends in LF or CR LF; CRs anywhere else take the slow way
      const crlf = this.cr >= 0 && this.cr === lf - 1 && lf < end;
      if (this.cr >= 0 && this.cr < next && !crlf) {
        const raw = view.subarray(this.i, next);
        const line = withoutCr(raw);
        if (hasBareCr(raw)) report.bareCr = true;
        this.prefix(line, 0, line.length);
        this.nulInName(line, 0, line.length);
        this.o += line.copy(view, this.o);
      } else {
        const contentEnd = crlf ? lf - 1 : next;
        this.prefix(view, this.i, contentEnd);
        this.nulInName(view, this.i, contentEnd);
        view.copyWithin(this.o, this.i, contentEnd);
        this.o += contentEnd - this.i;
        if (crlf) view[this.o++] = LF;
      }
      this.i = next;
      if (this.cr >= 0 && this.cr < next) this.cr = view.indexOf(CR, next);
    }
  }

  /** ">" before "From " (when quoting), "X-Original-" before a metadata header name. */
  private prefix(line: Buffer, from: number, to: number): void {
    if (this.quote && startsWithFrom(line, from)) {
      this.view[this.o++] = GT;
      this.report.fromQuoted = true;
    } else if (isMetadataName(line, from, headerNameEnd(line, from, to))) {
      this.o += ORIGINAL.copy(this.view, this.o);
      this.report.headerRenamed = true;
    }
  }

  /** A NUL that ends the name of the header line line[from..to) becomes a space (before the line is copied). */
  private nulInName(line: Buffer, from: number, to: number): void {
    const nameEnd = headerNameEnd(line, from, to);
    if (nameEnd < to && line[nameEnd] === 0) {
      line[nameEnd] = SP;
      this.report.headerNul = true;
    }
  }

  /** The body up to end: CRs removed, every line starting "From " quoted (when quoting). */
  body(end: number): void {
    const { view, report, quote } = this;
    if (this.i >= end) return;
    const bodyStart = this.o;
    if (quote && startsWithFrom(view, this.i)) {
      view[this.o++] = GT;
      report.fromQuoted = true;
    }
    let from = quote ? view.indexOf(NEEDLE, this.i) : -1;
    for (;;) {
      const { cr, i } = this;
      const quoteAt = from < 0 ? -1 : from + 1;
      if (cr >= 0 && (quoteAt < 0 || cr < quoteAt)) {
        view.copyWithin(this.o, i, cr);
        this.o += cr - i;
        this.i = cr + 1;
        if (view[this.i] !== LF) {
          report.bareCr = true;
          // a CR removed from the start of a line can uncover "From "
          if (quote && (this.o === bodyStart || view[this.o - 1] === LF) && startsWithFrom(view, this.i)) {
            view[this.o++] = GT;
            report.fromQuoted = true;
          }
        }
        this.cr = view.indexOf(CR, this.i);
        continue;
      }
      if (quoteAt < 0) break;
      view.copyWithin(this.o, i, quoteAt);
      this.o += quoteAt - i;
      view[this.o++] = GT;
      report.fromQuoted = true;
      this.i = quoteAt;
      from = view.indexOf(NEEDLE, quoteAt);
    }
    view.copyWithin(this.o, this.i, end);
    this.o += end - this.i;
    this.i = end;
  }
}
