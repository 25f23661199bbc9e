// MH message files hold LF text. Reading, c-client turns each LF not already
// after a CR into CRLF and keeps a lone CR (RFC822.SIZE counts the result);
// appending, it drops every CR byte (formats-dir.md 4.4).

const CR = 0x0d;
const LF = 0x0a;

/** The file's bytes in CRLF form, as c-client's mh_load_message gives them. */
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

/** The text without any CR byte, and whether one of them was not part of a CRLF (it is lost). */
export function withoutCr(text: Buffer): { data: Buffer; bareCr: boolean } {
  let at = text.indexOf(CR);
  if (at < 0) return { data: text, bareCr: false };
  const out = Buffer.allocUnsafe(text.length);
  let to = 0;
  let from = 0;
  let bareCr = false;
  for (; at >= 0; at = text.indexOf(CR, at + 1)) {
    if (text[at + 1] !== LF) bareCr = true;
    to += text.copy(out, to, from, at);
    from = at + 1;
  }
  to += text.copy(out, to, from);
  return { data: out.subarray(0, to), bareCr };
}
