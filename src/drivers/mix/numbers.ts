// The numbers of the mix files: fixed-width lower-case hex as c-client writes
// them (%08lx, %04x), hex as c-client reads them (strtoul base 16), and the
// sequence values every rewrite carries (formats-dir.md 2.3).

export function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

export function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}

export function isHexCode(c: number | undefined): boolean {
  return c !== undefined && ((c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102));
}

const ULONG_MAX = 2 ** 64 - 1;

/**
 * strtoul(s + from, &end, 16) as c-client calls it, always right after checking that the first
 * character is a hex digit: an optional `0x` prefix, then hex digits; an overflow gives ULONG_MAX
 * (as a number, so only approximately: no field of a sane mailbox comes near it).
 */
export function strtoulHex(s: string, from: number): { value: number; end: number } {
  let i = from;
  if (s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && isHexCode(s.charCodeAt(i + 2))) i += 2;
  const start = i;
  while (isHexCode(s.charCodeAt(i))) i++;
  return { value: i === start ? 0 : Math.min(parseInt(s.slice(start, i), 16), ULONG_MAX), end: i };
}

/** c-client's mix_modseq: the clock, or one more than the old value if the clock has not passed it. */
export function nextSequence(old: number, now: Date): number {
  const seconds = Math.floor(now.getTime() / 1000);
  return seconds > old ? seconds : old + 1;
}
