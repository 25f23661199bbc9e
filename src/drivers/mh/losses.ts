// What an MH folder cannot keep of an appended message (formats-dir.md 4.7):
// every flag and keyword, the UID, the internal date's zone, and CR bytes that
// do not end a line. Counted per kind and detail, or, strictly, refused.
import { LossyCopy } from '../../errors.js';
import { formatInternalDate } from '../../mail/dates.js';
import type { LossKind, NewMessage } from '../../store/types.js';

export class MhLosses {
  readonly byKind = new Map<LossKind, Map<string, number>>();

  constructor(private readonly mailbox: string, private readonly keepUids: boolean, private readonly strict: boolean) {}

  /** Everything this message loses except bare CRs (known only once the text is converted). */
  check(msg: NewMessage): void {
    for (const flag of new Set(msg.flags)) {
      this.lose('flag', flag, `${this.mailbox} can't hold the flag ${flag}: MH folders store no flags`);
    }
    for (const keyword of new Set(msg.keywords)) {
      this.lose('keyword', keyword, `${this.mailbox} can't hold the keyword ${keyword}: MH folders store no keywords`);
    }
    if (this.keepUids && msg.uid !== undefined) {
      this.lose('uid', 'mh keeps no UIDs', `${this.mailbox} can't keep UID ${msg.uid}: MH folders keep no UIDs`);
    }
    if (msg.internalDate.zone !== 0) {
      const zone = formatInternalDate(msg.internalDate).slice(-5);
      this.lose('date-zone', 'zone other than +0000', `${this.mailbox} can't keep the zone ${zone} of an internal date: MH keeps the time in UTC only`);
    }
  }

  bareCr(): void {
    this.lose('bare-cr', 'bare CR', `${this.mailbox} can't hold a CR that does not end a line: MH folders store LF text`);
  }

  private lose(kind: LossKind, detail: string, strictText: string): void {
    if (this.strict) throw new LossyCopy(strictText);
    let perDetail = this.byKind.get(kind);
    if (!perDetail) this.byKind.set(kind, (perDetail = new Map()));
    perDetail.set(detail, (perDetail.get(detail) ?? 0) + 1);
  }
}
