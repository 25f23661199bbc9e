// What an append writes (formats-dir.md 2.10): for each message a 45-byte
// ":msg:" line and the text, at the end of the current data file, through
// one large buffer; the index records that describe them; keyword bits from
// the mailbox's list (names it lacks are added while there is room, where
// c-client would drop them); UIDs from the last UID on, or kept.
import { LossyCopy, Unsupported } from '../../errors.js';
import { writeBehind } from '../../io/fd.js';
import { flagsToBits } from '../../mail/flags.js';
import type { AppendOptions, LossKind, NewMessage } from '../../store/types.js';
import { formatIndexDate, fromMailDate } from './dates.js';
import { tuning } from './tuning.js';
import { isStorableKeyword, MAX_KEYWORDS } from './meta.js';
import { hex8 } from './numbers.js';
import type { MixMessage } from './table.js';

/** c-client's ":msg:" line: token, UID, internal date, size. */
export function msgLine(uid: number, date: string, size: number): string {
  return `:msg:${hex8(uid)}:${date}:${hex8(size)}:\r\n`;
}

/** Length of every ":msg:" line c-client writes (its header offset, `hoff`). */
export const MSG_LINE_LENGTH = 45;

/**
 * Length of the header, blank line included, found as c-client's mix_append_msg finds it: a
 * small state machine looking for CR LF CR LF that starts over (rather than at CR) after a
 * CR that does not continue the pattern. The whole text when there is no blank line.
 */
export function headerSize(text: Buffer): number {
  let cs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    switch (cs) {
      case 0:
        if (c === 13) cs = 1;
        break;
      case 1:
        cs = c === 10 ? 2 : 0;
        break;
      case 2:
        cs = c === 13 ? 3 : 0;
        break;
      default:
        if (c === 10) return i + 1;
        cs = 0;
    }
  }
  return text.length;
}

/** Keyword bits, UIDs and losses for the messages of one append. */
export class AppendPlan {
  readonly uids: number[] = [];
  readonly losses = new Map<LossKind, Map<string, number>>();
  readonly keywords: string[];
  uidLast: number;
  private readonly keepUids: boolean;
  private readonly strict: boolean;

  constructor(
    keywords: readonly string[],
    uidLast: number,
    /** UID of the last message in the index: a kept UID must be above it. */
    private lastUid: number,
    options: AppendOptions,
    private readonly mailbox: string,
  ) {
    this.keywords = [...keywords];
    this.uidLast = uidLast;
    this.keepUids = options.keepUids ?? false;
    this.strict = options.strict ?? false;
  }

  /** The index record of the message, placed at `pos` of data file `file`, stamped with `modseq`. */
  record(msg: NewMessage, file: number, pos: number, modseq: number): MixMessage {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    return {
      uid: this.uid(msg),
      date: fromMailDate(msg.internalDate),
      size: msg.text.length,
      file,
      pos,
      hoff: MSG_LINE_LENGTH,
      hsiz: headerSize(msg.text),
      keywords: this.keywordMask(msg.keywords),
      // no "old" bit: the message is \Recent for the next session
      flags: flagsToBits(msg.flags),
      modseq,
    };
  }

  private uid(msg: NewMessage): number {
    let uid: number;
    if (this.keepUids && msg.uid !== undefined && msg.uid > this.lastUid && msg.uid <= 0xffffffff) {
      uid = msg.uid;
    } else {
      if (this.keepUids && msg.uid) {
        this.lose('uid', 'not above the previous UID',
          `${this.mailbox} can't keep UID ${msg.uid}: it is not above the UID before it (${this.lastUid})`);
      }
      uid = Math.max(this.lastUid, this.uidLast) + 1;
    }
    // .mixmeta's last UID never stays below a UID in the index, or c-client would call it damage
    this.uidLast = Math.max(this.uidLast, uid);
    this.lastUid = uid;
    this.uids.push(uid);
    return uid;
  }

  private keywordMask(names: readonly string[]): number {
    let mask = 0;
    for (const name of new Set(names)) {
      let bit = this.keywords.findIndex((k) => k.toLowerCase() === name.toLowerCase());
      if (bit < 0 && isStorableKeyword(name) && this.keywords.length < MAX_KEYWORDS) bit = this.keywords.push(name) - 1;
      if (bit >= 0) mask |= 1 << bit;
      else {
        this.lose('keyword', name, isStorableKeyword(name)
          ? `${this.mailbox} can't hold the keyword ${name}: a mix mailbox has at most ${MAX_KEYWORDS} keywords`
          : `${this.mailbox} can't hold the keyword ${JSON.stringify(name)}: not a valid IMAP keyword`);
      }
    }
    return mask >>> 0;
  }

  private lose(kind: LossKind, detail: string, strictText: string): void {
    if (this.strict) throw new LossyCopy(strictText);
    let perDetail = this.losses.get(kind);
    if (!perDetail) this.losses.set(kind, (perDetail = new Map()));
    perDetail.set(detail, (perDetail.get(detail) ?? 0) + 1);
  }
}

/** Appends ":msg:" lines and texts at the end of a data file through one large buffer. */
export class DataWriter {
  private readonly buf: Buffer;
  private used = 0;
  /** File position of buf[0]. */
  private pos: number;

  constructor(private readonly fd: number, start: number) {
    this.buf = Buffer.allocUnsafe(tuning.chunkSize);
    this.pos = start;
  }

  /** File position after everything added so far. */
  get end(): number {
    return this.pos + this.used;
  }

  async add(m: MixMessage, text: Buffer): Promise<void> {
    const line = msgLine(m.uid, formatIndexDate(m.date), m.size);
    if (this.used + line.length + text.length > this.buf.length) await this.flush();
    this.used += this.buf.write(line, this.used, 'latin1');
    if (text.length > this.buf.length - this.used) {
      await this.flush();
      await writeBehind(this.fd, text, 0, text.length, this.pos);
      this.pos += text.length;
    } else {
      this.used += text.copy(this.buf, this.used);
    }
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeBehind(this.fd, this.buf, 0, this.used, this.pos);
    this.pos += this.used;
    this.used = 0;
  }
}
