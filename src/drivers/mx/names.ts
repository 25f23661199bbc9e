// Names in an mx directory (formats-dir.md 3.2): messages are files named by
// their UID in decimal, beside the index .mxindex.
export const INDEX_NAME = '.mxindex';

/** The largest UID: UIDs are 32-bit. */
export const MAX_UID = 0xffffffff;

/**
 * The UID a directory entry names, if it is a message file: digits only, as c-client's
 * mx_select, written the way c-client writes them (no leading zero) so that the file c-client
 * opens for that UID is this one, and within 32 bits.
 */
export function messageUid(entry: string): number | undefined {
  if (!/^[1-9]\d{0,9}$/.test(entry)) return undefined;
  const uid = Number(entry);
  return uid <= MAX_UID ? uid : undefined;
}

/** What LIST never shows as a child mailbox: the index and every all-digit name (c-client's mx_dirfmttest). */
export function isMxInternal(entry: string): boolean {
  return entry === INDEX_NAME || /^\d+$/.test(entry);
}

/**
 * c-client's mx_namevalid: every component of the name as typed (after a leading `/`) must hold
 * a non-digit, since all-digit names are message files; empty components are refused too.
 */
export function isValidMxName(name: string): boolean {
  const parts = (name.startsWith('/') ? name.slice(1) : name).split('/');
  // a trailing delimiter leaves one empty part, which c-client accepts
  if (parts.length > 1 && parts.at(-1) === '') parts.pop();
  return parts.every((p) => /\D/.test(p));
}
