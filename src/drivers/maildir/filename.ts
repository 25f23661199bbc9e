// Maildir file names as Dovecot and Courier write them (formats-dir.md 6.3,
// 6.4): <unique>[,S=<size>][,W=<vsize>][:2,<flags>[,<extra>]]. The "base" (up to
// the first ':') names the message for good; the info after the last ':'
// changes with every flag change.
import { sortFlags, type SystemFlag } from '../../mail/flags.js';

/** The letters of the five system flags, in the order Dovecot writes them (ASCII). */
const FLAG_LETTERS: readonly (readonly [string, SystemFlag])[] = [
  ['D', '\\Draft'], ['F', '\\Flagged'], ['R', '\\Answered'], ['S', '\\Seen'], ['T', '\\Deleted'],
];
const LETTER_OF = new Map<SystemFlag, string>(FLAG_LETTERS.map(([l, f]) => [f, l]));
const FLAG_OF = new Map<string, SystemFlag>(FLAG_LETTERS);

/** Keyword letters a-z: Dovecot keyword index 0-25 (dovecot-keywords). */
export const KEYWORD_LETTERS = 26;
const A = 0x61;

/** The name up to its info: the key of dovecot-uidlist. */
export function baseOf(name: string): string {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(0, colon);
}

/** What the info of a name says: ":2," flags (letters), and what must survive a rename. */
export interface Info {
  readonly flags: readonly SystemFlag[];
  /** Bit i set: keyword letter 'a' + i. */
  readonly keywordMask: number;
  /** Letters that are neither system flags nor keywords (P, unknown ones): kept, not shown. */
  readonly others: string;
  /** Dovecot's extension area after the flags (",..."), kept as it is. */
  readonly extra: string;
}

const NO_INFO: Info = { flags: [], keywordMask: 0, others: '', extra: '' };

/**
 * The flags of a file name, as Dovecot reads them: the info after the last ':' counts only
 * when it starts "2,"; the letters run to the next ','.
 */
export function infoOf(name: string): Info {
  const colon = name.lastIndexOf(':');
  if (colon < 0 || name[colon + 1] !== '2' || name[colon + 2] !== ',') return NO_INFO;
  const rest = name.slice(colon + 3);
  const comma = rest.indexOf(',');
  const letters = comma < 0 ? rest : rest.slice(0, comma);
  const found = new Set<SystemFlag>();
  let keywordMask = 0;
  let others = '';
  for (const ch of letters) {
    const flag = FLAG_OF.get(ch);
    if (flag) found.add(flag);
    else if (ch >= 'a' && ch <= 'z') keywordMask |= 1 << (ch.charCodeAt(0) - A);
    else others += ch;
  }
  return {
    flags: sortFlags(found),
    keywordMask: keywordMask >>> 0,
    others,
    extra: comma < 0 ? '' : rest.slice(comma),
  };
}

/**
 * The name with this info: system flag letters, keyword letters and the letters kept from
 * before, in ASCII order, then the extension area. A name without any of them and without
 * an info before keeps having none (a file in new/ that never had flags).
 */
export function withInfo(name: string, info: Info): string {
  const base = baseOf(name);
  const letters = [...info.others];
  for (const f of info.flags) letters.push(LETTER_OF.get(f)!);
  for (let i = 0; i < KEYWORD_LETTERS; i++) if ((info.keywordMask & (1 << i)) !== 0) letters.push(String.fromCharCode(A + i));
  letters.sort((a, b) => a.charCodeAt(0) - b.charCodeAt(0));
  const hadInfo = name.length > base.length;
  if (letters.length === 0 && info.extra === '' && !hadInfo) return base;
  return `${base}:2,${[...new Set(letters)].join('')}${info.extra}`;
}

/** Dovecot's maildir_filename_get_size: the number after ",S=" or ",W=" in the base, if well formed. */
export function sizeField(name: string, field: 'S' | 'W'): number | undefined {
  const base = baseOf(name);
  const at = base.indexOf(`,${field}=`);
  if (at < 0) return undefined;
  let i = at + 3;
  let n = 0;
  for (; i < base.length && base.charCodeAt(i) >= 0x30 && base.charCodeAt(i) <= 0x39; i++) n = n * 10 + base.charCodeAt(i) - 0x30;
  return i === base.length || base[i] === ',' ? n : undefined;
}

/** The host part of a unique name: '/' and ':' escaped as qmail does. */
export function escapeHost(host: string): string {
  return host.replaceAll('/', '\\057').replaceAll(':', '\\072');
}

/**
 * Unique names in Dovecot's form, `<secs>.M<usecs>P<pid>.<host>`: each name's time (in
 * microseconds) is later than the one before within the process, as Dovecot's
 * maildir_filename_generate does, so names never repeat and sort in the order they were made.
 * A name is kept as its time; name() spells it.
 */
export class UniqueNames {
  private static lastUs = 0;
  private readonly suffix: string;

  constructor(host: string) {
    this.suffix = `P${process.pid}.${escapeHost(host)}`;
  }

  nextTime(): number {
    const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
    UniqueNames.lastUs = Math.max(nowUs, UniqueNames.lastUs + 1);
    return UniqueNames.lastUs;
  }

  name(us: number): string {
    return `${Math.floor(us / 1e6)}.M${us % 1e6}${this.suffix}`;
  }
}

/** The leading decimal seconds of a name and where they end. */
function leadingSeconds(s: string): { secs: number; end: number } {
  let secs = 0;
  let i = 0;
  for (; i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) secs = secs * 10 + s.charCodeAt(i) - 0x30;
  return { secs, end: i };
}

/** The microseconds in the ".<uniqueness>." part after the seconds (the digits after 'M'), if any. */
function microseconds(s: string, from: number): number | undefined {
  if (s[from] !== '.') return undefined;
  for (let i = from + 1; i < s.length && s[i] !== '.' && s[i] !== ':'; i++) {
    if (s[i] === 'M') {
      let us = 0;
      for (i++; i < s.length && s.charCodeAt(i) >= 0x30 && s.charCodeAt(i) <= 0x39; i++) us = us * 10 + s.charCodeAt(i) - 0x30;
      return us;
    }
  }
  return undefined;
}

/**
 * The order in which Dovecot gives UIDs to files its uidlist does not list
 * (maildir_filename_sort_cmp): by the seconds the name starts with, then by microseconds when
 * both names have them, then by the rest of the base.
 */
export function dovecotOrder(a: string, b: string): number {
  const x = leadingSeconds(a);
  const y = leadingSeconds(b);
  if (x.secs !== y.secs) return x.secs - y.secs;
  const ux = microseconds(a, x.end);
  const uy = microseconds(b, y.end);
  if (ux !== undefined && uy !== undefined && ux !== uy) return ux - uy;
  const ra = baseOf(a.slice(x.end));
  const rb = baseOf(b.slice(y.end));
  return ra < rb ? -1 : ra > rb ? 1 : 0;
}
