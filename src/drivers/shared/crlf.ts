// Line ends between the forms a driver stores and the CRLF text IMAP gives.
// Reading, c-client's strcrlfcpy (and Dovecot, for Maildir) puts a CR before
// every LF that lacks one; a CRLF already there stays, and so does a lone CR.
// Storing in LF form drops every CR. The work goes through native searches
// (indexOf) and copies, never a byte loop in JavaScript, and never through a
// latin1 string: a string per message (twice its size, with replaceAll) is
// garbage that makes a long copy's memory grow with the mailbox.

const CR = 0x0d;
const LF = 0x0a;

/**
 * RFC822.SIZE of stored bytes [from, to) (c-client's strcrlflen): one more for every LF without its CR.
 * `before`: the byte before `from`, when the bytes are read in pieces.
 */
export function crlfLength(buf: Uint8Array, from = 0, to = buf.length, before = 0): number {
  let n = to - from;
  for (let i = buf.indexOf(LF, from); i >= 0 && i < to; i = buf.indexOf(LF, i + 1)) {
    if ((i === from ? before : buf[i - 1]) !== CR) n++;
  }
  return n;
}

/** The stored bytes as a reader gets them: every LF without a CR before it becomes CR LF (`stored` itself when none is). */
export function toCrlf(stored: Buffer): Buffer {
  const size = crlfLength(stored);
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

/** buf without any CR byte (buf itself when it has none). */
export function withoutCr(buf: Buffer): Buffer {
  let cr = buf.indexOf(CR);
  if (cr < 0) return buf;
  const out = Buffer.allocUnsafe(buf.length);
  let o = 0;
  let i = 0;
  while (cr >= 0) {
    o += buf.copy(out, o, i, cr);
    i = cr + 1;
    cr = buf.indexOf(CR, i);
  }
  o += buf.copy(out, o, i);
  return out.subarray(0, o);
}

/** True when buf has a CR that is not followed by a LF. */
export function hasBareCr(buf: Buffer): boolean {
  for (let cr = buf.indexOf(CR); cr >= 0; cr = buf.indexOf(CR, cr + 1)) if (buf[cr + 1] !== LF) return true;
  return false;
}
