// What an append writes (formats-dir.md 2.10): for each message a 45-byte
// ":msg:" line and the text, at the end of the current data file; the index
// records that describe them; keyword bits from
// the mailbox's list (names it lacks are added while there is room, where
// c-client would drop them); UIDs from the last UID on, or kept.
import { Unsupported } from '../../errors.js';
import { flagsToBits } from '../../mail/flags.js';
import type { AppendOptions, NewMessage } from '../../store/types.js';
import { keywordMask } from '../shared/keyword-mask.js';
import { LossTally } from '../shared/loss-tally.js';
import { formatIndexDate, fromMailDate } from './dates.js';
import { isStorableKeyword, MAX_KEYWORDS } from './meta.js';
import { hex8 } from './numbers.js';
import type { MixMessage } from './table.js';

/** c-client's ":msg:" line: token, UID, internal date, size. */
export function msgLine(uid: number, date: string, size: number): string {
  return `:msg:${hex8(uid)}:${date}:${hex8(size)}:\r\n`;
}

/** The ":msg:" line of a message as its index record describes it. */
export function msgLineOf(m: MixMessage): string {
  return msgLine(m.uid, formatIndexDate(m.date), m.size);
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
  readonly losses: LossTally;
  readonly keywords: string[];
  uidLast: number;
  private readonly keepUids: boolean;

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
    this.losses = new LossTally(options.strict ?? false);
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
        this.losses.lose('uid', 'not above the previous UID',
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
    return keywordMask(names, {
      mailbox: this.mailbox,
      kind: 'a mix mailbox',
      max: MAX_KEYWORDS,
      storable: isStorableKeyword,
      bitFor: (name) => {
        const bit = this.keywords.findIndex((k) => k.toLowerCase() === name.toLowerCase());
        if (bit >= 0 || !isStorableKeyword(name) || this.keywords.length >= MAX_KEYWORDS) return bit;
        return this.keywords.push(name) - 1;
      },
    }, this.losses);
  }
}
