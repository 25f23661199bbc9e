// tenex keeps messages with LF line ends (formats-flat.md 6): an append drops
// every CR, and a reader gets each LF back as CR LF, as c-client's strcrlfcpy
// does (a CR LF already there stays as it is, a lone CR stays too). The common
// cases go through latin1 strings (one byte, one character), whose native
// search-and-replace is much faster than copying line by line.

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
  // what c-client writes has no CR at all
  if (stored.indexOf(CR) < 0) return Buffer.from(stored.toString('latin1').replaceAll('\n', '\r\n'), 'latin1');
  const out = Buffer.allocUnsafe(crlfLength(stored, 0, stored.length));
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

/** What storing a text keeps (as a latin1 string): every CR dropped; and whether one was not followed by LF. */
export function withoutCr(text: Buffer): { stored: string; bareCr: boolean } {
  const s = text.toString('latin1');
  if (!s.includes('\r')) return { stored: s, bareCr: false };
  const lf = s.replaceAll('\r\n', '\n');
  const bareCr = lf.includes('\r');
  return { stored: bareCr ? lf.replaceAll('\r', '') : lf, bareCr };
}
