// Keyword names as the bits of a mailbox's keyword list (mbx, mix, mx): for an
// append, names found there or added while there is room, the others counted
// as losses; for a STORE, c-client's rules and warnings.
import type { LossTally } from './loss-tally.js';

export interface KeywordList {
  readonly mailbox: string;
  /** How the refusal names the mailbox: "an mbx mailbox". */
  readonly kind: string;
  readonly max: number;
  /** The name's bit: found in the list, or added to it when the name is storable and there is room; -1 otherwise. */
  bitFor(name: string): number;
  storable(name: string): boolean;
}

export function keywordMask(names: readonly string[], list: KeywordList, losses: LossTally): number {
  let mask = 0;
  for (const name of new Set(names)) {
    const bit = list.bitFor(name);
    if (bit >= 0) mask |= 1 << bit;
    else {
      losses.lose('keyword', name, list.storable(name)
        ? `${list.mailbox} can't hold the keyword ${name}: ${list.kind} has at most ${list.max} keywords`
        : `${list.mailbox} can't hold the keyword ${JSON.stringify(name)}: not a valid IMAP keyword`);
    }
  }
  return mask >>> 0;
}

export interface StoreRules {
  readonly max: number;
  /** The name's bit in the list (case-insensitively), -1 if it is not there. */
  bitOf(list: readonly string[], name: string): number;
  valid(name: string): boolean;
  warn(text: string): void;
}

/**
 * Keyword names to a mask under c-client's STORE rules: names in `list` give their bits; with
 * `create`, a name not there is added when it is valid and the list has room, else c-client's
 * warning ("Invalid flag", "Unknown flag") says why it was not.
 */
export function storeKeywordMask(names: readonly string[], list: string[], create: boolean, rules: StoreRules): number {
  let mask = 0;
  for (const name of names) {
    let bit = rules.bitOf(list, name);
    if (bit < 0 && create) {
      if (!rules.valid(name)) rules.warn(`Invalid flag: ${name}`);
      else if (list.length >= rules.max) rules.warn(`Unknown flag: ${name}`);
      else bit = list.push(name) - 1;
    }
    if (bit >= 0) mask |= 1 << bit;
  }
  return mask >>> 0;
}
