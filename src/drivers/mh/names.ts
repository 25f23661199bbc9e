// Names in an MH folder (formats-dir.md 4.3): messages are files named by
// decimal numbers; MH's own .mh_sequences and ",N" backups sit beside them.

/** The largest message number mailsmith reads: UIDs are 32-bit. */
export const MAX_NUMBER = 0xffffffff;

/**
 * The number a directory entry names, if it is a message file: digits only, as c-client's
 * mh_select, written without a leading zero (c-client opens the file by its number) and within
 * 32 bits.
 */
export function messageNumber(entry: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(entry)) return undefined;
  const n = Number(entry);
  return n <= MAX_NUMBER ? n : undefined;
}

/**
 * What belongs to the folder itself (c-client's mh_dirfmttest): .mh_sequence, .mh_sequences,
 * all-digit names and "," followed by digits. LIST never shows them; delete removes them.
 */
export function isMhInternal(entry: string): boolean {
  return entry === '.mh_sequence' || entry === '.mh_sequences' || /^,?\d*$/.test(entry);
}
