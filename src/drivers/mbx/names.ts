// Status bits to the flag and keyword lists a listing reports, computed once per distinct value.
import { bitsToFlags, type SystemFlag } from '../../mail/flags.js';
import { SYSTEM_BITS } from './entry.js';
import { keywordAt, MAX_KEYWORDS } from './header.js';

const FLAG_LISTS = new Map<number, readonly SystemFlag[]>();

export function flagList(status: number): readonly SystemFlag[] {
  const bits = status & SYSTEM_BITS;
  let list = FLAG_LISTS.get(bits);
  if (!list) FLAG_LISTS.set(bits, (list = Object.freeze(bitsToFlags(bits))));
  return list;
}

/** Keyword masks to names; bits without a defined name are ignored, as c-client does. */
export class KeywordNames {
  private readonly cache = new Map<number, readonly string[]>();

  constructor(private readonly slots: readonly string[]) {}

  of(mask: number): readonly string[] {
    let names = this.cache.get(mask);
    if (!names) {
      const out: string[] = [];
      for (let bit = 0; bit < MAX_KEYWORDS; bit++) {
        const k = (mask & (1 << bit)) !== 0 ? keywordAt(this.slots, bit) : undefined;
        if (k !== undefined) out.push(k);
      }
      this.cache.set(mask, (names = Object.freeze(out)));
    }
    return names;
  }
}
