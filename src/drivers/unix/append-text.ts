// The text of an appended message as a unix file stores it (formats-flat.md
// 2.8): every CR removed, every line that starts with "From " quoted as
// ">From ", in the header every line named like one of the six metadata
// headers (any letter case) renamed X-Original-NAME, then one LF (which ends
// the last line when the text has no final newline). NUL bytes
// are kept: c-client's appender turns them into 0x80, but its reader hands a
// stored NUL back unchanged (verified with ccdump on golden source.mbox,
// message 9), so keeping them loses nothing.
import type { BatchWriter } from './file-io.js';
import { headerNameEnd, isMetadataName } from './header.js';
import { startsWithFrom } from './from-line.js';
import { withoutCr } from './text.js';

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const NEEDLE = Buffer.from('\nFrom ', 'latin1');
const ORIGINAL = Buffer.from('X-Original-', 'latin1');
const QUOTE = Buffer.from('>', 'latin1');

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
}

/** Writes text in stored form, followed by the LF c-client writes after every message. */
export async function putStoredText(out: BatchWriter, text: Buffer): Promise<StoredTextReport> {
  const report: StoredTextReport = { fromQuoted: false, headerRenamed: false, newlineAdded: false, bareCr: false };
  let endsWithLf = false;
  let headerEnded = false;
  let s = 0;
  // the header, line by line, up to and including its empty line
  while (s < text.length) {
    const lf = text.indexOf(LF, s);
    const next = lf < 0 ? text.length : lf + 1;
    const raw = text.subarray(s, next);
    s = next;
    const line = withoutCr(raw);
    if (line !== raw && hasBareCr(raw)) report.bareCr = true;
    if (line.length === 0) continue;
    if (startsWithFrom(line, 0)) {
      report.fromQuoted = true;
      await out.put(QUOTE);
    } else if (isMetadataName(line, 0, headerNameEnd(line, 0, line.length))) {
      report.headerRenamed = true;
      await out.put(ORIGINAL);
    }
    await out.put(line);
    endsWithLf = line[line.length - 1] === LF;
    if (line.length === 1 && endsWithLf) {
      headerEnded = true;
      break;
    }
  }
  if (s < text.length) endsWithLf = await putStoredBody(out, text.subarray(s), report);
  report.newlineAdded = !endsWithLf || !headerEnded;
  // c-client writes one LF; a header that never ended also gets its empty line
  // (c-client's append gives it one too when the text ends with a line end), or
  // the next message's From_ line would be read as part of it
  await out.put(endsWithLf || headerEnded ? '\n' : '\n\n');
  return report;
}

function hasBareCr(raw: Buffer): boolean {
  for (let cr = raw.indexOf(CR); cr >= 0; cr = raw.indexOf(CR, cr + 1)) if (raw[cr + 1] !== LF) return true;
  return false;
}

/**
 * The body, converted inside the writer's buffer: it is copied to the end of the
 * reserved room and rewritten towards the front with native moves. The room
 * exceeds the body by more than the number of ">" that can be inserted (one per
 * six input bytes at most), so the write position never overtakes the read position.
 */
async function putStoredBody(out: BatchWriter, body: Buffer, report: StoredTextReport): Promise<boolean> {
  const need = body.length + Math.ceil(body.length / 6) + 3;
  const buf = await out.reserve(need);
  const start = out.length;
  const end = start + need;
  let i = end - body.length;
  body.copy(buf, i);
  const view = buf.subarray(0, end);
  let o = start;
  if (startsWithFrom(view, i)) {
    view[o++] = GT;
    report.fromQuoted = true;
  }
  let cr = view.indexOf(CR, i);
  let from = view.indexOf(NEEDLE, i);
  for (;;) {
    const quoteAt = from < 0 ? -1 : from + 1;
    if (cr >= 0 && (quoteAt < 0 || cr < quoteAt)) {
      view.copyWithin(o, i, cr);
      o += cr - i;
      i = cr + 1;
      if (view[i] !== LF) {
        report.bareCr = true;
        // a CR removed from the start of a line can uncover "From "
        if ((o === start || view[o - 1] === LF) && startsWithFrom(view, i)) {
          view[o++] = GT;
          report.fromQuoted = true;
        }
      }
      cr = view.indexOf(CR, i);
      continue;
    }
    if (quoteAt < 0) break;
    view.copyWithin(o, i, quoteAt);
    o += quoteAt - i;
    view[o++] = GT;
    report.fromQuoted = true;
    i = quoteAt;
    from = view.indexOf(NEEDLE, i);
  }
  view.copyWithin(o, i, end);
  o += end - i;
  out.length = o;
  return o > start && view[o - 1] === LF;
}
