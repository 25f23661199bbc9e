// The line of the first message that holds the mailbox data (formats-flat.md
// 2.6, 2.7): X-IMAP in a pseudo-message, X-IMAPbase in a real message. An
// append that declares keywords rewrites it (or adds X-IMAPbase where there is
// none), which changes the file's length and so goes through a replacement file.
import { fsync, readFully, writeFully } from '../../io/fd.js';
import { CHUNK_SIZE } from './file-io.js';
import type { RawMessage } from './scan.js';
import { tenDigits } from './pseudo.js';
import type { TempFile } from './replace.js';

const LF = 0x0a;

export interface MailboxData {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: readonly string[];
}

/** Where the mailbox data line of the first message is (offsets into first.data). */
export interface BaseLine {
  readonly start: number;
  /** After its LF. */
  readonly end: number;
  readonly pseudo: boolean;
}

/** The X-IMAP / X-IMAPbase line c-client takes its data from: the first one with valid numbers. */
export function findBaseLine(first: RawMessage): BaseLine | undefined {
  const d = first.data;
  const headerEnd = first.fromLength + first.headerLength;
  for (let s = first.fromLength; s < headerEnd;) {
    const lf = d.indexOf(LF, s);
    const end = lf < 0 || lf >= headerEnd ? headerEnd : lf + 1;
    const line = d.subarray(s, end).toString('latin1');
    const m = /^X-IMAP(base)?: *([0-9]+)(?![0-9]) *[0-9]/.exec(line);
    if (m && Number(m[2]) !== 0) return { start: s, end, pseudo: m[1] === undefined };
    s = end;
  }
  return undefined;
}

/** The data line as c-client writes it: 10-digit numbers in a pseudo-message, plain ones in X-IMAPbase. */
export function baseLineText(pseudo: boolean, data: MailboxData): string {
  const kw = data.keywords.map((k) => ` ${k}`).join('');
  return pseudo
    ? `X-IMAP: ${tenDigits(data.uidValidity)} ${tenDigits(data.uidLast)}${kw}\n`
    : `X-IMAPbase: ${data.uidValidity} ${data.uidLast}${kw}\n`;
}

/**
 * File offset of the 10-digit last-UID field of a pseudo-message's X-IMAP line,
 * when it has exactly the layout c-client writes (so it can be updated in place).
 */
export function lastUidField(first: RawMessage, line: BaseLine): number | undefined {
  const text = first.data.subarray(line.start, line.end).toString('latin1');
  if (!line.pseudo || !/^X-IMAP: [0-9]{10} [0-9]{10}[ \r\n]/.test(text)) return undefined;
  return first.start + line.start + 'X-IMAP: 0123456789 '.length;
}

/**
 * Copies the mailbox file src (size bytes) into tmp with the first message's data
 * line replaced by newLine, or newLine added right after its From_ line.
 */
export async function copyWithBaseLine(
  src: number, size: number, first: RawMessage, line: BaseLine | undefined, newLine: string, tmp: TempFile,
): Promise<void> {
  const head = Buffer.concat([
    first.data.subarray(0, line ? line.start : first.fromLength),
    Buffer.from(newLine, 'latin1'),
    first.data.subarray(line ? line.end : first.fromLength, first.fromLength + first.headerLength),
  ]);
  const restFrom = first.start + first.fromLength + first.headerLength;
  // bytes before the first From_ line (leading blank lines) stay as they are
  const lead = Buffer.allocUnsafe(first.start);
  await readFully(src, lead, 0, first.start, 0);
  let at = 0;
  await writeFully(tmp.fd, lead, 0, lead.length, at);
  at += lead.length;
  await writeFully(tmp.fd, head, 0, head.length, at);
  at += head.length;
  const buf = Buffer.allocUnsafe(CHUNK_SIZE);
  for (let pos = restFrom; pos < size;) {
    const got = await readFully(src, buf, 0, Math.min(buf.length, size - pos), pos);
    if (got === 0) break;
    await writeFully(tmp.fd, buf, 0, got, at);
    at += got;
    pos += got;
  }
  await fsync(tmp.fd);
}
