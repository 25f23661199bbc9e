// What an append writes for each message (formats-flat.md 5.4, 6): the header line
// with the message's date, stored size and flags (no "old" bit: the message is
// \Recent), then the bytes (tenex: without CR); and what the format could not keep.
// Written through one large buffer; a text too large for it goes straight to the file.
import { formatInternalDate, parseCClientDate } from '../../mail/dates.js';
import { LossyCopy, Unsupported } from '../../errors.js';
import { writeBehind } from '../../io/fd.js';
import { flagsToBits } from '../../mail/flags.js';
import type { AppendOptions, LossKind, NewMessage } from '../../store/types.js';
import { formatHeaderLine } from './header-line.js';
import { withoutCr } from './lf-text.js';
import type { Layout } from './layout.js';
import { tuning } from './tuning.js';

/** One message ready to write: its header line and its bytes as stored (tenex: a latin1 string). */
export interface Entry {
  readonly line: string;
  readonly body: Buffer | string;
}

/** Turns messages into entries, counting what they lose; under strict, the first loss throws. */
export class AppendPlan {
  readonly losses = new Map<LossKind, Map<string, number>>();
  private readonly keepUids: boolean;
  private readonly strict: boolean;

  constructor(private readonly layout: Layout, private readonly mailbox: string, options: AppendOptions) {
    this.keepUids = options.keepUids ?? false;
    this.strict = options.strict ?? false;
  }

  /** `position`: where the message lands (1-based), which is its UID in every later session. */
  entryFor(msg: NewMessage, position: number): Entry {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    const { stored: body, bareCr } = this.layout.lfText ? withoutCr(msg.text) : { stored: msg.text, bareCr: false };
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
    if (this.strict) throw new LossyCopy(`--strict: ${this.mailbox} (${this.layout.format}) cannot hold ${what}; nothing was written`);
    let perDetail = this.losses.get(kind);
    if (!perDetail) this.losses.set(kind, (perDetail = new Map()));
    perDetail.set(detail, (perDetail.get(detail) ?? 0) + 1);
  }
}

/** Appends entries at the end of the file through one large buffer. */
export class AppendWriter {
  private readonly buf: Buffer;
  private used = 0;
  /** File position of buf[0]. */
  private pos: number;

  constructor(private readonly fd: number, start: number) {
    this.buf = Buffer.allocUnsafe(tuning.chunkSize);
    this.pos = start;
  }

  async add(e: Entry): Promise<void> {
    const cap = this.buf.length;
    const n = e.body.length;
    if (this.used + e.line.length + n > cap) await this.flush();
    this.used += this.buf.write(e.line, this.used, 'latin1');
    if (n > cap - this.used) {
      await this.flush();
      const bytes = typeof e.body === 'string' ? Buffer.from(e.body, 'latin1') : e.body;
      await writeBehind(this.fd, bytes, 0, n, this.pos);
      this.pos += n;
    } else if (typeof e.body === 'string') {
      this.used += this.buf.write(e.body, this.used, 'latin1');
    } else {
      this.used += e.body.copy(this.buf, this.used);
    }
  }

  async flush(): Promise<void> {
    if (this.used === 0) return;
    await writeBehind(this.fd, this.buf, 0, this.used, this.pos);
    this.pos += this.used;
    this.used = 0;
  }
}
