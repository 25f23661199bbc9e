// Messages for the interop tests: the real corpus, a hand-made unix mbox
// writer that owes nothing to mailsmith, and the model of what the unix
// format does to a message's bytes.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { sharedDir } from '../helpers/paths.js';

export interface RealMessage {
  readonly file: string;
  readonly raw: Buffer;
}

/** Every message of ../shared/corpus/real, in file-name order, bytes as stored. */
export async function realMessages(): Promise<RealMessage[]> {
  const dir = path.join(sharedDir(), 'corpus', 'real');
  const files = (await fsp.readdir(dir)).filter((f) => f.endsWith('.eml')).sort();
  return Promise.all(files.map(async (file) => ({ file, raw: await fsp.readFile(path.join(dir, file)) })));
}

const CR = 0x0d;
const LF = 0x0a;

/** Every LF not already preceded by CR becomes CRLF: the form messages travel in. */
export function toCrlf(b: Buffer): Buffer {
  const out: number[] = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] === LF && (i === 0 || b[i - 1] !== CR)) out.push(CR);
    out.push(b[i]!);
  }
  return Buffer.from(out);
}

/** Drops a first line that is a From_ envelope line (some corpus files start with one). */
export function withoutEnvelope(raw: Buffer): Buffer {
  if (!raw.subarray(0, 5).equals(Buffer.from('From '))) return raw;
  const nl = raw.indexOf(LF);
  return nl < 0 ? Buffer.alloc(0) : raw.subarray(nl + 1);
}

export interface MboxEntry {
  /** The From_ line without `From ` and without its LF, e.g. `alice@example.org Wed Dec  2 05:53:22 1992`. */
  readonly envelope: string;
  /** Header lines (no line end) written right after the From_ line, as c-client's appender does. */
  readonly status?: readonly string[];
  readonly text: Buffer;
}

/**
 * A unix mbox written the plain way: From_ line, status lines, the text with
 * every line that starts `From ` quoted as `>From `, a LF if the text lacks a
 * final one, then the empty separator line. CR bytes are left as they are.
 */
export function unixMbox(entries: readonly MboxEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(Buffer.from(`From ${e.envelope}\n${(e.status ?? []).map((l) => `${l}\n`).join('')}`, 'latin1'));
    const lines = splitLines(e.text);
    for (const line of lines) {
      if (startsWithFrom(line)) parts.push(Buffer.from('>'));
      parts.push(line);
    }
    if (e.text.length === 0 || e.text[e.text.length - 1] !== LF) parts.push(Buffer.from('\n'));
    parts.push(Buffer.from('\n'));
  }
  return Buffer.concat(parts);
}

/** Lines including their LF (the last one may have none). */
function splitLines(b: Buffer): Buffer[] {
  const lines: Buffer[] = [];
  let start = 0;
  for (;;) {
    const nl = b.indexOf(LF, start);
    if (nl < 0) break;
    lines.push(b.subarray(start, nl + 1));
    start = nl + 1;
  }
  if (start < b.length) lines.push(b.subarray(start));
  return lines;
}

function startsWithFrom(line: Buffer): boolean {
  return line.length >= 5 && line.subarray(0, 5).toString('latin1') === 'From ';
}

/** Header names c-client takes as mailbox data in a unix file, in any letter case. */
const METADATA_NAMES = new Set(['status', 'x-status', 'x-keywords', 'x-uid', 'x-imap', 'x-imapbase']);

/**
 * A header line's name as c-client's mail_filter() reads it when it hides the
 * metadata headers from a fetch: up to a colon, white space or NUL.
 */
function isMetadataLine(line: Buffer): boolean {
  let end = 0;
  while (end < line.length && ![0x3a, 0x20, 0x09, 0x0d, 0x0a, 0x00].includes(line[end]!)) end++;
  return METADATA_NAMES.has(line.subarray(0, end).toString('latin1').toLowerCase());
}

export interface UnixStoredForm {
  /** The text a unix reader gives back, in CRLF form. */
  readonly text: Buffer;
  /** A CR not followed by LF was dropped. */
  readonly bareCr: boolean;
  /** A line starting `From ` was stored as `>From `. */
  readonly fromQuoted: boolean;
  /**
   * A line end was added: the text had no final line end, or no empty line ending
   * its header (c-client reads a header up to an empty line, so it gets one).
   */
  readonly newlineAdded: boolean;
  /** A header named like c-client's mailbox data got the prefix `X-Original-`. */
  readonly headerRenamed: boolean;
  /** A NUL ending a header field's name became a space (c-client's header filter reads it so). */
  readonly headerNul: boolean;
}

/**
 * What storing a message in a unix mailbox does to its text, as mailsmith
 * documents it (AppendResult's losses and changes): bare CRs are dropped
 * (the format keeps LF line ends, so a lone CR cannot be told from a line
 * end); every line starting `From ` is quoted; a last line without a line
 * end gets one, and a header without an empty line ending it gets one; and
 * header lines named Status, X-Status, X-Keywords, X-UID, X-IMAP or
 * X-IMAPbase (any case; the name ends at a colon, white space or NUL, as
 * c-client reads it) are renamed X-Original-NAME, since c-client would hide
 * them. Nothing else changes: line ends come back as CRLF, NUL and 8-bit
 * bytes as they were.
 */
export function unixStoredForm(text: Buffer): UnixStoredForm {
  let bareCr = false;
  const noCr: number[] = [];
  for (let i = 0; i < text.length; i++) {
    if (text[i] === CR) {
      if (text[i + 1] !== LF) bareCr = true;
      continue;
    }
    noCr.push(text[i]!);
  }
  let body = Buffer.from(noCr);
  const lastLineEnded = body.length > 0 && body[body.length - 1] === LF;
  if (!lastLineEnded) body = Buffer.concat([body, Buffer.from('\n')]);
  let fromQuoted = false;
  let headerRenamed = false;
  let headerNul = false;
  let inHeader = true;
  const out: Buffer[] = [];
  for (const lineWithLf of splitLines(body)) {
    const line = Buffer.from(lineWithLf.subarray(0, lineWithLf.length - 1));
    if (inHeader) {
      const nameEnd = line.findIndex((c) => [0x3a, 0x20, 0x09, 0x0d, 0x0a, 0x00].includes(c));
      if (nameEnd >= 0 && line[nameEnd] === 0) {
        line[nameEnd] = 0x20;
        headerNul = true;
      }
    }
    let prefix = '';
    if (inHeader && line.length === 0) inHeader = false;
    else if (inHeader && isMetadataLine(line)) {
      prefix = 'X-Original-';
      headerRenamed = true;
    } else if (startsWithFrom(line)) {
      prefix = '>';
      fromQuoted = true;
    }
    out.push(Buffer.from(prefix), line, Buffer.from('\r\n'));
  }
  if (inHeader) out.push(Buffer.from('\r\n'));
  return { text: Buffer.concat(out), bareCr, fromQuoted, newlineAdded: !lastLineEnded || inHeader, headerRenamed, headerNul };
}

/** Kinds of change and loss the unix model knows, as AppendResult names them. */
export const UNIX_REPORT_KINDS = ['from-quoted', 'newline-added', 'header-renamed', 'header-nul', 'bare-cr'] as const;

/** Per kind, how many of the texts the unix model says storing changes (what append must report). */
export function unixReport(texts: readonly Buffer[]): Record<string, number> {
  const forms = texts.map(unixStoredForm);
  const count = (p: (f: UnixStoredForm) => boolean): number => forms.filter(p).length;
  return {
    'from-quoted': count((f) => f.fromQuoted),
    'newline-added': count((f) => f.newlineAdded),
    'header-renamed': count((f) => f.headerRenamed),
    'header-nul': count((f) => f.headerNul),
    'bare-cr': count((f) => f.bareCr),
  };
}

/** c-client's unix appender turns NUL into 0x80 (formats-flat.md 2.8); applied to a text already in unix form. */
export function cClientUnixNul(text: Buffer): Buffer {
  return Buffer.from(text.map((c) => (c === 0 ? 0x80 : c)));
}

/**
 * c-client 2007f loops for ever, or crashes, reading a unix file whose header
 * (up to the first line that is exactly LF or CR LF, as its parser sees it) has
 * an `X-Keywords:`, `X-IMAP:` or `X-IMAPbase:` line (exact spelling) holding a
 * CR not followed by LF (its keyword scan stops there without moving on) or a
 * NUL (its strpbrk() finds no end and it reads past the line). Verified with
 * mailutil: `X-Keywords: a\rb` and `X-IMAP: 1 2\r\r\n` hang, `X-IMAP: 1 2\0`
 * is a segmentation fault. Such a text can't be given to mailutil.
 */
export function breaksCClient(text: Buffer): boolean {
  for (const lineWithLf of splitLines(text)) {
    const line = lineWithLf.toString('latin1');
    if (line === '\n' || line === '\r\n') return false;
    if (/^(X-Keywords|X-IMAP|X-IMAPbase):/.test(line) && /\r(?!\n)|\0/.test(line)) return true;
  }
  return false;
}
