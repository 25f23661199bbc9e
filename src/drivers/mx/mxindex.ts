// .mxindex (formats-dir.md 3.3): one run of bytes, no line structure except
// after keywords, no trailing newline:
//   V<hex8 UID validity>L<hex8 last UID>K<keyword>LF ... M<hex8 uid>;<hex8 keywords>.<hex4 flags> ...
// read the way c-client's mx_lockindex walks it (strtoul, first damage stops
// the walk) and written byte for byte as mx_unlockindex writes it.
import { FLAG_BITS, flagsToBits, SYSTEM_FLAGS } from '../../mail/flags.js';

/** c-client's NUSERFLAGS and MAXUSERFLAG. */
export const MAX_KEYWORDS = 30;
export const MAX_KEYWORD_LENGTH = 50;

/** The system-flag bits mx stores (no "old" bit: mx has no persistent \Recent). */
export const SYSTEM_BITS = flagsToBits([...SYSTEM_FLAGS]);
export const DELETED = FLAG_BITS['\\Deleted'];

/**
 * The mailbox as the index and the directory describe it together: one entry per message file
 * (parallel arrays, in UID order) with the flags its index record gives.
 */
export interface MxState {
  uidValidity: number;
  uidLast: number;
  /** Keyword slots in bit order; `undefined` where c-client keeps no name (an over-long one). */
  slots: (string | undefined)[];
  readonly uids: number[];
  readonly keywords: number[];
  readonly flags: number[];
}

export interface IndexDamage {
  /** Offset in .mxindex where c-client's walk stopped. */
  readonly offset: number;
  /** c-client's words: `Error in index: TEXT`. */
  readonly detail: string;
}

export interface ParsedIndex {
  readonly state: MxState;
  /** The index was empty: a new mailbox (c-client gives it a UID validity on first use). */
  readonly empty: boolean;
  readonly damage?: IndexDamage;
}

const SEMICOLON = 0x3b;
const PERIOD = 0x2e;
const LF = 0x0a;

/**
 * The index read against the message files found (sorted UIDs). As c-client: the last UID
 * starts as the highest file number and V/L records override it; a K record without its LF
 * ends the walk; M records apply in UID order to existing files only; an empty index gets
 * UID validity `now`.
 */
export function parseIndex(bytes: Buffer, uids: readonly number[], now: number): ParsedIndex {
  const state: MxState = {
    uidValidity: 0,
    uidLast: uids.length > 0 ? uids[uids.length - 1]! : 0,
    slots: [],
    uids: [...uids],
    keywords: new Array<number>(uids.length).fill(0),
    flags: new Array<number>(uids.length).fill(0),
  };
  if (bytes.length === 0) return { state: { ...state, uidValidity: now }, empty: true };
  // c-client reads the index as a C string: a NUL ends it
  const nul = bytes.indexOf(0);
  const b = nul < 0 ? bytes : bytes.subarray(0, nul);
  let k = 0;
  let msg = 0;
  let pos = 0;
  const damaged = (at: number): ParsedIndex => ({
    state, empty: false, damage: { offset: at, detail: `Error in index: ${describeBytes(b.subarray(at, at + 80))}` },
  });
  while (pos < b.length) {
    switch (b[pos]) {
      case 0x56: { // V
        const r = strtoul16(b, pos + 1);
        state.uidValidity = r.value;
        pos = r.end;
        break;
      }
      case 0x4c: { // L
        const r = strtoul16(b, pos + 1);
        state.uidLast = r.value;
        pos = r.end;
        break;
      }
      case 0x4b: { // K
        const lf = b.indexOf(LF, pos + 1);
        if (lf < 0) return { state, empty: false };
        const name = b.toString('latin1', pos + 1, lf);
        if (k < MAX_KEYWORDS && state.slots[k] === undefined && name.length <= MAX_KEYWORD_LENGTH) state.slots[k] = name;
        k++;
        pos = lf + 1;
        break;
      }
      case 0x4d: { // M
        const uid = strtoul16(b, pos + 1);
        if (b[uid.end] !== SEMICOLON) return damaged(uid.end);
        const kw = strtoul16(b, uid.end + 1);
        if (b[kw.end] !== PERIOD) return damaged(kw.end);
        const sf = strtoul16(b, kw.end + 1);
        while (msg < state.uids.length && state.uids[msg]! < uid.value) msg++;
        if (msg < state.uids.length && state.uids[msg] === uid.value) {
          state.keywords[msg] = kw.value % 2 ** 32;
          state.flags[msg]! |= (sf.value % 2 ** 16) & SYSTEM_BITS;
        }
        pos = sf.end;
        break;
      }
      default:
        return damaged(pos);
    }
  }
  return { state, empty: false };
}

/** The index as c-client writes it: keywords up to the first slot without a name, a record per message. */
export function serializeIndex(state: MxState): Buffer {
  const parts: string[] = [`V${hex(state.uidValidity, 8)}L${hex(state.uidLast, 8)}`];
  for (let i = 0; i < MAX_KEYWORDS && state.slots[i] !== undefined; i++) parts.push(`K${state.slots[i]}\n`);
  for (let i = 0; i < state.uids.length; i++) {
    parts.push(`M${hex(state.uids[i]!, 8)};${hex(state.keywords[i]!, 8)}.${hex(state.flags[i]! & SYSTEM_BITS, 4)}`);
  }
  return Buffer.from(parts.join(''), 'latin1');
}

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

const ULONG_RANGE = 2 ** 64;

/**
 * glibc's strtoul(s, &end, 16) on bytes: white space, a sign, an optional 0x, hex digits; no
 * digits gives 0 with `end` at `start`; an overflow gives ULONG_MAX, a minus sign wraps.
 * (Above 2^53 the value is approximate, which only matters for nonsense.)
 */
export function strtoul16(b: Uint8Array, start: number): { value: number; end: number } {
  let i = start;
  while (i < b.length && isSpace(b[i]!)) i++;
  let negative = false;
  if (b[i] === 0x2b || b[i] === 0x2d) {
    negative = b[i] === 0x2d;
    i++;
  }
  if (b[i] === 0x30 && (b[i + 1] === 0x78 || b[i + 1] === 0x58) && hexValue(b[i + 2]) >= 0) i += 2;
  const from = i;
  let value = 0;
  for (let d = hexValue(b[i]); d >= 0; d = hexValue(b[++i])) value = Math.min(value * 16 + d, ULONG_RANGE);
  if (i === from) return { value: 0, end: start };
  if (value >= ULONG_RANGE) value = ULONG_RANGE - 1;
  else if (negative && value !== 0) value = ULONG_RANGE - value;
  return { value, end: i };
}

function isSpace(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

function hexValue(c: number | undefined): number {
  if (c === undefined) return -1;
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x57;
  if (c >= 0x41 && c <= 0x46) return c - 0x37;
  return -1;
}

/** Bytes for a one-line message: printable ASCII as is, the rest escaped. */
function describeBytes(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === LF) s += '\\n';
    else if (c >= 0x20 && c < 0x7f && c !== 0x5c) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}
