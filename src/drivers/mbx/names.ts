// Keyword bits to the keyword lists a listing reports, computed once per distinct value.
import { keywordAt, MAX_KEYWORDS } from './header.js';

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
