// Message bytes in a Maildir file (formats-dir.md 6.8): Dovecot stores LF line
// ends and reads a file back by putting a CR before every LF that lacks one
// (bare CRs stay); RFC822.SIZE (the W= of a name) is the length of that.

const CR = 0x0d;
const LF = 0x0a;

/** The file's bytes as IMAP gives them: CR added before every LF not already after one. */
export function fileToCrlf(file: Buffer): Buffer {
  let bare = 0;
  for (let i = file.indexOf(LF); i >= 0; i = file.indexOf(LF, i + 1)) if (i === 0 || file[i - 1] !== CR) bare++;
  if (bare === 0) return file;
  const out = Buffer.allocUnsafe(file.length + bare);
  let from = 0;
  let to = 0;
  for (let i = file.indexOf(LF); i >= 0; i = file.indexOf(LF, i + 1)) {
    if (i > 0 && file[i - 1] === CR) continue;
    to += file.copy(out, to, from, i);
    out[to++] = CR;
    from = i;
  }
  file.copy(out, to, from);
  return out;
}

/** RFC822.SIZE of a file: its length plus one for every LF without a CR before it. */
export function crlfSize(file: Buffer): number {
  let size = file.length;
  for (let i = file.indexOf(LF); i >= 0; i = file.indexOf(LF, i + 1)) if (i === 0 || file[i - 1] !== CR) size++;
  return size;
}

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
  if (!exact) return { data: text, vsize: crlfSize(text) };
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
