// MessageRecord for a unix or mmdf message held in memory: size and text are
// computed when first asked for, from the stored bytes.
import type { MailDate } from '../../mail/dates.js';
import { bitsToFlags, type SystemFlag } from '../../mail/flags.js';
import type { MessageRecord } from '../../store/types.js';
import { countMboxrdQuoted, unquoteMboxrd } from './quoting.js';
import { countByte, internalText } from './text.js';

const LF = 0x0a;
const CR = 0x0d;

export interface RecordFields {
  readonly seq: number;
  readonly uid: number;
  readonly internalDate: MailDate;
  /** System flag bits. */
  readonly flags: number;
  readonly keywords: readonly string[];
  readonly recent: boolean;
  readonly position: number;
  /** RFC822.SIZE of the header, as the parse counted it. */
  readonly headerSize: number;
  /** From_ line, header and text as stored (separator excluded). */
  readonly data: Buffer;
  readonly fromLength: number;
  readonly headerLength: number;
  /** The file is mboxrd: one ">" comes off every body line matching ^>+From . */
  readonly mboxrd?: boolean;
}

export class BerkeleyMessageRecord implements MessageRecord {
  readonly seq: number;
  readonly uid: number;
  readonly internalDate: MailDate;
  readonly flags: readonly SystemFlag[];
  readonly keywords: readonly string[];
  readonly recent: boolean;
  readonly position: number;
  private readonly headerSize: number;
  /** Header and text as stored. */
  private readonly stored: Buffer;
  private readonly headerLength: number;
  private readonly mboxrd: boolean;
  private bodySize = -1;

  constructor(f: RecordFields) {
    this.seq = f.seq;
    this.uid = f.uid;
    this.internalDate = f.internalDate;
    this.flags = bitsToFlags(f.flags);
    this.keywords = f.keywords;
    this.recent = f.recent;
    this.position = f.position;
    this.headerSize = f.headerSize;
    this.stored = f.data.subarray(f.fromLength);
    this.headerLength = f.headerLength;
    this.mboxrd = f.mboxrd ?? false;
  }

  /** RFC822.SIZE as c-client computes it while parsing (the header's part of it is known already). */
  get size(): number {
    if (this.bodySize < 0) {
      const body = this.stored.subarray(this.headerLength);
      this.bodySize = body.length + countByte(body, LF) - countByte(body, CR);
      if (this.mboxrd) this.bodySize -= countMboxrdQuoted(body, 0, body.length);
    }
    return this.headerSize + this.bodySize;
  }

  async text(): Promise<Buffer> {
    const converted = internalText(this.stored, this.headerLength);
    const text = this.mboxrd ? unquoteMboxrd(converted.text, converted.headerLength) : converted.text;
    this.bodySize = text.length - converted.headerLength;
    return text;
  }
}
