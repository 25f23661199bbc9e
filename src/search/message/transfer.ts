// Content-Transfer-Encoding: the bytes a part's text really has.

/** The part's bytes decoded from its transfer encoding (7bit, 8bit, binary and unknown ones stay as they are). */
export function decodeTransfer(bytes: Buffer, encoding: string | undefined): Buffer {
  switch (encoding?.trim().toUpperCase()) {
    case 'BASE64':
      // Node's decoder skips line breaks and characters outside the alphabet, as c-client's does
      return Buffer.from(bytes.toString('latin1'), 'base64');
    case 'QUOTED-PRINTABLE':
      return decodeQuotedPrintable(bytes);
    default:
      return bytes;
  }
}

const EQUALS = 0x3d;
const CR = 0x0d;
const LF = 0x0a;

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  return -1;
}

/** RFC 2045 quoted-printable: `=XX` octets, `=` at a line end joins lines; anything malformed is kept as it is. */
export function decodeQuotedPrintable(b: Buffer): Buffer {
  const out = Buffer.allocUnsafe(b.length);
  let n = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c !== EQUALS) {
      out[n++] = c;
      continue;
    }
    const hi = hexValue(b[i + 1]);
    const lo = hexValue(b[i + 2]);
    if (hi >= 0 && lo >= 0) {
      out[n++] = hi * 16 + lo;
      i += 2;
      continue;
    }
    // a soft line break: `=`, perhaps trailing white space, then the line end
    let j = i + 1;
    while (b[j] === 0x20 || b[j] === 0x09) j++;
    if (b[j] === CR && b[j + 1] === LF) {
      i = j + 1;
    } else if (b[j] === LF || j === b.length) {
      i = j;
    } else {
      out[n++] = c;
    }
  }
  return out.subarray(0, n);
}
