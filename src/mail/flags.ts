// IMAP system flags, in the order mailutil sends them.

export const SYSTEM_FLAGS = ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'] as const;
export type SystemFlag = (typeof SYSTEM_FLAGS)[number];

/** c-client's flag bits as mbx, mtx and tenex store them (formats-flat.md 1.4). */
export const FLAG_BITS: Readonly<Record<SystemFlag, number>> = {
  '\\Seen': 0x0001,
  '\\Deleted': 0x0002,
  '\\Flagged': 0x0004,
  '\\Answered': 0x0008,
  '\\Draft': 0x0020,
};
/** "old": a read-write session has seen the message, so it is no longer \Recent. */
export const FLAG_OLD = 0x0010;
/** mbx only: expunged, space not yet reclaimed. */
export const FLAG_EXPUNGED = 0x8000;

export function flagsToBits(flags: readonly SystemFlag[]): number {
  let bits = 0;
  for (const f of flags) bits |= FLAG_BITS[f];
  return bits;
}

export function bitsToFlags(bits: number): SystemFlag[] {
  return SYSTEM_FLAGS.filter((f) => (bits & FLAG_BITS[f]) !== 0);
}

/** Puts flags in the canonical order and drops duplicates. */
export function sortFlags(flags: Iterable<SystemFlag>): SystemFlag[] {
  const set = new Set(flags);
  return SYSTEM_FLAGS.filter((f) => set.has(f));
}

export function isSystemFlag(s: string): s is SystemFlag {
  return (SYSTEM_FLAGS as readonly string[]).includes(s);
}

/** A keyword must be an IMAP atom: printable ASCII, no specials, no backslash (c-client's rule). */
export function isValidKeyword(name: string): boolean {
  return name.length > 0 && name.length <= 50 && !/[^\x21-\x7e]|[(){%*"\\\]]/.test(name);
}
