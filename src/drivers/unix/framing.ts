// How a unix mailbox frames its messages (formats-flat.md 2): each starts with
// a From_ line and ends with one empty separator line; body lines starting
// "From " are quoted on the way in. Lenient reads of other programs' dialects
// (dialects.ts) are normalised to this form when a read-write session rewrites
// the file, so that c-client then reads what mailsmith read.
import { formatCtimeWithZone } from '../../mail/dates.js';
import type { StoreContext } from '../../store/types.js';
import { putStoredText } from '../berkeley/append-text.js';
import type { MessageEntry } from '../berkeley/entry.js';
import {
  REWRITE_FROM_LINE, REWRITE_QUOTE_FROM, type FileDialect, type Framing, type RewriteParts,
} from '../berkeley/framing.js';
import { PSEUDO_BODY, pseudoHeader, type PseudoMessageData } from '../berkeley/pseudo.js';
import { mboxrdToMboxo, quoteFromLines } from '../berkeley/quoting.js';
import { lineText, parseLenientFromLine, surveyDialect } from './dialects.js';
import { probeUnix } from './probe.js';
import { UnixSplitter } from './split.js';

const LF = 0x0a;
const CR = 0x0d;
const NEWLINE = Buffer.from('\n', 'latin1');

function pseudoMessage(d: PseudoMessageData): Buffer {
  return Buffer.from(`${pseudoHeader(d)}${PSEUDO_BODY}\n\n`, 'latin1');
}

/** The From_ line minus one CR before its LF. */
function withoutFinalCr(line: Buffer): Buffer {
  const n = line.length;
  if (n < 2 || line[n - 2] !== CR) return line;
  return Buffer.concat([line.subarray(0, n - 2), line.subarray(n - 1)]);
}

/** A From_ line c-client accepts for an envelope line only a lenient read took: its sender, the date c-client's way. */
function acceptedFromLine(stored: Buffer, e: MessageEntry, ctx: StoreContext): Buffer {
  const lf = stored.indexOf(LF);
  const lenient = parseLenientFromLine(lineText(stored, 0, lf < 0 ? stored.length : lf), ctx.now());
  const sender = lenient?.sender.trim() || `${ctx.user}@${ctx.host}`;
  return Buffer.from(`From ${sender} ${formatCtimeWithZone(e.date)}\n`, 'latin1');
}

function rewriteParts(lead: Buffer, text: Buffer, e: MessageEntry, dialect: FileDialect, ctx: StoreContext): RewriteParts {
  let body = text;
  if (dialect.mboxrd) body = mboxrdToMboxo(body);
  if (e.rewrite & REWRITE_QUOTE_FROM) body = quoteFromLines(body);
  // the LF after the text is the separator, or ends an unterminated last line
  const terminated = body.length === 0 || body[body.length - 1] === LF;
  return {
    lead: e.rewrite & REWRITE_FROM_LINE ? acceptedFromLine(lead, e, ctx) : withoutFinalCr(lead),
    text: body,
    tail: NEWLINE,
    textTail: terminated ? 0 : 1,
  };
}

export const unixFraming: Framing = {
  format: 'unix',
  probe: probeUnix,
  lookBehind: 0,
  splitter: (env) => new UnixSplitter(env),
  survey: (fd, size, first) => surveyDialect(fd, size, first),
  created: (d) => pseudoMessage(d),
  pseudoMessage,
  appendPrefix: '',
  putAppendedText: (out, text) => putStoredText(out, text),
  rewriteParts,
};
