// The checks check --verify makes on the first bytes of a file, where the FAQ's
// classic problems show:
//   - a file that c-client reads as one plain message (phile) or not at all, but that
//     holds mail: its first line is not a valid From_ line or MMDF separator (FAQ 7.1 "my
//     INBOX is empty", 7.2 "all my messages concatenated into one"), or an mbx file cut
//     short of its 2048-byte header or with a damaged one;
//   - a unix or mmdf mailbox without the FOLDER INTERNAL DATA message that holds its UID
//     validity, last UID and keywords, or with a damaged one (FAQ 6.14, formats-flat.md 2.6).
import fs from 'node:fs';
import { resemblesMbxHeader } from '../drivers/mbx/survey.js';
import { readFully } from '../io/fd.js';

/** As much of the file's start as these checks look at. */
const HEAD_BYTES = 64 << 10;

export const PSEUDO_SUBJECT = "Subject: DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA";

export interface HeadFinding {
  readonly text: string;
  readonly faq: string;
}

export async function readHead(file: string): Promise<Buffer> {
  const fd = fs.openSync(file, fs.constants.O_RDONLY);
  try {
    const b = Buffer.alloc(HEAD_BYTES);
    return b.subarray(0, await readFully(fd, b, 0, HEAD_BYTES, 0));
  } finally {
    fs.closeSync(fd);
  }
}

/** The first line after leading white space, without its line end, shown as text. */
function firstLine(head: Buffer): { text: string; start: number } {
  let start = 0;
  while (start < head.length && (head[start] === 0x20 || head[start] === 0x09 || head[start] === 0x0d || head[start] === 0x0a)) start++;
  let end = head.indexOf(0x0a, start);
  if (end < 0) end = head.length;
  return { text: head.toString('utf8', start, Math.min(end, start + 200)).replace(/\r$/, ''), start };
}

/**
 * A file c-client does not read as a mailbox (phile, or nothing for INBOX) that holds mail.
 * `asInbox`: the name is INBOX, which c-client shows as empty rather than as one message.
 */
export function mailInPlainFile(head: Buffer, asInbox: boolean): HeadFinding | undefined {
  const rebuild = 'c-client reads it as one plain message; repair-mbx can rebuild it';
  if (head.toString('latin1', 0, 5) === '*mbx*' || resemblesMbxHeader(head)) {
    const why = head.length < 2048 ? `is shorter than the 2048-byte mbx header (${head.length} bytes)` : 'its header block is damaged';
    return { text: `the file starts like an mbx mailbox but ${why}: ${rebuild}`, faq: '7.15' };
  }
  if (looksLikeMbx(head)) return { text: `the file holds mbx messages but its header block is damaged: ${rebuild}`, faq: '7.15' };
  const effect = asInbox ? 'c-client shows the mailbox as empty' : 'c-client reads the whole file as one message';
  const faq = asInbox ? '7.1' : '7.2';
  // ^A bytes alone on the first line: an MMDF separator gone wrong (c-client wants exactly ^A^A^A^A LF)
  const nl = head.indexOf(0x0a);
  const mmdf = head.toString('latin1', 0, nl < 0 ? Math.min(head.length, 200) : nl);
  if (/^\x01+\r?$/.test(mmdf)) {
    return { text: `the first line is not a valid MMDF separator (four ^A bytes and a newline): ${JSON.stringify(mmdf)}; ${effect}`, faq };
  }
  const { text, start } = firstLine(head);
  if (text.startsWith('From ')) {
    const skipped = start > 0 && head[start - 1] !== 0x0a ? ' (white space before it on its line)' : '';
    return {
      text: `the first line is not a valid From_ line${skipped}: ${JSON.stringify(text)}; ${effect} `
        + '(it must read like "From fred@foo.bar Mon May  7 20:54:30 2001")',
      faq,
    };
  }
  // a header field first, an empty line later: a message without its From_ line
  if (/^[!-9;-~]+:/.test(text) && /\r?\n\r?\n/.test(head.toString('latin1'))) {
    return { text: `the file holds mail but does not start with a From_ line (it starts ${JSON.stringify(text)}); ${effect}`, faq };
  }
  return undefined;
}

/** The first internal header line of an mbx file, as c-client writes it, right after the 2048-byte header block. */
const MBX_FIRST_LINE = /^[ \d]\d-[A-Za-z]{3}-\d{4} \d\d:\d\d:\d\d [+-]\d{4},\d+;[0-9a-fA-F]{12}-[0-9a-fA-F]{8}\r\n/;

/** An mbx file, however damaged its header block: "*mbx*" or most of c-client's probe first, or an mbx message where the first one starts. */
export function looksLikeMbx(head: Buffer): boolean {
  return head.toString('latin1', 0, 5) === '*mbx*' || resemblesMbxHeader(head) || MBX_FIRST_LINE.test(head.toString('latin1', 2048, 2048 + 80));
}

/**
 * The mailbox data of a unix or mmdf file: a valid FOLDER INTERNAL DATA message first, or an
 * X-IMAPbase header in the first message (what c-client writes when it has no pseudo-message).
 */
export function berkeleyMetadata(head: Buffer, format: 'unix' | 'mmdf'): HeadFinding | undefined {
  let text = head.toString('latin1');
  if (format === 'mmdf') text = text.replace(/^\x01\x01\x01\x01\n/, '');
  text = text.replace(/^[\r\n \t]*/, '');
  if (format === 'unix' || text.startsWith('From ')) text = text.slice(text.indexOf('\n') + 1);
  const end = text.search(/\r?\n\r?\n|\x01\x01\x01\x01\n/);
  const header = `\n${end < 0 ? text : text.slice(0, end)}`.replace(/\r/g, '');
  const imap = /\nX-IMAP: *(\d+) +(\d+)/.exec(header);
  if (imap && Number(imap[1]) !== 0) return undefined;
  if (/\nX-IMAPbase: *[1-9]\d* +\d+/.test(header)) return undefined;
  if (header.includes(`\n${PSEUDO_SUBJECT}`)) {
    return {
      text: 'the FOLDER INTERNAL DATA message is damaged (its X-IMAP line is missing or holds no UID validity): '
        + 'c-client shows it as an ordinary message and gives every message a new UID',
      faq: '6.14',
    };
  }
  return {
    text: 'there is no FOLDER INTERNAL DATA message (and no X-IMAPbase header): the mailbox keeps no UID validity, '
      + 'UIDs or keywords until a read-write session writes them',
    faq: '6.14',
  };
}
