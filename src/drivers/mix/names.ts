// The names inside a mix directory (formats-dir.md 2.2): c-client owns every
// entry whose name starts with ".mix"; the data files are ".mix" followed by
// hex digits (or nothing, for file number 0).
import path from 'node:path';
import { hex8, isHexCode } from './numbers.js';

export const MIX_PREFIX = '.mix';
export const META_FILE = '.mixmeta';
export const INDEX_FILE = '.mixindex';
export const STATUS_FILE = '.mixstatus';

/** c-client's mix_dirfmttest: the entry is the format's own, never a child mailbox. */
export function isMixName(entry: string): boolean {
  return entry.startsWith(MIX_PREFIX);
}

/** The data file holding file number n (number 0 is plain ".mix", as pre-release versions wrote it). */
export function dataFileName(n: number): string {
  return n ? `${MIX_PREFIX}${hex8(n)}` : MIX_PREFIX;
}

export function dataFilePath(dir: string, n: number): string {
  return path.join(dir, dataFileName(n));
}

/** c-client's mix_select: the number of a data file entry, or undefined for any other entry. */
export function dataFileNumber(entry: string): number | undefined {
  if (!isMixName(entry)) return undefined;
  const digits = entry.slice(MIX_PREFIX.length);
  for (let i = 0; i < digits.length; i++) if (!isHexCode(digits.charCodeAt(i))) return undefined;
  return digits === '' ? 0 : parseInt(digits, 16);
}
