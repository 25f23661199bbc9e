// The messages the interop tests copy: texts dressed as a copy hands them to a
// driver, with internal dates in assorted zones, varied system flags and
// keywords, and UIDs with gaps (101, 104, ...), the same in every test.
import type { SystemFlag } from '../../src/mail/flags.js';
import type { NewMessage } from '../../src/store/types.js';
import { realMessages, toCrlf } from './messages.js';

/** Zones of the internal dates, minutes east of UTC: both signs, half hours, odd minutes, the extremes. */
export const ZONES = [0, -480, 60, 330, -300, 545, -210, 840, -720, 120];
/** What the destination is created with; its last UID is below the first kept UID. */
export const CREATED_WITH = { uidValidity: 1_234_567_890, uidLast: 100, keywords: ['work', '$Label1'] };
/** The keywords the messages carry: 'Junk' is not declared at create time, the append must define it. */
export const ALL_KEYWORDS = ['work', '$Label1', 'Junk'];

/** The system flags of the i-th message. */
export function flagsFor(i: number): SystemFlag[] {
  const flags: SystemFlag[] = [];
  if (i % 3 === 0) flags.push('\\Seen');
  if (i % 11 === 0) flags.push('\\Deleted');
  if (i % 7 === 0) flags.push('\\Flagged');
  if (i % 5 === 0) flags.push('\\Answered');
  if (i % 13 === 0) flags.push('\\Draft');
  return flags;
}

/** The keywords of the i-th message. */
export function keywordsFor(i: number): string[] {
  return ALL_KEYWORDS.filter((_k, k) => i % (4 + k) === 0);
}

/** The texts as messages to append, the i-th with the i-th date, flags, keywords and UID. */
export function dressed(texts: readonly Buffer[], zones: readonly number[] = ZONES): NewMessage[] {
  return texts.map((text, i) => ({
    text,
    internalDate: { ms: Date.UTC(1995, 0, 1) + i * 41 * 86_400_000 + i * 12_345_000, zone: zones[i % zones.length]! },
    flags: flagsFor(i),
    keywords: keywordsFor(i),
    uid: 101 + 3 * i,
  }));
}

/** The real messages (CRLF), dressed. */
export async function corpusMessages(): Promise<NewMessage[]> {
  return dressed((await realMessages()).map((m) => toCrlf(m.raw)));
}

/**
 * c-client status lines for message i of a hand-made unix source: the first declares the keywords
 * (X-IMAPbase); flags, keywords and UIDs vary. `rareKeywords`: those of every 19th message.
 */
export function statusLines(i: number, rareKeywords = '$Label1'): string[] {
  const lines: string[] = [];
  if (i === 0) lines.push('X-IMAPbase: 1600000000 0000000600 work $Label1 Junk');
  if (i % 7 === 0) lines.push('Status: RO');
  else if (i % 3 === 0) lines.push('Status: O');
  const x = `${i % 13 === 0 ? 'D' : ''}${i % 5 === 0 ? 'FA' : ''}${i % 17 === 0 ? 'T' : ''}`;
  if (x) lines.push(`X-Status: ${x}`);
  if (i % 11 === 0) lines.push('X-Keywords: work Junk');
  else if (i % 19 === 0) lines.push(`X-Keywords: ${rareKeywords}`);
  lines.push(`X-UID: ${2 * i + 1}`);
  return lines;
}
