// A unix or mmdf mailbox's keyword list (formats-flat.md 1.5, 2.6): up to 30 slots,
// keyword i being bit 1 << i of a message's mask. A slot can be empty when the
// X-IMAP line held an over-long name there.
import { isValidKeyword } from '../../mail/flags.js';

export const MAX_KEYWORDS = 30;
export const MAX_KEYWORD_LENGTH = 50;

export type KeywordSlots = (string | undefined)[];

/** A keyword a unix or mmdf file can hold: an IMAP atom in ASCII (names travel through the file as latin1). */
export function storableKeyword(name: string): boolean {
  return isValidKeyword(name) && /^[\x21-\x7e]+$/.test(name);
}

/** The list a new mailbox starts with: storable names, each once, at most 30. */
export function keywordsForCreate(names: readonly string[]): string[] {
  const slots: KeywordSlots = [];
  for (const name of names) if (storableKeyword(name)) declareKeyword(slots, name);
  return declaredKeywords(slots);
}

/** c-client compares keywords ignoring ASCII case. */
function sameKeyword(a: string, b: string): boolean {
  return a.length === b.length && asciiLower(a) === asciiLower(b);
}

function asciiLower(s: string): string {
  return s.replace(/[A-Z]+/g, (m) => m.toLowerCase());
}

/**
 * The slot holding this name, as c-client looks it up while reading X-Keywords:
 * it stops at the first empty slot. -1 when not declared.
 */
export function findKeyword(slots: KeywordSlots, name: string): number {
  for (let i = 0; i < MAX_KEYWORDS && slots[i] !== undefined; i++) {
    if (sameKeyword(slots[i]!, name)) return i;
  }
  return -1;
}

/**
 * The slot of name, declaring it in the first free slot when it is new;
 * -1 when all 30 slots are taken.
 */
export function declareKeyword(slots: KeywordSlots, name: string): number {
  const found = findKeyword(slots, name);
  if (found >= 0) return found;
  for (let i = 0; i < MAX_KEYWORDS; i++) {
    if (slots[i] === undefined) {
      slots[i] = name;
      return i;
    }
  }
  return -1;
}

/** The declared names, in bit order. */
export function declaredKeywords(slots: KeywordSlots): string[] {
  return slots.filter((k): k is string => k !== undefined);
}

/** Names of the bits set in mask, in bit order. */
export function keywordNames(slots: KeywordSlots, mask: number): string[] {
  const names: string[] = [];
  for (let i = 0; mask !== 0 && i < MAX_KEYWORDS; i++) {
    if (mask & (1 << i)) {
      const name = slots[i];
      if (name !== undefined) names.push(name);
      mask &= ~(1 << i);
    }
  }
  return names;
}
