// ISO-2022 decoding (ISO-2022-JP, -JP-1, -JP-2, -KR, -CN), which iconv-lite
// lacks. Like c-client (UW FAQ 1.12), every ISO-2022 label is read the same
// way: escape sequences designate ASCII, JIS Roman, half-width katakana,
// JIS X 0208, JIS X 0212, GB 2312, KS C 5601 and the upper halves of
// ISO-8859-x. Double-byte runs are turned into their EUC form and decoded by
// iconv-lite's tables. CNS 11643 (ISO-2022-CN's traditional planes) has no
// table here: its characters read as U+FFFD.
import iconv from 'iconv-lite';

const ESC = 0x1b;
const SO = 0x0e;
const SI = 0x0f;
const CR = 0x0d;
const LF = 0x0a;

type CharSet =
  | { readonly kind: 'ascii' }
  | { readonly kind: 'roman' }
  | { readonly kind: 'katakana' }
  /** Two bytes per character, decoded as `encoding` after setting their high bits (and `prefix`). */
  | { readonly kind: 'double'; readonly encoding: string; readonly prefix?: number }
  | { readonly kind: 'unsupported-double' }
  /** An ISO-8859 upper half, reached by single shift 2 (ESC N). */
  | { readonly kind: 'high'; readonly encoding: string };

const ASCII: CharSet = { kind: 'ascii' };
const JIS0208: CharSet = { kind: 'double', encoding: 'euc-jp' };
const JIS0212: CharSet = { kind: 'double', encoding: 'euc-jp', prefix: 0x8f };
const GB2312: CharSet = { kind: 'double', encoding: 'gb2312' };
const KSC5601: CharSet = { kind: 'double', encoding: 'euc-kr' };
const CNS: CharSet = { kind: 'unsupported-double' };

/** ESC . F: the 96-character set F as G2. */
const HIGH_HALVES: Readonly<Record<string, string>> = {
  A: 'iso-8859-1', B: 'iso-8859-2', C: 'iso-8859-3', D: 'iso-8859-4', F: 'iso-8859-7',
  G: 'iso-8859-6', H: 'iso-8859-8', L: 'iso-8859-5', M: 'iso-8859-9',
};

interface Designation {
  /** Bytes of the escape sequence, ESC included. */
  readonly length: number;
  readonly g: 0 | 1 | 2;
  readonly set: CharSet;
}

/** Reads the escape sequence at `i` (bytes[i] is ESC); undefined if it is not one we know. */
function designation(b: Buffer, i: number): Designation | undefined {
  const c = (k: number): string => (i + k < b.length ? String.fromCharCode(b[i + k]!) : '');
  const seq = c(1) + c(2) + c(3);
  if (seq.startsWith('(')) {
    const f = seq[1];
    if (f === 'B') return { length: 3, g: 0, set: ASCII };
    if (f === 'J' || f === 'H') return { length: 3, g: 0, set: { kind: 'roman' } };
    if (f === 'I') return { length: 3, g: 0, set: { kind: 'katakana' } };
    return undefined;
  }
  if (seq.startsWith('$@') || seq.startsWith('$B')) return { length: 3, g: 0, set: JIS0208 };
  if (seq.startsWith('$A')) return { length: 3, g: 0, set: GB2312 };
  if (seq.startsWith('$(') || seq.startsWith('$)') || seq.startsWith('$*') || seq.startsWith('$+')) {
    const g = seq[1] === '(' ? 0 : seq[1] === ')' ? 1 : 2;
    const set = ({ '@': JIS0208, B: JIS0208, A: GB2312, C: KSC5601, D: JIS0212, G: CNS, H: CNS } as Record<string, CharSet>)[seq[2] ?? ''];
    return set ? { length: 4, g, set } : undefined;
  }
  if (seq.startsWith('.')) {
    const encoding = HIGH_HALVES[seq[1] ?? ''];
    return encoding ? { length: 3, g: 2, set: { kind: 'high', encoding } } : undefined;
  }
  return undefined;
}

export function decodeIso2022(b: Buffer): string {
  const g: [CharSet, CharSet, CharSet] = [ASCII, ASCII, ASCII];
  let shifted = false;
  let out = '';
  // bytes of the current double-byte run, in EUC form, and the set they belong to
  let run: number[] = [];
  let runSet: CharSet | undefined;
  const flush = (): void => {
    if (run.length > 0 && runSet?.kind === 'double') out += iconv.decode(Buffer.from(run), runSet.encoding);
    run = [];
    runSet = undefined;
  };
  for (let i = 0; i < b.length;) {
    const byte = b[i]!;
    if (byte === ESC) {
      if (b[i + 1] === 0x4e) {
        // single shift 2: one character from G2
        flush();
        const set = g[2];
        if (set.kind === 'high') {
          const next = b[i + 2];
          if (next !== undefined) out += iconv.decode(Buffer.from([next | 0x80]), set.encoding);
          i += 3;
        } else {
          // a double-byte G2 (CNS 11643 plane 2): one character we cannot read
          out += '\ufffd';
          i += set.kind === 'double' || set.kind === 'unsupported-double' ? 4 : 3;
        }
        continue;
      }
      const d = designation(b, i);
      if (d) {
        flush();
        g[d.g] = d.set;
        i += d.length;
        continue;
      }
    }
    if (byte === SO || byte === SI) {
      flush();
      shifted = byte === SO;
      i++;
      continue;
    }
    if (byte === CR || byte === LF) {
      // ISO-2022-KR and -CN: a line starts unshifted
      flush();
      shifted = false;
      out += String.fromCharCode(byte);
      i++;
      continue;
    }
    const set = shifted ? g[1] : g[0];
    if (byte < 0x21 || byte > 0x7e || set.kind === 'ascii' || set.kind === 'high') {
      flush();
      out += byte < 0x80 ? String.fromCharCode(byte) : '\ufffd';
      i++;
      continue;
    }
    if (set.kind === 'roman') {
      flush();
      out += byte === 0x5c ? '\u00a5' : byte === 0x7e ? '\u203e' : String.fromCharCode(byte);
      i++;
    } else if (set.kind === 'katakana') {
      flush();
      out += byte <= 0x5f ? String.fromCharCode(0xff61 + byte - 0x21) : '\ufffd';
      i++;
    } else {
      const second = b[i + 1];
      if (second === undefined || second < 0x21 || second > 0x7e) {
        flush();
        out += '\ufffd';
        i++;
        continue;
      }
      if (set.kind === 'unsupported-double') {
        flush();
        out += '\ufffd';
      } else {
        if (runSet !== set) flush();
        runSet = set;
        if (set.prefix !== undefined) run.push(set.prefix);
        run.push(byte | 0x80, second | 0x80);
      }
      i += 2;
    }
  }
  flush();
  return out;
}

/** Whether the bytes hold an ISO-2022-JP escape sequence (c-client's guess for unlabelled text). */
export function looksLikeIso2022Jp(b: Buffer): boolean {
  for (let i = b.indexOf(ESC); i >= 0 && i + 2 < b.length; i = b.indexOf(ESC, i + 1)) {
    if (b[i + 1] === 0x24 && (b[i + 2] === 0x42 || b[i + 2] === 0x40 || (b[i + 2] === 0x28 && b[i + 3] === 0x44))) return true;
  }
  return false;
}
