// What an append writes for each message (formats-flat.md 5.4, 6): the header line
// with the message's date, stored size and flags (no "old" bit: the message is
// \Recent), then the bytes (tenex: without CR); and what the format could not keep.
import { formatInternalDate, parseCClientDate } from '../../mail/dates.js';
import { Unsupported } from '../../errors.js';
import { flagsToBits } from '../../mail/flags.js';
import type { AppendOptions, LossKind, NewMessage } from '../../store/types.js';
import { cannotHold, LossTally } from '../shared/loss-tally.js';
import { formatHeaderLine } from './header-line.js';
import { hasBareCr, withoutCr } from '../shared/crlf.js';
import type { Layout } from './layout.js';

/** One message ready to write: its header line and its bytes as stored (tenex: without CR). */
export interface Entry {
  readonly line: string;
  readonly body: Buffer;
}

/** Turns messages into entries, counting what they lose; under strict, the first loss throws. */
export class AppendPlan {
  readonly losses: LossTally;
  private readonly keepUids: boolean;

  constructor(private readonly layout: Layout, private readonly mailbox: string, options: AppendOptions) {
    this.keepUids = options.keepUids ?? false;
    this.losses = new LossTally(options.strict ?? false);
  }

  /** `position`: where the message lands (1-based), which is its UID in every later session. */
  entryFor(msg: NewMessage, position: number): Entry {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    const body = this.layout.lfText ? withoutCr(msg.text) : msg.text;
    const bareCr = this.layout.lfText && hasBareCr(msg.text);
    // c-client would write SIZE 0, which no reader accepts
    if (body.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message (it holds nothing but CR bytes)`);
    // a date c-client cannot read back would make the whole file unreadable
    const date = formatInternalDate(msg.internalDate);
    if (!parseCClientDate(date, 0)) throw new Unsupported(`${this.mailbox}: Bad date in append: ${date}`);
    for (const name of new Set(msg.keywords)) {
      this.lose('keyword', name, `the keyword ${name} (it has no keywords)`);
    }
    // a UID that is the message's position anyway (a copy from mtx or tenex) is kept as well as it can be
    if (this.keepUids && msg.uid !== undefined && msg.uid !== position) {
      this.lose('uid', 'UIDs are message positions', `UID ${msg.uid} (its UIDs are message positions)`);
    }
    if (bareCr) this.lose('bare-cr', 'CR not followed by LF', 'a CR not followed by LF');
    return { line: formatHeaderLine(this.layout, date, body.length, flagsToBits(msg.flags)), body };
  }

  private lose(kind: LossKind, detail: string, what: string): void {
    this.losses.lose(kind, detail, cannotHold(this.mailbox, this.layout.format, what));
  }
}
