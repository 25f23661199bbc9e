// ">From " quoting of body lines (formats-dir.md 7.3, 7.4). c-client writes
// mboxo: a line starting "From " gets one ">", nothing is ever unquoted. mboxrd
// writers add one ">" to every line matching ^>*From , so a reader of such a
// file removes one from every line matching ^>+From . These helpers work on
// line starts found with native searches; they run only for files and
// messages that need them.

const GT = 0x3e;
const FROM = Buffer.from('From ', 'latin1');
const NL_GT = Buffer.from('\n>', 'latin1');
const NL_FROM = Buffer.from('\nFrom ', 'latin1');

/** At buf[i]: at least `min` ">" then "From ", all before `end`. */
function quotedFromAt(buf: Uint8Array, i: number, end: number, min: number): boolean {
  let j = i;
  while (j < end && buf[j] === GT) j++;
  if (j - i < min || j + FROM.length > end) return false;
  for (let k = 0; k < FROM.length; k++) if (buf[j + k] !== FROM[k]) return false;
  return true;
}

/** Line starts in buf[from..to) (from is one) whose line matches ^>{min,}From . */
function quotedLineStarts(buf: Buffer, from: number, to: number, min: number): number[] {
  const starts: number[] = [];
  if (quotedFromAt(buf, from, to, min)) starts.push(from);
  for (let i = buf.indexOf(NL_GT, from); i >= 0 && i < to; i = buf.indexOf(NL_GT, i + 1)) {
    if (quotedFromAt(buf, i + 1, to, min)) starts.push(i + 1);
  }
  return starts;
}

function withoutByteAt(buf: Buffer, at: readonly number[]): Buffer {
  if (at.length === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length - at.length);
  let o = 0;
  let i = 0;
  for (const a of at) {
    o += buf.copy(out, o, i, a);
    i = a + 1;
  }
  o += buf.copy(out, o, i);
  return out;
}

/** buf with a ">" inserted before each of the (ascending) offsets `at`. */
function withGtAt(buf: Buffer, at: readonly number[]): Buffer {
  if (at.length === 0) return buf;
  const out = Buffer.allocUnsafe(buf.length + at.length);
  let o = 0;
  let i = 0;
  for (const a of at) {
    o += buf.copy(out, o, i, a);
    out[o++] = GT;
    i = a;
  }
  o += buf.copy(out, o, i);
  return out;
}

/** How many lines of buf[from..to) an mboxrd reader unquotes (from is a line start). */
export function countMboxrdQuoted(buf: Buffer, from: number, to: number): number {
  return quotedLineStarts(buf, from, to, 1).length;
}

/** buf with one ">" removed from every line from `bodyStart` on that matches ^>+From  (mboxrd reading). */
export function unquoteMboxrd(buf: Buffer, bodyStart: number): Buffer {
  return withoutByteAt(buf, quotedLineStarts(buf, bodyStart, buf.length, 1));
}

/**
 * An mboxrd text as mboxo stores it: one ">" removed from lines matching ^>>+From ;
 * lines ">From " stay, as mboxo quotes the "From " they stand for.
 */
export function mboxrdToMboxo(text: Buffer): Buffer {
  return withoutByteAt(text, quotedLineStarts(text, 0, text.length, 2));
}

/** text (LF line ends) with a ">" before every line that starts "From ", as c-client writes it. */
export function quoteFromLines(text: Buffer): Buffer {
  const at: number[] = [];
  if (text.subarray(0, FROM.length).equals(FROM)) at.push(0);
  for (let i = text.indexOf(NL_FROM); i >= 0; i = text.indexOf(NL_FROM, i + 1)) at.push(i + 1);
  return withGtAt(text, at);
}

/** text with one more ">" before every line matching ^>+From : with quoteFromLines after it, mboxrd quoting. */
export function quoteQuotedFromLines(text: Buffer): Buffer {
  return withGtAt(text, quotedLineStarts(text, 0, text.length, 1));
}

/** True when buf holds a LF-terminated line matching ^>>+From  anywhere in [from, to). */
export function hasMboxrdOnlyQuoting(buf: Buffer, from: number, to: number): boolean {
  for (let i = buf.indexOf('\n>>', from, 'latin1'); i >= 0 && i < to; i = buf.indexOf('\n>>', i + 1, 'latin1')) {
    if (quotedFromAt(buf, i + 1, to, 2)) return true;
  }
  return false;
}
