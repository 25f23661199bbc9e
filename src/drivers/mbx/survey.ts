// A damage survey of an mbx file (formats-flat.md 4.8, FAQ 7.15): unlike c-client,
// which stops at the first damage, it walks the whole file and says where every
// message is, what is wrong with each header line and size, and which bytes are no
// message at all, in c-client's words where c-client has words for it.
//
// The walk follows the chain of sizes, as c-client does. A message's size is believed
// when its text ends at the end of the file or where a line c-client wrote starts. When
// it does not:
//   - if a written line starts inside the text, the size was too large: the message ends
//     there (the next internal header, as the FAQ says) - unless the size ends just after a
//     line end where a header line starts, or that written line's own size leads nowhere:
//     then it is text (a message that quotes an mbx file) and the size is right;
//   - if the text would run past the end of the file, it ends at the next written line or
//     at the end of the file (a last message cut short keeps what is left of it);
//   - if the size ends where a damaged but recognisable header line starts, the size is
//     right and that line is repaired next;
//   - if the text ends with CRLF (or the damage is NUL bytes, a zeroed region), the size
//     is right and what follows up to the next written line is not a message;
//   - otherwise the size was too small: the text runs on to the next written line (this
//     is c-client's "size one too small", whose stray byte starts the next line).
// Where no header line can be read, the bytes up to the next written line are no message.
import { FLAG_EXPUNGED, FLAG_OLD } from '../../mail/flags.js';
import { dateError, MAX_LINE, parseLine, EntryError, SYSTEM_BITS } from './entry.js';
import { HEADER_SIZE, hex4, MAX_KEYWORDS } from './header.js';
import { inspectHeader, type HeaderVerdict } from './header-check.js';
import { DATE_LENGTH, damagedLineAt, isWrittenDate, type DamagedLine, type StrictLine } from './line-forms.js';
import { readFully } from '../../io/fd.js';
import { FileWindow } from './survey-window.js';
import { judgeUids } from './survey-uids.js';
import { SurveyedMessages, type SizeFix } from './surveyed.js';
import { parseCClientDate } from '../../mail/dates.js';

export type ProblemKind = 'header' | 'line' | 'size' | 'garbage' | 'uid' | 'flags' | 'keywords';

export interface SurveyProblem {
  /** File offset the problem is at. */
  readonly offset: number;
  readonly kind: ProblemKind;
  /** c-client's words where c-client reports it, else a sentence in the same style. */
  readonly text: string;
}

export interface ByteRange {
  readonly offset: number;
  readonly length: number;
}

export interface MbxSurvey {
  readonly fileSize: number;
  readonly header: HeaderVerdict;
  /** Bytes of the header block: 2048, or less when messages were found to start earlier. */
  readonly headerLength: number;
  readonly messages: SurveyedMessages;
  /** Byte ranges that are no message, in file order. */
  readonly garbage: readonly ByteRange[];
  /** Every problem, in file order of discovery. */
  readonly problems: readonly SurveyProblem[];
  /** Keyword bits some message has but the header names no keyword for (bit order). */
  readonly unnamedKeywordBits: readonly number[];
}

/** Status bits c-client knows; anything else in a status field is damage. */
const KNOWN_STATUS = SYSTEM_BITS | FLAG_OLD | FLAG_EXPUNGED;

export interface SurveyOptions {
  /** Called now and then with the offset reached. */
  readonly onProgress?: (offset: number) => void;
}

/** Surveys the first `fileSize` bytes of the mbx file open on fd. */
export async function surveyMbx(fd: number, fileSize: number, mailbox: string, options: SurveyOptions = {}): Promise<MbxSurvey> {
  const block = Buffer.alloc(Math.min(HEADER_SIZE, fileSize));
  await readFully(fd, block, 0, block.length, 0);
  const header = inspectHeader(block);
  const walk = new Walk(new FileWindow(fd, fileSize), options);
  if (header.damage) {
    walk.problem(header.damage.offset, 'header', header.recognised
      ? `Damaged header block at ${header.damage.offset}: ${header.damage.detail}`
      : `Not a MBX-format mailbox: ${mailbox} (${header.damage.detail})`);
  }
  // a header block that lost bytes: the messages may start before 2048
  let start = Math.min(HEADER_SIZE, fileSize);
  if (header.damage) {
    const first = await walk.window.nextStrict(0);
    if (first !== undefined && first < start) start = first;
  }
  await walk.run(start);
  const messages = walk.messages;
  // the header's last UID bounds the UIDs only when its first 25 bytes are sound
  for (const f of judgeUids(messages, header.recognised ? header.uidLast : undefined)) walk.problem(messages.offset(f.index), 'uid', f.text);
  const unnamed = unnamedBits(messages, header);
  for (const { bit, count } of unnamed) {
    walk.problem(0, 'keywords', `${count} message(s) have keyword ${bit + 1}, which the header block does not name`);
  }
  return {
    fileSize,
    header,
    headerLength: start,
    messages,
    garbage: walk.garbage,
    problems: walk.problems,
    unnamedKeywordBits: unnamed.map((u) => u.bit),
  };
}

/** The 25 bytes c-client's probe checks: "*mbx*" CRLF, 16 hex digits, CRLF. */
const PROBE_LENGTH = 25;

/**
 * The file's first bytes are c-client's mbx probe with a few bytes damaged (at least 20 of
 * the 25 as c-client writes them): an mbx file whose header block was hit, not some other file.
 */
export function resemblesMbxHeader(head: Buffer): boolean {
  const magic = '*mbx*\r\n';
  let sound = 0;
  for (let i = 0; i < Math.min(head.length, PROBE_LENGTH); i++) {
    const c = head[i]!;
    if (i < 7 ? c === magic.charCodeAt(i) : i < 23 ? /[0-9a-fA-F]/.test(String.fromCharCode(c)) : c === (i === 23 ? 13 : 10)) sound++;
  }
  return sound >= PROBE_LENGTH - 5;
}

function unnamedBits(messages: SurveyedMessages, header: HeaderVerdict): { bit: number; count: number }[] {
  const counts = new Array<number>(MAX_KEYWORDS).fill(0);
  for (let i = 0; i < messages.count; i++) {
    const mask = messages.keywords(i);
    if (mask === 0) continue;
    for (let b = 0; b < 32; b++) if ((mask & (1 << b)) !== 0 && (b >= MAX_KEYWORDS || header.slots[b] === undefined)) counts[b] = (counts[b] ?? 0) + 1;
  }
  return counts.flatMap((count, bit) => (count > 0 ? [{ bit, count }] : []));
}

class Walk {
  readonly messages = new SurveyedMessages();
  readonly garbage: ByteRange[] = [];
  readonly problems: SurveyProblem[] = [];
  private nextProgress = 0;
  /** The written line found where the previous message ends (each line is read once). */
  private ahead: { pos: number; line: StrictLine } | undefined;

  constructor(readonly window: FileWindow, private readonly options: SurveyOptions) {}

  problem(offset: number, kind: ProblemKind, text: string): void {
    this.problems.push({ offset, kind, text });
  }

  async run(start: number): Promise<void> {
    const size = this.window.size;
    let pos = start;
    while (pos < size) {
      if (this.options.onProgress && pos >= this.nextProgress) {
        this.options.onProgress(pos);
        this.nextProgress = pos + (16 << 20);
      }
      const line = this.ahead?.pos === pos ? this.ahead.line : await this.window.strictAt(pos);
      this.ahead = undefined;
      pos = line ? await this.written(pos, line) : await this.damaged(pos);
    }
  }

  /** A line as c-client writes it at pos: the message, with its size checked against the file. */
  private async written(pos: number, line: StrictLine): Promise<number> {
    const size = this.window.size;
    const textStart = pos + line.lineLength;
    const declaredEnd = textStart + line.size;
    this.checkStatus(pos, line.status);
    const following = declaredEnd < size ? await this.window.strictAt(declaredEnd) : undefined;
    if (following) this.ahead = { pos: declaredEnd, line: following };
    if (declaredEnd === size || following) {
      this.messages.add({ offset: pos, lineLength: line.lineLength, size: line.size, uid: line.uid, status: line.status, keywords: line.keywords });
      return declaredEnd;
    }
    const next = await this.window.nextStrict(textStart);
    let end: number;
    let fix: SizeFix | undefined;
    if (declaredEnd > size) {
      this.problem(pos, 'size', `Last message (at ${pos}) runs past end of file (${declaredEnd} > ${size})`);
      end = next ?? size;
      fix = 'past-end';
    } else {
      const complaint = await this.complaint(declaredEnd);
      if (next !== undefined && next < declaredEnd) {
        if (await this.sizeOverInner(declaredEnd, next)) {
          end = declaredEnd;
        } else {
          this.problem(pos, 'size', `Message at ${pos}: its size (${line.size}) runs past the next internal header, at ${next}`
            + (complaint ? ` (c-client: ${complaint})` : ''));
          end = next;
          fix = 'too-large';
        }
      } else if (await this.sizeBelieved(textStart, declaredEnd, next)) {
        end = declaredEnd;
      } else {
        end = next ?? size;
        fix = 'too-small';
        this.problem(pos, 'size', `Message at ${pos}: its size (${line.size}) ends ${end - declaredEnd} byte(s) before `
          + (next === undefined ? 'the end of the file' : `the next internal header, at ${next}`)
          + (complaint ? ` (c-client: ${complaint})` : ' (c-client reads the rest as part of the next header line)'));
      }
    }
    if (end === textStart) {
      // nothing of the text is left: the line alone is no message (c-client refuses size 0)
      this.setAside(pos, end);
      return end;
    }
    this.messages.add({
      offset: pos, lineLength: line.lineLength, size: end - textStart, uid: line.uid, status: line.status, keywords: line.keywords,
      detail: fix ? { declaredSize: line.size, sizeFix: fix } : undefined,
    });
    return end;
  }

  /**
   * A size whose end is no written line is still right when a damaged header line starts
   * there (not merely a written line, `next`, a few bytes on), when the text it gives ends
   * with CRLF, or when the bytes around its end are NULs (a zeroed region: damage, not a
   * longer message).
   */
  private async sizeBelieved(textStart: number, end: number, next: number | undefined): Promise<boolean> {
    if (await this.damagedLineStarts(end, next)) return true;
    const before = await this.window.byteAt(end - 1);
    const after = await this.window.byteAt(end);
    if (before === 0 || after === 0) return true;
    return end - textStart >= 2 && before === 10 && (await this.window.byteAt(end - 2)) === 13;
  }

  /** A damaged but recognisable header line starts at pos, and ends before the next written line. */
  private async damagedLineStarts(pos: number, next: number | undefined): Promise<boolean> {
    if (pos >= this.window.size) return false;
    const i = await this.window.at(pos, MAX_LINE);
    const line = damagedLineAt(this.window.buf, i, this.window.avail(pos, MAX_LINE));
    return line !== undefined && (next === undefined || pos + line.lineLength <= next);
  }

  /**
   * A size that ends past a written line inside the text (`inner`) is right after all, and that
   * line is text (a message that quotes an mbx file), when it ends at the end of the file, or
   * just after a line end where a header line starts, or where the inner line's own size leads
   * nowhere. (The line end matters: a damaged line is also recognised from the end of a sound one.)
   */
  private async sizeOverInner(end: number, inner: number): Promise<boolean> {
    if (end === this.window.size) return true;
    if ((await this.window.byteAt(end - 1)) !== 10) return false;
    return (await this.headerLineStarts(end)) || (await this.leadsNowhere(inner));
  }

  /** A header line starts at pos: as c-client writes it, damaged but recognisable, or with a written date and its comma. */
  private async headerLineStarts(pos: number): Promise<boolean> {
    if ((await this.window.strictAt(pos)) !== undefined) return true;
    if (await this.damagedLineStarts(pos, await this.window.nextStrict(pos))) return true;
    const i = await this.window.at(pos, MAX_LINE);
    return this.window.avail(pos, MAX_LINE) > DATE_LENGTH && isWrittenDate(this.window.buf, i) && this.window.buf[i + DATE_LENGTH] === 0x2c;
  }

  /** The message of the written line at pos ends neither at the end of the file nor where a header line starts. */
  private async leadsNowhere(pos: number): Promise<boolean> {
    const line = (await this.window.strictAt(pos))!;
    const end = pos + line.lineLength + line.size;
    if (end === this.window.size) return false;
    return end > this.window.size || !(await this.headerLineStarts(end));
  }

  /** No written line at pos: a damaged line to repair, or bytes that are no message. */
  private async damaged(pos: number): Promise<number> {
    const size = this.window.size;
    const complaint = await this.complaint(pos);
    const i = await this.window.at(pos, MAX_LINE);
    const line = damagedLineAt(this.window.buf, i, this.window.avail(pos, MAX_LINE));
    const next = (await this.window.nextStrict(pos + 1)) ?? size;
    if (!line || pos + line.lineLength >= next) {
      this.problem(pos, 'line', complaint ?? `No internal header at ${pos}: ${await this.show(pos)}`);
      this.setAside(pos, next);
      return next;
    }
    this.problem(pos, 'line', complaint ?? `Internal header at ${pos} is not as c-client writes it: ${await this.show(pos)}`
      + (complaint ? '' : await this.whereCclientGoes(pos)));
    this.fieldProblems(pos, line, complaint);
    const textStart = pos + line.lineLength;
    let end = next;
    let fix: SizeFix | undefined = 'unreadable';
    if (line.size !== undefined) {
      const sizeEnd = textStart + line.size;
      const believed = sizeEnd <= next
        ? sizeEnd === next || (await this.sizeBelieved(textStart, sizeEnd, next))
        : sizeEnd <= size && (await this.sizeOverInner(sizeEnd, next));
      if (believed) {
        end = sizeEnd;
        fix = undefined;
      }
    }
    if (fix) {
      this.problem(pos, 'size', line.size === undefined
        ? `Message at ${pos}: its size cannot be read; its text ends at ${end === size ? 'the end of the file' : `the next internal header, at ${end}`}`
        : `Message at ${pos}: its size (${line.size}) does not end at an internal header; its text ends at ${end === size ? 'the end of the file' : `the next internal header, at ${end}`}`);
    }
    this.checkStatus(pos, line.status);
    this.messages.add({
      offset: pos, lineLength: line.lineLength, size: end - textStart, uid: line.uid, status: line.status, keywords: line.keywords,
      detail: { line, ...(fix ? { sizeFix: fix, ...(line.size !== undefined ? { declaredSize: line.size } : {}) } : {}) },
    });
    return end;
  }

  /** c-client's words for the fields of a damaged line its first complaint did not name. */
  private fieldProblems(pos: number, line: DamagedLine, complaint: string | undefined): void {
    const said = (what: string): boolean => complaint?.startsWith(`Unable to parse message ${what} at`) ?? false;
    if (!line.date && !said('date')) this.problem(pos, 'line', dateError(pos, line.dateText).detail);
    if (line.flagsDamaged && !said('flags')) this.problem(pos, 'flags', `Unable to parse message flags at ${pos}`);
    if (line.uid === undefined && !said('UID')) this.problem(pos, 'uid', `Unable to parse message UID at ${pos}`);
  }

  private checkStatus(pos: number, status: number): void {
    const unknown = status & ~KNOWN_STATUS;
    if (unknown !== 0) this.problem(pos, 'flags', `Message at ${pos} has flag bits c-client does not use: ${hex4(unknown)}`);
  }

  private setAside(from: number, to: number): void {
    const last = this.garbage[this.garbage.length - 1];
    if (last && last.offset + last.length === from) this.garbage[this.garbage.length - 1] = { offset: last.offset, length: last.length + to - from };
    else this.garbage.push({ offset: from, length: to - from });
  }

  /** What c-client says when it expects a header line at pos (undefined: it reads one there). */
  private async complaint(pos: number): Promise<string | undefined> {
    const size = this.window.size;
    const i = await this.window.at(pos, MAX_LINE);
    const avail = this.window.avail(pos, MAX_LINE);
    const buf = this.window.buf;
    const show = (a: number, b: number): string => buf.toString('utf8', i + a, i + b);
    try {
      const parsed = parseLine(buf.toString('latin1', i, i + avail), pos, size, show, false);
      if ('skipTo' in parsed) return `Unable to parse message size at ${pos}: ${await this.show(pos)}`;
      const e = parsed.entry;
      if ((e.status & FLAG_EXPUNGED) === 0 && !parseCClientDate(e.date)) return dateError(pos, e.date).detail;
      return undefined;
    } catch (e) {
      if (e instanceof EntryError) return e.detail;
      throw e;
    }
  }

  /**
   * For a line c-client reads although it is not as c-client writes it (a size `12x` read as 12):
   * what c-client then says, where its reading of the line sends it.
   */
  private async whereCclientGoes(pos: number): Promise<string> {
    const size = this.window.size;
    const i = await this.window.at(pos, MAX_LINE);
    const avail = this.window.avail(pos, MAX_LINE);
    const parsed = parseLine(this.window.buf.toString('latin1', i, i + avail), pos, size, () => '', false);
    if ('skipTo' in parsed) return '';
    const next = parsed.entry.offset + parsed.entry.lineLength + parsed.entry.size;
    const then = next < size ? await this.complaint(next) : undefined;
    return then ? ` (c-client reads it with size ${parsed.entry.size}, then: ${then})` : '';
  }

  /** The bytes at pos as c-client shows them in an error (up to a line end, a NUL or 64 bytes). */
  private async show(pos: number): Promise<string> {
    const i = await this.window.at(pos, MAX_LINE);
    const buf = this.window.buf;
    let j = i;
    const limit = i + this.window.avail(pos, MAX_LINE);
    while (j < limit && buf[j] !== 0 && buf[j] !== 13 && buf[j] !== 10) j++;
    return buf.toString('utf8', i, j);
  }
}
