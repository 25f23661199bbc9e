// What a new mailbox starts with when a copy gives it the source's UID
// validity, last UID and keywords: what the format can hold of them.
import type { MailboxMeta } from '../../store/types.js';

/** The given UID validity (else `now`, Unix seconds) and last UID (else 0), each only if it is an integer up to `maxUid`. */
export function givenUids(meta: Partial<MailboxMeta>, now: number, maxUid: number): { uidValidity: number; uidLast: number } {
  const fits = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0 && n <= maxUid;
  return {
    uidValidity: fits(meta.uidValidity) && meta.uidValidity > 0 ? meta.uidValidity : now,
    uidLast: fits(meta.uidLast) ? meta.uidLast : 0,
  };
}

/** The names the format can store, in order, case-insensitively unique, the first `max` of them. */
export function storableKeywords(names: readonly string[], max: number, storable: (name: string) => boolean): string[] {
  const kept: string[] = [];
  for (const k of names) {
    if (kept.length < max && storable(k) && !kept.some((s) => s.toLowerCase() === k.toLowerCase())) kept.push(k);
  }
  return kept;
}
