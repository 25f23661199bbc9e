// Keyword slots of an mx mailbox (formats-dir.md 1.4): names matched without
// regard to case, new names put in the first free slot (c-client's
// mail_parse_flags), at most 30.
import { MAX_KEYWORDS } from './mxindex.js';

/** The slot of a name, compared case-insensitively; -1 if the mailbox has none. */
export function keywordBit(slots: readonly (string | undefined)[], name: string): number {
  const lower = name.toLowerCase();
  return slots.findIndex((s) => s !== undefined && s.toLowerCase() === lower);
}

/** The first slot without a name, where a new keyword goes; -1 when all 30 are taken. */
export function freeSlot(slots: readonly (string | undefined)[]): number {
  for (let i = 0; i < MAX_KEYWORDS; i++) if (slots[i] === undefined) return i;
  return -1;
}

/** The names a listing reports: only bits whose slot has a name, as c-client. */
export function definedKeywords(slots: readonly (string | undefined)[]): string[] {
  return slots.filter((s): s is string => s !== undefined);
}

/** Keyword masks to names, each distinct mask computed once. */
export class RecordNames {
  private readonly keywordCache = new Map<number, readonly string[]>();

  constructor(private readonly slots: readonly (string | undefined)[]) {}

  keywords(mask: number): readonly string[] {
    let names = this.keywordCache.get(mask);
    if (!names) {
      const out: string[] = [];
      for (let bit = 0; bit < MAX_KEYWORDS; bit++) {
        const name = (mask & (1 << bit)) !== 0 ? this.slots[bit] : undefined;
        if (name !== undefined) out.push(name);
      }
      this.keywordCache.set(mask, (names = Object.freeze(out)));
    }
    return names;
  }
}
