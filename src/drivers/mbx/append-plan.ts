// What an append writes for each message: the header line (keyword bits from the
// mailbox's list, adding names it lacks while there is room; UID 0, or the kept
// UID), the header changes that must reach the file first, and what could not
// be kept (formats-flat.md 4.5).
import { LossyCopy, Unsupported } from '../../errors.js';
import { flagsToBits, isValidKeyword } from '../../mail/flags.js';
import type { AppendOptions, LossKind, NewMessage } from '../../store/types.js';
import { formatEntry } from './entry.js';
import { keywordBit, MAX_KEYWORDS, type MbxHeader } from './header.js';

/** What an append writes: keyword bits, UIDs and the header changes they need, and the losses. */
export class AppendPlan {
  headerDirty = false;
  readonly uids: number[] = [];
  readonly losses = new Map<LossKind, Map<string, number>>();
  private readonly slots: string[];
  private uidLast: number;
  private readonly keepUids: boolean;
  private readonly strict: boolean;

  constructor(private readonly header: MbxHeader, options: AppendOptions, private lastUid: number, private readonly mailbox: string) {
    this.slots = [...header.slots];
    this.uidLast = header.uidLast;
    this.keepUids = options.keepUids ?? false;
    this.strict = options.strict ?? false;
  }

  headerNow(): { uidValidity: number; uidLast: number; slots: readonly string[] } {
    return { uidValidity: this.header.uidValidity, uidLast: this.uidLast, slots: this.slots };
  }

  entryFor(msg: NewMessage): { line: string; text: Buffer } {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    let mask = 0;
    for (const name of new Set(msg.keywords)) {
      let bit = keywordBit(this.slots, name);
      if (bit < 0 && isValidKeyword(name) && this.slots.length < MAX_KEYWORDS) {
        bit = this.slots.push(name) - 1;
        this.headerDirty = true;
      }
      if (bit >= 0) mask |= 1 << bit;
      else {
        this.lose('keyword', name, isValidKeyword(name)
          ? `${this.mailbox} can't hold the keyword ${name}: an mbx mailbox has at most ${MAX_KEYWORDS} keywords`
          : `${this.mailbox} can't hold the keyword ${JSON.stringify(name)}: not a valid IMAP keyword`);
      }
    }
    let uid = 0;
    if (this.keepUids) {
      if (msg.uid !== undefined && msg.uid > this.lastUid && msg.uid <= 0xffffffff) uid = msg.uid;
      else {
        if (msg.uid) {
          this.lose('uid', 'not above the previous UID',
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
    const line = formatEntry(msg.internalDate, msg.text.length, mask >>> 0, flagsToBits(msg.flags), uid);
    return { line, text: msg.text };
  }

  private lose(kind: LossKind, detail: string, strictText: string): void {
    if (this.strict) throw new LossyCopy(strictText);
    let perDetail = this.losses.get(kind);
    if (!perDetail) this.losses.set(kind, (perDetail = new Map()));
    perDetail.set(detail, (perDetail.get(detail) ?? 0) + 1);
  }
}
