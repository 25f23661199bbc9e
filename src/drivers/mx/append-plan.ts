// What an mx append gives each message (formats-dir.md 3.6, 3.7): its UID (the
// next one, or the kept one), its keyword bits (creating names the mailbox
// lacks while there is room, as c-client does), its flags and its file times;
// and what could not be kept.
import { Unsupported } from '../../errors.js';
import { formatInternalDate } from '../../mail/dates.js';
import { flagsToBits, isValidKeyword } from '../../mail/flags.js';
import type { AppendOptions, NewMessage } from '../../store/types.js';
import { keywordMask } from '../shared/keyword-mask.js';
import { LossTally } from '../shared/loss-tally.js';
import { freeSlot, keywordBit } from './keywords.js';
import { MAX_KEYWORDS, type MxState } from './mxindex.js';
import { MAX_UID } from './names.js';

/** One detail for every zone, so that the loss is reported once. */
const ZONE_LOST = 'zone other than +0000';

export interface PlannedMessage {
  readonly uid: number;
  readonly keywords: number;
  readonly flags: number;
  /** The internal date as the file's mtime: UTC seconds (the zone is not kept). */
  readonly mtime: number;
}

export class AppendPlan {
  readonly uids: number[] = [];
  readonly losses: LossTally;
  /** A keyword was added to the mailbox's list. */
  slotsChanged = false;
  /** UID of the last message file: a kept UID must be above it. */
  private lastUid: number;
  private readonly keepUids: boolean;

  constructor(private readonly state: MxState, options: AppendOptions, private readonly mailbox: string) {
    this.lastUid = state.uids.length > 0 ? state.uids[state.uids.length - 1]! : 0;
    this.keepUids = options.keepUids ?? false;
    this.losses = new LossTally(options.strict ?? false);
  }

  next(msg: NewMessage): PlannedMessage {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    if (msg.internalDate.zone !== 0) {
      const zone = formatInternalDate(msg.internalDate).slice(-5);
      this.losses.lose('date-zone', ZONE_LOST, `${this.mailbox} can't keep the zone ${zone} of an internal date: mx keeps the time in UTC only`);
    }
    const keywords = this.keywordMask(msg.keywords);
    const uid = this.uidFor(msg);
    this.lastUid = uid;
    this.uids.push(uid);
    if (uid > this.state.uidLast) this.state.uidLast = uid;
    return { uid, keywords, flags: flagsToBits(msg.flags), mtime: Math.floor(msg.internalDate.ms / 1000) };
  }

  /**
   * The next UID is one above the last UID and above every file (c-client takes L+1 and fails
   * if a file is there); a kept UID must be above the last file's.
   */
  private uidFor(msg: NewMessage): number {
    if (this.keepUids && msg.uid !== undefined && msg.uid > this.lastUid && msg.uid <= MAX_UID) return msg.uid;
    if (this.keepUids && msg.uid !== undefined) {
      this.losses.lose('uid', 'not above the previous UID',
        `${this.mailbox} can't keep UID ${msg.uid}: it is not above the UID before it (${this.lastUid})`);
    }
    const uid = Math.max(this.lastUid, this.state.uidLast) + 1;
    if (uid > MAX_UID) throw new Unsupported(`${this.mailbox}: no UIDs left (the last UID is ${MAX_UID})`);
    return uid;
  }

  private keywordMask(names: readonly string[]): number {
    const slots = this.state.slots;
    return keywordMask(names, {
      mailbox: this.mailbox,
      kind: 'an mx mailbox',
      max: MAX_KEYWORDS,
      storable: isValidKeyword,
      bitFor: (name) => {
        const found = keywordBit(slots, name);
        if (found >= 0 || !isValidKeyword(name)) return found;
        // the first free slot (the list can have holes)
        const bit = freeSlot(slots);
        if (bit >= 0) {
          slots[bit] = name;
          this.slotsChanged = true;
        }
        return bit;
      },
    }, this.losses);
  }
}
