// The 2048-byte mbx file header (formats-flat.md 4.1, 4.2):
//   "*mbx*" CRLF, UID validity hex8, last UID hex8, CRLF,
//   30 keyword lines (names in bit order, then empty lines), NUL padding,
//   PID of the last flag writer as hex8 CRLF at 2038 (NULs when never written).

export const HEADER_SIZE = 2048;
/** c-client's NUSERFLAGS: keyword slots in a mailbox. */
export const MAX_KEYWORDS = 30;
/** c-client's MAXUSERFLAG: a longer name leaves its slot undefined. */
export const MAX_KEYWORD_LENGTH = 50;
const MAGIC = '*mbx*\r\n';
const PID_OFFSET = HEADER_SIZE - 10;

export interface MbxHeader {
  readonly uidValidity: number;
  readonly uidLast: number;
  /**
   * The keyword lines before the first empty one (at most 30), raw: a name longer than 50 bytes
   * is kept so that a rewrite preserves it, but it names no keyword (keywordAt gives undefined).
   */
  readonly slots: readonly string[];
  /** The PID field when it holds hex8 CRLF; c-client reads anything else as 0. */
  readonly pid: number;
}

const isHex = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

function allHex(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (!isHex(buf[i]!)) return false;
  return true;
}

/** c-client's probe: `*mbx*` CRLF, 16 hex digits, CRLF (the caller has read 2048 bytes). */
export function looksLikeMbx(buf: Buffer): boolean {
  return buf.length >= HEADER_SIZE && buf.toString('latin1', 0, 7) === MAGIC && allHex(buf, 7, 23)
    && buf[23] === 13 && buf[24] === 10;
}

export function parseHeader(buf: Buffer): MbxHeader {
  const text = buf.toString('latin1', 0, HEADER_SIZE);
  // like strchr on c-client's NUL-terminated copy, nothing after a NUL is seen
  const nul = text.indexOf('\0');
  const visible = nul < 0 ? text : text.slice(0, nul);
  const slots: string[] = [];
  let at = 25;
  while (slots.length < MAX_KEYWORDS) {
    const cr = visible.indexOf('\r', at);
    if (cr <= at) break; // no line end, or an empty line ends the list
    slots.push(visible.slice(at, cr));
    at = cr + 2;
  }
  const pidOk = allHex(buf, PID_OFFSET, PID_OFFSET + 8) && buf[HEADER_SIZE - 2] === 13 && buf[HEADER_SIZE - 1] === 10;
  return {
    uidValidity: parseInt(text.slice(7, 15), 16),
    uidLast: parseInt(text.slice(15, 23), 16),
    slots,
    pid: pidOk ? parseInt(text.slice(PID_OFFSET, PID_OFFSET + 8), 16) : 0,
  };
}

/** The keyword a slot names, or undefined for a name too long to be one. */
export function keywordAt(slots: readonly string[], bit: number): string | undefined {
  const name = slots[bit];
  return name !== undefined && name.length <= MAX_KEYWORD_LENGTH ? name : undefined;
}

/** The keywords a header defines, in bit order (undefined slots left out). */
export function definedKeywords(slots: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    const k = keywordAt(slots, i);
    if (k !== undefined) out.push(k);
  }
  return out;
}

/** The bit of a keyword, matched case-insensitively as c-client does; -1 if not defined. */
export function keywordBit(slots: readonly string[], name: string): number {
  const wanted = name.toLowerCase();
  for (let i = 0; i < slots.length; i++) {
    if (keywordAt(slots, i)?.toLowerCase() === wanted) return i;
  }
  return -1;
}

export const hex8 = (n: number): string => (n >>> 0).toString(16).padStart(8, '0');
export const hex4 = (n: number): string => (n & 0xffff).toString(16).padStart(4, '0');

/** The 2048 header bytes; pid null leaves the PID field as NULs (a new mailbox). */
export function serializeHeader(h: { uidValidity: number; uidLast: number; slots: readonly string[]; pid: number | null }): Buffer {
  const buf = Buffer.alloc(HEADER_SIZE, 0);
  let text = `${MAGIC}${hex8(h.uidValidity)}${hex8(h.uidLast)}\r\n`;
  for (let i = 0; i < MAX_KEYWORDS; i++) text += `${h.slots[i] ?? ''}\r\n`;
  buf.write(text, 0, 'latin1');
  if (h.pid !== null) buf.write(`${hex8(h.pid)}\r\n`, PID_OFFSET, 'latin1');
  return buf;
}
