// The checks check --verify makes on the first bytes of a file, where the FAQ's
// classic problems show:
//   - a file that c-client reads as one plain message (phile) or not at all, but that
//     holds mail: its first line is not a valid From_ line (FAQ 7.1 "my INBOX is empty",
//     7.2 "all my messages concatenated into one"), or an mbx file cut short of its
//     2048-byte header;
//   - a unix or mmdf mailbox without the FOLDER INTERNAL DATA message that holds its UID
//     validity, last UID and keywords, or with a damaged one (FAQ 6.14, formats-flat.md 2.6).
import fs from 'node:fs';
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
  if (head.toString('latin1', 0, 5) === '*mbx*') {
    const why = head.length < 2048 ? `is shorter than the 2048-byte mbx header (${head.length} bytes)` : 'its header block is damaged';
    return { text: `the file starts like an mbx mailbox but ${why}: c-client reads it as one plain message; repair-mbx can rebuild it`, faq: '7.15' };
  }
  const { text, start } = firstLine(head);
  const effect = asInbox ? 'c-client shows the mailbox as empty' : 'c-client reads the whole file as one message';
  if (text.startsWith('From ')) {
    const skipped = start > 0 && head[start - 1] !== 0x0a ? ' (white space before it on its line)' : '';
    return {
      text: `the first line is not a valid From_ line${skipped}: ${JSON.stringify(text)}; ${effect} `
        + '(it must read like "From fred@foo.bar Mon May  7 20:54:30 2001")',
      faq: asInbox ? '7.1' : '7.2',
    };
  }
  // a header field first, an empty line later: a message without its From_ line
  if (/^[!-9;-~]+:/.test(text) && /\r?\n\r?\n/.test(head.toString('latin1'))) {
    return { text: `the file holds mail but does not start with a From_ line (it starts ${JSON.stringify(text)}); ${effect}`, faq: asInbox ? '7.1' : '7.2' };
  }
  return undefined;
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
