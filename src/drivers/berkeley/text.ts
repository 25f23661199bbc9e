// A stored unix or mmdf message in internal form (formats-flat.md 1.2, 2.4): every CR
// dropped, every LF made CRLF, NUL bytes kept; the header without the six
// metadata headers, filtered the way c-client's mail_filter() does it.
// Bodies are converted with native searches and in-buffer moves, never a byte
// loop in JavaScript: this is the hot path of every copy out of a unix file.
import { withoutCr } from '../shared/crlf.js';
import { headerNameEnd, isMetadataName } from './header.js';

const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;

/** How many times byte occurs in buf. */
export function countByte(buf: Buffer, byte: number): number {
  let n = 0;
  for (let i = buf.indexOf(byte); i >= 0; i = buf.indexOf(byte, i + 1)) n++;
  return n;
}

/**
 * The header without every header line (with its continuation lines) named like
 * a metadata header in any letter case, and without CRs, as c-client's
 * mail_filter() leaves it; LF made CRLF when crlf. A NUL inside a line's name
 * turns into a space, as mail_filter() rewrites it.
 */
export function filterHeader(raw: Buffer, crlf: boolean): Buffer {
  const h = withoutCr(raw);
  const out = Buffer.allocUnsafe(h.length + (crlf ? countByte(h, LF) : 0) + 1);
  let o = 0;
  let s = 0;
  let removed = false;
  while (s < h.length) {
    // the logical line: this line and the continuation lines after it
    let e = s;
    do {
      const lf = h.indexOf(LF, e);
      e = lf < 0 ? h.length : lf + 1;
    } while (e < h.length && (h[e] === SP || h[e] === TAB));
    const nameEnd = headerNameEnd(h, s, e);
    if (isMetadataName(h, s, nameEnd)) {
      removed = true;
      s = e;
      continue;
    }
    const start = o;
    o = crlf ? copyCrlf(h, s, e, out, o) : o + h.copy(out, o, s, e);
    if (nameEnd < e && h[nameEnd] === 0) out[start + nameEnd - s] = SP;
    // mail_filter() puts a LF after the buffer as a guard and, when it has not
    // removed anything yet, copies it along with an unterminated last line
    if (e === h.length && h[e - 1] !== LF && !removed) out[o++] = LF;
    s = e;
  }
  return out.subarray(0, o);
}

/** Copies src[from..to) into dst at o with each LF written as CRLF (src has no CR); returns the new o. */
function copyCrlf(src: Buffer, from: number, to: number, dst: Buffer, o: number): number {
  let i = from;
  for (;;) {
    const lf = src.indexOf(LF, i);
    if (lf < 0 || lf >= to) return o + src.copy(dst, o, i, to);
    o += src.copy(dst, o, i, lf);
    dst[o++] = CR;
    dst[o++] = LF;
    i = lf + 1;
  }
}

/** The message in internal form, and how much of it is header. */
export interface InternalText {
  readonly text: Buffer;
  readonly headerLength: number;
}

/** Room for CRs assumed before counting: lines average well over 16 bytes in mail. */
function roomGuess(length: number): number {
  return (length >> 4) + 64;
}

/**
 * stored (header bytes, then text bytes, as the file holds them) in internal
 * form, converted inside one buffer: the stored bytes are copied to its end and
 * rewritten towards the front with native searches and moves. The write
 * position must stay behind the read position; the room in front is guessed,
 * and if the guess was short the LFs are counted and the conversion redone.
 */
export function internalText(stored: Buffer, headerLength: number): InternalText {
  let room = roomGuess(stored.length);
  for (;;) {
    const out = Buffer.allocUnsafe(room + stored.length);
    stored.copy(out, room);
    const done = convert(out, room, room + headerLength);
    if (done) return done;
    // one more for the LF c-client's header filter can add
    room = countByte(stored, LF) + 1;
  }
}

function convert(out: Buffer, start: number, headerEnd: number): InternalText | undefined {
  let o: number;
  const crInHeader = out.indexOf(CR, start);
  if (crInHeader >= 0 && crInHeader < headerEnd) {
    // rare: a header with CRs goes the simple way
    const header = filterHeader(out.subarray(start, headerEnd), true);
    if (header.length > headerEnd) return undefined;
    o = header.copy(out, 0);
  } else {
    o = convertHeader(out, start, headerEnd);
    if (o < 0) return undefined;
  }
  const headerLength = o;
  const cr = crInHeader >= headerEnd ? crInHeader : crInHeader < 0 ? -1 : out.indexOf(CR, headerEnd);
  o = convertBody(out, headerEnd, out.length, o, cr);
  return o < 0 ? undefined : { text: out.subarray(0, o), headerLength };
}

/** The header out[i..end), which has no CR, filtered into out from 0; -1 when the room ran out. */
function convertHeader(out: Buffer, i: number, end: number): number {
  let o = 0;
  let removed = false;
  while (i < end) {
    let e = i;
    do {
      const lf = out.indexOf(LF, e);
      e = lf < 0 || lf >= end ? end : lf + 1;
    } while (e < end && (out[e] === SP || out[e] === TAB));
    const nameEnd = headerNameEnd(out, i, e);
    if (isMetadataName(out, i, nameEnd)) {
      removed = true;
      i = e;
      continue;
    }
    const nul = nameEnd < e && out[nameEnd] === 0 ? o + nameEnd - i : -1;
    // mail_filter() puts a LF after the buffer as a guard and, when it has not
    // removed anything yet, copies it along with an unterminated last line
    const guard = e === end && out[e - 1] !== LF && !removed;
    o = convertBody(out, i, e, o, -1);
    if (o < 0) return -1;
    if (nul >= 0) out[nul] = SP;
    if (guard) {
      if (o >= e) return -1;
      out[o++] = LF;
    }
    i = e;
  }
  return o;
}

/**
 * out[i..end) written from o with CRs dropped and LF as CRLF; the new o, or -1
 * when the room ran out. cr is the first CR at or after i (-1: none up to end).
 */
function convertBody(out: Buffer, i: number, end: number, o: number, cr: number): number {
  if (cr >= end) cr = -1;
  for (;;) {
    let lf = out.indexOf(LF, i);
    if (lf >= end) lf = -1;
    if (cr >= 0 && (lf < 0 || cr < lf)) {
      out.copyWithin(o, i, cr);
      o += cr - i;
      i = cr + 1;
      cr = out.indexOf(CR, i);
      if (cr >= end) cr = -1;
      continue;
    }
    if (lf < 0) {
      out.copyWithin(o, i, end);
      return o + end - i;
    }
    if (o >= i) return -1;
    out.copyWithin(o, i, lf);
    o += lf - i;
    out[o++] = CR;
    out[o++] = LF;
    i = lf + 1;
  }
}
