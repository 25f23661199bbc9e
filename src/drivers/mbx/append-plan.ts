// What an append writes for each message: the header line (keyword bits from the
// mailbox's list, adding names it lacks while there is room; UID 0, or the kept
// UID), the header changes that must reach the file first, and what could not
// be kept (formats-flat.md 4.5).
import { Unsupported } from '../../errors.js';
import { flagsToBits, isValidKeyword } from '../../mail/flags.js';
import type { AppendOptions, NewMessage } from '../../store/types.js';
import { keywordMask, type KeywordList } from '../shared/keyword-mask.js';
import { LossTally } from '../shared/loss-tally.js';
import { formatEntry } from './entry.js';
import { keywordBit, MAX_KEYWORDS, type MbxHeader } from './header.js';

/** What an append writes: keyword bits, UIDs and the header changes they need, and the losses. */
export class AppendPlan {
  headerDirty = false;
  readonly uids: number[] = [];
  readonly losses: LossTally;
  private readonly slots: string[];
  private uidLast: number;
  private readonly keepUids: boolean;
  /** The header's keyword list, which an append may add names to. */
  private readonly keywordList: KeywordList;

  constructor(private readonly header: MbxHeader, options: AppendOptions, private lastUid: number, private readonly mailbox: string) {
    this.slots = [...header.slots];
    this.uidLast = header.uidLast;
    this.keepUids = options.keepUids ?? false;
    this.losses = new LossTally(options.strict ?? false);
    this.keywordList = {
      mailbox,
      kind: 'an mbx mailbox',
      max: MAX_KEYWORDS,
      storable: isValidKeyword,
      bitFor: (name) => {
        const bit = keywordBit(this.slots, name);
        if (bit >= 0 || !isValidKeyword(name) || this.slots.length >= MAX_KEYWORDS) return bit;
        this.headerDirty = true;
        return this.slots.push(name) - 1;
      },
    };
  }

  headerNow(): { uidValidity: number; uidLast: number; slots: readonly string[] } {
    return { uidValidity: this.header.uidValidity, uidLast: this.uidLast, slots: this.slots };
  }

  entryFor(msg: NewMessage): { line: string; text: Buffer } {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    const mask = keywordMask(msg.keywords, this.keywordList, this.losses);
    let uid = 0;
    if (this.keepUids) {
      if (msg.uid !== undefined && msg.uid > this.lastUid && msg.uid <= 0xffffffff) uid = msg.uid;
      else {
        if (msg.uid) {
          this.losses.lose('uid', 'not above the previous UID',
            `${this.mailbox} can't keep UID ${msg.uid}: it is not above the UID before it (${this.lastUid})`);
        }
        uid = Math.max(this.lastUid, this.uidLast) + 1;
      }
      // the header's last UID never stays below a stored UID, or c-client would renumber
      if (uid > this.uidLast) {
        this.uidLast = uid;
        this.headerDirty = true;
      }
      this.lastUid = uid;
      this.uids.push(uid);
    }
    const line = formatEntry(msg.internalDate, msg.text.length, mask, flagsToBits(msg.flags), uid);
    return { line, text: msg.text };
  }
}
