// How an mmdf mailbox frames its messages (formats-flat.md 3): each message is
// enclosed in ^A^A^A^A lines, its From_ line is optional, nothing is removed
// between the text and the closing delimiter, and no line is quoted.
import { promises as fsp } from 'node:fs';
import { currentLocalZone, formatCtimeWithZone, WEEKDAYS, MONTHS } from '../../mail/dates.js';
import type { StoreContext } from '../../store/types.js';
import { putStoredText, type StoredTextReport } from '../berkeley/append-text.js';
import type { MessageEntry } from '../berkeley/entry.js';
import type { BatchWriter } from '../berkeley/file-io.js';
import { REWRITE_FROM_LINE, type FileDialect, type Framing, type RewriteParts } from '../berkeley/framing.js';
import { PSEUDO_BODY, pseudoHeader, type PseudoMessageData } from '../berkeley/pseudo.js';
import { hasBareCr, withoutCr } from '../shared/crlf.js';
import { DELIMITER, MmdfSplitter } from './split.js';

const LF = 0x0a;
const CR = 0x0d;
const CTRL_A = 0x01;
const FOUR_CTRL_A = Buffer.from('\x01\x01\x01\x01', 'latin1');
const CTRL_A_CR = Buffer.from('\x01\r', 'latin1');
const NEWLINE = Buffer.from('\n', 'latin1');
const MMDF_TEXT_RULES = { quoteFrom: false, endHeader: false } as const;

/** c-client's test: the file's first five bytes are the delimiter. */
async function probeMmdf(path: string): Promise<boolean> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(path, 'r');
    const head = Buffer.alloc(DELIMITER.length);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(DELIMITER);
  } catch {
    // unreadable: not ours to claim
    return false;
  } finally {
    await fh?.close();
  }
}

/** The machine's name for its zone at `now` (what c-client's rfc822_date puts in parentheses). */
function zoneName(now: Date): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(now)
    .find((p) => p.type === 'timeZoneName');
  return part?.value ?? 'UTC';
}

/** c-client's rfc822_date: `Thu, 5 Nov 2026 01:02:03 +0000 (UTC)`, local time, the zone's hours as %+03d. */
export function rfc822FullDate(now: Date): string {
  const zone = currentLocalZone(now);
  const w = new Date(now.getTime() + zone * 60_000);
  const pad2 = (n: number): string => String(n).padStart(2, '0');
  const hours = Math.trunc(zone / 60);
  const sign = hours < 0 ? '-' : '+';
  return `${WEEKDAYS[w.getUTCDay()]}, ${w.getUTCDate()} ${MONTHS[w.getUTCMonth()]} ${w.getUTCFullYear()} ` +
    `${pad2(w.getUTCHours())}:${pad2(w.getUTCMinutes())}:${pad2(w.getUTCSeconds())} ` +
    `${sign}${pad2(Math.abs(hours))}${pad2(Math.abs(zone) % 60)} (${zoneName(now)})`;
}

function enclosed(d: PseudoMessageData, date?: string): Buffer {
  return Buffer.concat([DELIMITER, Buffer.from(`${pseudoHeader(d, date)}${PSEUDO_BODY}\n`, 'latin1'), DELIMITER]);
}

/**
 * text without the ^A bytes that would end one of its lines as a delimiter does
 * (a line ending in four or more ^A keeps three of them); CRs are removed first,
 * as the writer removes them, since removing one can complete a delimiter.
 */
function withoutDelimiterEndings(text: Buffer): { text: Buffer; cut: boolean } {
  const ctrlA = text.indexOf(CTRL_A);
  if (ctrlA < 0 || (text.indexOf(FOUR_CTRL_A, ctrlA) < 0 && text.indexOf(CTRL_A_CR, ctrlA) < 0)) return { text, cut: false };
  const plain = withoutCr(text);
  const out = Buffer.allocUnsafe(plain.length);
  let o = 0;
  let cut = false;
  for (let s = 0; s < plain.length;) {
    const lf = plain.indexOf(LF, s);
    const end = lf < 0 ? plain.length : lf;
    let keep = end;
    while (keep > s && plain[keep - 1] === CTRL_A) keep--;
    if (end - keep >= FOUR_CTRL_A.length) {
      keep += FOUR_CTRL_A.length - 1;
      cut = true;
    } else keep = end;
    o += plain.copy(out, o, s, keep);
    if (lf >= 0) out[o++] = LF;
    s = end + 1;
  }
  return { text: out.subarray(0, o), cut };
}

/**
 * Appended text as c-client's mmdf appender writes it: CRs removed, no quoting,
 * metadata headers renamed, one LF after the text (so every message gains an
 * empty last line), then the closing delimiter. c-client also removes every ^A;
 * mailsmith removes only those that would end a line as a delimiter.
 */
async function putAppendedText(out: BatchWriter, text: Buffer): Promise<StoredTextReport> {
  const fixed = withoutDelimiterEndings(text);
  const report = await putStoredText(out, fixed.text, MMDF_TEXT_RULES);
  if (fixed.text !== text && hasBareCr(text)) report.bareCr = true;
  report.delimiterCut = fixed.cut;
  report.newlineAdded = true;
  await out.put(DELIMITER);
  return report;
}

function rewriteParts(lead: Buffer, text: Buffer, e: MessageEntry, _dialect: FileDialect, ctx: StoreContext): RewriteParts {
  let fromLine: Buffer;
  if (e.rewrite & REWRITE_FROM_LINE) {
    // c-client dates a message without From_ line by the file's time, which every rewrite
    // changes; mailsmith writes the date it read into a From_ line, so that it stays
    fromLine = Buffer.from(`From ${ctx.user}@${ctx.host} ${formatCtimeWithZone(e.date)}\n`, 'latin1');
  } else {
    fromLine = lead.subarray(DELIMITER.length);
    const n = fromLine.length;
    if (fromLine[n - 1] !== LF) fromLine = Buffer.concat([fromLine, NEWLINE]);
    else if (n >= 2 && fromLine[n - 2] === CR) fromLine = Buffer.concat([fromLine.subarray(0, n - 2), NEWLINE]);
  }
  // a text whose last line has no LF gets one: c-client would glue the delimiter to it
  const needsLf = text.length > 0 && text[text.length - 1] !== LF;
  return {
    lead: Buffer.concat([DELIMITER, fromLine]),
    text,
    tail: needsLf ? Buffer.concat([NEWLINE, DELIMITER]) : DELIMITER,
    textTail: needsLf ? 1 : 0,
  };
}

export const mmdfFraming: Framing = {
  format: 'mmdf',
  probe: probeMmdf,
  lookBehind: DELIMITER.length,
  splitter: (env) => new MmdfSplitter(env),
  // unlike unix, the new file's Date: has a weekday, an unpadded day and the zone's name
  created: (d) => enclosed(d, rfc822FullDate(d.now)),
  pseudoMessage: (d) => enclosed(d),
  appendPrefix: DELIMITER.toString('latin1'),
  putAppendedText,
  rewriteParts,
};
