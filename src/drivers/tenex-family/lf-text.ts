// tenex keeps messages with LF line ends (formats-flat.md 6): an append drops
// every CR, and a reader gets each LF back as CR LF, as c-client's strcrlfcpy
// does (a CR LF already there stays as it is, a lone CR stays too).

const CR = 0x0d;
const LF = 0x0a;

/** RFC822.SIZE of stored bytes [from, to): c-client's strcrlflen, one more for every LF without its CR. */
export function crlfLength(buf: Uint8Array, from: number, to: number, before = 0): number {
  let n = to - from;
  for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) {
    if ((i === from ? before : buf[i - 1]) !== CR) n++;
  }
  return n;
}

/** The stored bytes as a reader gets them: every LF without a CR before it becomes CR LF. */
export function toCrlf(stored: Buffer): Buffer {
  const size = crlfLength(stored, 0, stored.length);
  if (size === stored.length) return stored;
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  let from = 0;
  for (let i = stored.indexOf(LF); i >= 0; i = stored.indexOf(LF, i + 1)) {
    if (i > 0 && stored[i - 1] === CR) continue;
    o += stored.copy(out, o, from, i);
    out[o++] = CR;
    from = i;
  }
  stored.copy(out, o, from);
  return out;
}

/** What storing a text does: its length without CR bytes, and whether a CR not followed by LF was among them. */
export function withoutCr(text: Uint8Array): { length: number; bareCr: boolean } {
  let length = text.length;
  let bareCr = false;
  for (let i = text.indexOf(CR); i >= 0; i = text.indexOf(CR, i + 1)) {
    length--;
    if (text[i + 1] !== LF) bareCr = true;
  }
  return { length, bareCr };
}

/** Copies `text` without its CR bytes into `out` at `at`; returns the bytes written. */
export function copyWithoutCr(text: Buffer, out: Buffer, at: number): number {
  let o = at;
  let from = 0;
  for (let i = text.indexOf(CR); i >= 0; i = text.indexOf(CR, i + 1)) {
    o += text.copy(out, o, from, i);
    from = i + 1;
  }
  o += text.copy(out, o, from);
  return o - at;
}
