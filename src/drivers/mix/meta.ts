// .mixmeta (formats-dir.md 2.4): sequence, UID validity, last UID, current
// data file and keyword names, each line ending in CRLF, parsed with
// c-client's checks and texts and written in c-client's order.
import { isValidKeyword } from '../../mail/flags.js';
import { MixDamage } from './damage.js';
import { META_FILE } from './names.js';
import { hex8, isHexCode, strtoulHex } from './numbers.js';

export const MAX_KEYWORDS = 30;
export const MAX_KEYWORD_LENGTH = 50;
/** c-client gives up on a larger .mixmeta ("absurd mix metadata file size"). */
export const META_MAX = (1 << 20) - 1;

/** A keyword mailsmith may write into the K line: a valid IMAP atom, in ASCII (the file is bytes). */
export function isStorableKeyword(k: string): boolean {
  return isValidKeyword(k) && /^[\x21-\x7e]+$/.test(k);
}

export interface MixMeta {
  readonly seq: number;
  readonly uidValidity: number;
  readonly uidLast: number;
  /** N: the data file appends go to. */
  readonly current: number;
  readonly keywords: readonly string[];
}

export function serializeMeta(m: MixMeta): Buffer {
  let s = `S${hex8(m.seq)}\r\nV${hex8(m.uidValidity)}\r\nL${hex8(m.uidLast)}\r\nN${hex8(m.current)}\r\n`;
  if (m.keywords.length > 0) s += `K${m.keywords.join(' ')}\r\n`;
  return Buffer.from(s, 'latin1');
}

export interface MetaContext {
  /** The sequence this session saw last: a smaller one is damage. */
  readonly previousSeq: number;
  /** Keyword names this session knows: a list that lost some is damage. */
  readonly knownKeywords: readonly string[];
  readonly warn: (text: string) => void;
}

/** Parses the whole file as c-client's mix_meta_slurp and mix_parse do. */
export function parseMeta(bytes: Buffer, ctx: MetaContext): MixMeta {
  if (bytes.length > META_MAX) throw new MixDamage(META_FILE, 0, `absurd mix metadata file size`);
  // c-client reads the file as a C string: a NUL ends it
  const nul = bytes.indexOf(0);
  const s = bytes.toString('latin1', 0, nul < 0 ? bytes.length : nul);
  const seqError = (): MixDamage => new MixDamage(META_FILE, 0, 'Error in mix metadata file sequence record');
  if (s[0] !== 'S' || !isHexCode(s.charCodeAt(1))) throw seqError();
  const { value: seq, end } = strtoulHex(s, 1);
  if (seq < ctx.previousSeq || s[end] !== '\r' || s[end + 1] !== '\n') throw seqError();
  let uidValidity = 0;
  let uidLast = 0;
  let current = 0;
  let keywords: string[] = [...ctx.knownKeywords];
  let at = end + 2;
  while (at < s.length) {
    const crlf = s.indexOf('\r\n', at);
    const line = crlf < 0 ? s.slice(at) : s.slice(at + 1, crlf);
    const fail = (what: string): MixDamage => new MixDamage(META_FILE, at, `Error in mix metadata ${what}`);
    // a line without its CRLF, or an empty one, is junk to c-client
    if (crlf < 0 || crlf === at) throw fail('record');
    let rest: string;
    switch (s[at]) {
      case 'V': {
        if (!isHexCode(line.charCodeAt(0))) throw fail('file UIDVALIDITY record');
        const v = strtoulHex(line, 0);
        if (v.value === 0) throw fail('file UIDVALIDITY record');
        uidValidity = v.value;
        rest = line.slice(v.end);
        break;
      }
      case 'L': {
        if (!isHexCode(line.charCodeAt(0))) throw fail('file UIDLAST record');
        const v = strtoulHex(line, 0);
        uidLast = v.value;
        rest = line.slice(v.end);
        break;
      }
      case 'N': {
        if (!isHexCode(line.charCodeAt(0))) throw fail('file new msg record');
        const v = strtoulHex(line, 0);
        current = v.value;
        rest = line.slice(v.end);
        break;
      }
      case 'K': {
        const k = parseKeywords(line, ctx);
        if (k.count < ctx.knownKeywords.length) throw fail('file keyword record');
        keywords = k.names;
        rest = k.rest;
        break;
      }
      default:
        rest = line;
    }
    if (rest !== '') throw fail('record');
    at = crlf + 2;
  }
  return { seq, uidValidity, uidLast, current, keywords };
}

/**
 * The K line's names as c-client takes them: split at single spaces, at most 30, each non-empty
 * and at most 50 bytes; the list stops at the first name that is not, and whatever follows it
 * is left over (which makes the record bad).
 */
function parseKeywords(line: string, ctx: MetaContext): { names: string[]; count: number; rest: string } {
  const names = [...ctx.knownKeywords];
  let i = 0;
  let t: string | undefined = line;
  while (t !== undefined && t !== '' && i < MAX_KEYWORDS) {
    const space = t.indexOf(' ');
    const k = space < 0 ? t : t.slice(0, space);
    t = space < 0 ? undefined : t.slice(space + 1);
    if (k === '' || k.length > MAX_KEYWORD_LENGTH) break;
    const known = names[i];
    if (known !== undefined && known !== k) ctx.warn(`flag rename old=${known} new=${k}`);
    names[i] = k;
    i++;
  }
  return { names: names.slice(0, i), count: i, rest: t ?? '' };
}
