// The one message c-client's phile driver makes of any file (formats-flat.md 7):
// a synthesised header naming the file, and the file's bytes as a text/plain
// body (LF made CRLF unless the file has CRs) or, for binary data, base64.

/** What the bytes are, by c-client's table: the first binary byte decides; else 8-bit; else ISO-2022 charsets. */
interface Classification {
  readonly binary: boolean;
  readonly hasCr: boolean;
  readonly eightBit: boolean;
  readonly charset: 'US-ASCII' | 'X-UNKNOWN' | 'ISO-2022-JP' | 'ISO-2022-KR' | 'ISO-2022-CN';
}

const ESC = 0x1b;
const DOLLAR = 0x24;

function isBinaryByte(b: number): boolean {
  return b <= 0x06 || (b >= 0x10 && b <= 0x1a) || (b >= 0x1c && b <= 0x1f) || b === 0x7f;
}

export function classify(data: Buffer): Classification {
  let hasCr = false;
  let eightBit = false;
  let jp = false;
  let kr = false;
  let cn = false;
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (isBinaryByte(b)) return { binary: true, hasCr: false, eightBit: false, charset: 'US-ASCII' };
    if (b >= 0x80) eightBit = true;
    else if (b === 0x0d) hasCr = true;
    else if (b === ESC && data[i + 1] === DOLLAR) {
      const c = data[i + 2];
      const d = data[i + 3] ?? 0;
      const cnFinal = d === 0x48 /* H */ || (d >= 0x49 && d <= 0x4d); /* I-M */
      if (c === 0x42 || c === 0x40) jp = true; // ESC $ B, ESC $ @
      // c-client's switch falls through from ")" to "*" to "+", so these overlap as in its table
      else if (c === 0x29 && d === 0x43) kr = true; // ESC $ ) C
      else if (c === 0x29 && (d === 0x41 || d === 0x45 || d === 0x47 || cnFinal)) cn = true;
      else if (c === 0x2a && cnFinal) cn = true;
      else if (c === 0x2b && d >= 0x49 && d <= 0x4d) cn = true;
    }
  }
  const charset = jp ? 'ISO-2022-JP' : kr ? 'ISO-2022-KR' : cn ? 'ISO-2022-CN' : eightBit ? 'X-UNKNOWN' : 'US-ASCII';
  return { binary: false, hasCr, eightBit, charset };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Thu, 4 Mar 2021 05:06:07 +0000` in the given zone (minutes east). */
function dateHeader(ms: number, zone: number): string {
  const w = new Date(ms + zone * 60_000);
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const a = Math.abs(zone);
  return `${DAYS[w.getUTCDay()]}, ${w.getUTCDate()} ${MONTHS[w.getUTCMonth()]} ${w.getUTCFullYear()} `
    + `${p2(w.getUTCHours())}:${p2(w.getUTCMinutes())}:${p2(w.getUTCSeconds())} ${zone < 0 ? '-' : '+'}${p2(Math.floor(a / 60))}${p2(a % 60)}`;
}

/**
 * Base64 in 60-column lines (45 bytes each), each ending CRLF, as c-client's
 * rfc822_binary writes it (formats-flat.md 7 says 76 columns; the real c-client writes 60).
 */
function base64Lines(data: Buffer): Buffer {
  const b64 = data.toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 60) lines.push(b64.slice(i, i + 60));
  return Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');
}

/** LF made CRLF (the file has no CR). */
function crlf(data: Buffer): Buffer {
  let lfs = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) lfs++;
  const out = Buffer.allocUnsafe(data.length + lfs);
  let o = 0;
  let s = 0;
  for (let i = data.indexOf(0x0a); i >= 0; i = data.indexOf(0x0a, i + 1)) {
    o += data.copy(out, o, s, i);
    out[o++] = 0x0d;
    out[o++] = 0x0a;
    s = i + 1;
  }
  data.copy(out, o, s);
  return out;
}

export interface PhileFile {
  readonly data: Buffer;
  /** Absolute path: c-client puts it in Subject. */
  readonly path: string;
  readonly owner: string;
  readonly host: string;
  readonly mtimeMs: number;
  /** The machine's zone offset at mtime, minutes east. */
  readonly zone: number;
}

export function phileText(f: PhileFile): Buffer {
  const kind = classify(f.data);
  const base = f.path.slice(f.path.lastIndexOf('/') + 1);
  const header = [
    `Date: ${dateHeader(f.mtimeMs, f.zone)}`,
    `From: ${f.owner}@${f.host}`,
    `Subject: ${f.path}`,
    'MIME-Version: 1.0',
    kind.binary ? `Content-Type: APPLICATION/OCTET-STREAM; name=${base}` : `Content-Type: TEXT/PLAIN; charset=${kind.charset}`,
    ...(kind.binary ? ['Content-Transfer-Encoding: BASE64'] : kind.eightBit ? ['Content-Transfer-Encoding: 8BIT'] : []),
  ].map((l) => `${l}\r\n`).join('');
  const body = kind.binary ? base64Lines(f.data) : kind.hasCr ? f.data : crlf(f.data);
  return Buffer.concat([Buffer.from(`${header}\r\n`, 'utf8'), body]);
}
