// Message bytes in a Maildir file (formats-dir.md 6.8): Dovecot stores LF line
// ends and reads a file back by putting a CR before every LF that lacks one
// (bare CRs stay: shared/crlf.ts's toCrlf); RFC822.SIZE (the W= of a name) is
// the length of that.
import { crlfLength } from '../shared/crlf.js';

const CR = 0x0d;
const LF = 0x0a;

/**
 * What to store for a message: LF line ends, as Dovecot writes, whenever reading that back
 * gives the same bytes. A text where it would not (a CR right before a CRLF, or a LF without
 * CR) is stored as it is, which reads back the same but for LFs without CR, which get one as
 * Dovecot gives them. `vsize` is the size a reader reports (W=).
 */
export function storedForm(text: Buffer): { data: Buffer; vsize: number } {
  let crlf = 0;
  let exact = true;
  for (let i = text.indexOf(LF); i >= 0; i = text.indexOf(LF, i + 1)) {
    if (i > 0 && text[i - 1] === CR) {
      crlf++;
      if (i > 1 && text[i - 2] === CR) exact = false;
    } else {
      exact = false;
    }
  }
  if (!exact) return { data: text, vsize: crlfLength(text) };
  if (crlf === 0) return { data: text, vsize: text.length };
  const out = Buffer.allocUnsafe(text.length - crlf);
  let from = 0;
  let to = 0;
  for (let i = text.indexOf(LF); i >= 0; i = text.indexOf(LF, i + 1)) {
    to += text.copy(out, to, from, i - 1);
    from = i;
  }
  text.copy(out, to, from);
  return { data: out, vsize: text.length };
}
