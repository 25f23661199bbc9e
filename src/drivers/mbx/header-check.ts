// The 2048-byte file header as a damage survey judges it (formats-flat.md 4.1, 4.2).
// c-client checks only the first 25 bytes (its probe) and then reads whatever keyword lines
// it finds; a survey also compares the whole block with what c-client writes, so that
// garbage in the keyword list, the padding or the PID field is found before it misleads a
// reader, and says what can still be read from a damaged block.
import { isValidKeyword } from '../../mail/flags.js';
import { HEADER_SIZE, looksLikeMbx, parseHeader, serializeHeader } from './header.js';

const PID_OFFSET = HEADER_SIZE - 10;

export interface HeaderVerdict {
  /** c-client's probe passes: `*mbx*` CRLF, 16 hex digits, CRLF, and 2048 bytes to read. */
  readonly recognised: boolean;
  /** The UID validity, when its 8 bytes are hex digits and not zero. */
  readonly uidValidity: number | undefined;
  /** The last UID, when its 8 bytes are hex digits. */
  readonly uidLast: number | undefined;
  /**
   * The keyword list as c-client reads it, slot by slot (bit order); undefined for a slot
   * whose text is not a keyword c-client could have written (not an IMAP atom, too long, a
   * repeat of an earlier name).
   */
  readonly slots: readonly (string | undefined)[];
  /** The PID field when it holds hex8 CRLF; null when it holds NULs (never written) or garbage. */
  readonly pid: number | null;
  /** Where and how the block differs from what c-client writes; undefined for a sound header. */
  readonly damage: { readonly offset: number; readonly detail: string } | undefined;
}

const hex8At = (buf: Buffer, at: number): number | undefined =>
  /^[0-9a-fA-F]{8}$/.test(buf.toString('latin1', at, at + 8)) ? parseInt(buf.toString('latin1', at, at + 8), 16) : undefined;

/** Judges the header block (the first 2048 bytes of the file, or all of a shorter file). */
export function inspectHeader(block: Buffer): HeaderVerdict {
  const full = Buffer.alloc(HEADER_SIZE, 0);
  block.copy(full, 0, 0, Math.min(block.length, HEADER_SIZE));
  const recognised = block.length >= HEADER_SIZE && looksLikeMbx(full);
  const uidValidity = hex8At(full, 7);
  const uidLast = hex8At(full, 15);
  const parsed = parseHeader(full);
  const seen = new Set<string>();
  const slots = parsed.slots.map((name) => {
    const ok = isValidKeyword(name) && !seen.has(name.toLowerCase());
    seen.add(name.toLowerCase());
    return ok ? name : undefined;
  });
  const pidField = full.subarray(PID_OFFSET, HEADER_SIZE);
  const pidNever = pidField.every((b) => b === 0);
  const pidOk = /^[0-9a-fA-F]{8}\r\n$/.test(pidField.toString('latin1'));
  const pid = pidOk ? parseInt(pidField.toString('latin1', 0, 8), 16) : null;
  return {
    recognised,
    uidValidity: uidValidity || undefined,
    uidLast,
    slots,
    pid,
    damage: findDamage(block, full, { recognised, slots, raw: parsed.slots, pidNever, pidOk, uidValidity, uidLast }),
  };
}

interface Seen {
  recognised: boolean;
  slots: readonly (string | undefined)[];
  raw: readonly string[];
  pidNever: boolean;
  pidOk: boolean;
  uidValidity: number | undefined;
  uidLast: number | undefined;
}

function findDamage(block: Buffer, full: Buffer, s: Seen): HeaderVerdict['damage'] {
  if (block.length < HEADER_SIZE) {
    return { offset: block.length, detail: `the header block is cut short: ${block.length} of ${HEADER_SIZE} bytes` };
  }
  if (!s.recognised) {
    return { offset: probeFailure(full), detail: 'it does not start with "*mbx*" CRLF, 16 hex digits, CRLF' };
  }
  if (s.uidValidity === 0) return { offset: 7, detail: 'the UID validity is 0' };
  const bad = s.slots.findIndex((k) => k === undefined);
  if (bad >= 0) {
    const text = s.raw[bad]!;
    return { offset: keywordOffset(s.raw, bad), detail: `keyword ${bad + 1} is not a valid keyword: ${JSON.stringify(text)}` };
  }
  const canonical = serializeHeader({ uidValidity: s.uidValidity!, uidLast: s.uidLast!, slots: s.raw, pid: null });
  // the block as c-client writes it, the PID field aside
  const at = firstDifference(full.subarray(0, PID_OFFSET), canonical.subarray(0, PID_OFFSET), (i) => i < 25);
  if (at >= 0) return { offset: at, detail: `byte ${at} is not what c-client writes there (${describe(full[at]!)})` };
  if (!s.pidNever && !s.pidOk) return { offset: PID_OFFSET, detail: 'the PID field is neither hex digits and CRLF nor NUL bytes' };
  return undefined;
}

/** The first of the 25 bytes c-client's probe checks that fails it. */
function probeFailure(full: Buffer): number {
  const magic = '*mbx*\r\n';
  for (let i = 0; i < 25; i++) {
    const c = full[i]!;
    const ok = i < 7 ? c === magic.charCodeAt(i) : i < 23 ? /[0-9a-fA-F]/.test(String.fromCharCode(c)) : c === (i === 23 ? 13 : 10);
    if (!ok) return i;
  }
  return 0;
}

/** Index of the first byte where a and b differ, bytes for which skip(i) is true aside; -1 if none. */
function firstDifference(a: Buffer, b: Buffer, skip: (i: number) => boolean): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (!skip(i) && a[i] !== b[i]) return i;
  return -1;
}

function keywordOffset(raw: readonly string[], slot: number): number {
  let at = 25;
  for (let i = 0; i < slot; i++) at += raw[i]!.length + 2;
  return at;
}

function describe(byte: number): string {
  if (byte === 0) return 'a NUL byte';
  if (byte === 13) return 'a CR';
  if (byte === 10) return 'a LF';
  return byte >= 0x20 && byte < 0x7f ? `"${String.fromCharCode(byte)}"` : `byte 0x${byte.toString(16).padStart(2, '0')}`;
}
