// What an MH folder cannot keep of an appended message (formats-dir.md 4.7):
// every flag and keyword, the UID, the internal date's zone, and CR bytes that
// do not end a line. Counted per kind and detail, or, strictly, refused.
import { formatInternalDate } from '../../mail/dates.js';
import type { NewMessage } from '../../store/types.js';
import { LossTally } from '../shared/loss-tally.js';

export class MhLosses {
  private readonly tally: LossTally;

  constructor(private readonly mailbox: string, private readonly keepUids: boolean, strict: boolean) {
    this.tally = new LossTally(strict);
  }

  get byKind(): LossTally['byKind'] {
    return this.tally.byKind;
  }

  /** Everything this message loses except bare CRs (known only once the text is converted). */
  check(msg: NewMessage): void {
    for (const flag of new Set(msg.flags)) {
      this.tally.lose('flag', flag, `${this.mailbox} can't hold the flag ${flag}: MH folders store no flags`);
    }
    for (const keyword of new Set(msg.keywords)) {
      this.tally.lose('keyword', keyword, `${this.mailbox} can't hold the keyword ${keyword}: MH folders store no keywords`);
    }
    if (this.keepUids && msg.uid !== undefined) {
      this.tally.lose('uid', 'mh keeps no UIDs', `${this.mailbox} can't keep UID ${msg.uid}: MH folders keep no UIDs`);
    }
    if (msg.internalDate.zone !== 0) {
      const zone = formatInternalDate(msg.internalDate).slice(-5);
      this.tally.lose('date-zone', 'zone other than +0000', `${this.mailbox} can't keep the zone ${zone} of an internal date: MH keeps the time in UTC only`);
    }
  }

  bareCr(): void {
    this.tally.lose('bare-cr', 'bare CR', `${this.mailbox} can't hold a CR that does not end a line: MH folders store LF text`);
  }
}
