// What .mixindex and .mixstatus say about every message, in typed arrays (a
// few dozen bytes per message, not an object each), in index order, which is
// ascending UID order.
import { findAscending } from '../shared/find-ascending.js';
import { widened } from '../shared/widened.js';
import type { IndexDate } from './dates.js';

/** One message: its .mixindex record and its .mixstatus record. */
export interface MixMessage {
  readonly uid: number;
  readonly date: IndexDate;
  /** RFC822.SIZE: bytes of text stored after the ":msg:" line. */
  readonly size: number;
  /** Number of the data file. */
  readonly file: number;
  /** Offset of the ":msg:" line in the data file. */
  readonly pos: number;
  /** Length of the ":msg:" line (45 in every file c-client writes). */
  readonly hoff: number;
  /** Length of the message's header, blank line included. */
  readonly hsiz: number;
  readonly keywords: number;
  /** System flag bits and "old" (0x10), as .mixstatus stores them. */
  readonly flags: number;
  /** Sequence value at which the flags last changed; 0 = no status record yet. */
  readonly modseq: number;
}

export class MessageTable {
  count = 0;
  private uids: Uint32Array;
  private dateDigits: Float64Array;
  private dateZones: Uint16Array;
  private sizes: Float64Array;
  private files: Float64Array;
  private positions: Float64Array;
  private hoffs: Float64Array;
  private hsizs: Float64Array;
  private keywordMasks: Uint32Array;
  private flagBits: Uint16Array;
  private modseqs: Float64Array;

  constructor(capacity = 256) {
    const n = Math.max(capacity, 16);
    this.uids = new Uint32Array(n);
    this.dateDigits = new Float64Array(n);
    this.dateZones = new Uint16Array(n);
    this.sizes = new Float64Array(n);
    this.files = new Float64Array(n);
    this.positions = new Float64Array(n);
    this.hoffs = new Float64Array(n);
    this.hsizs = new Float64Array(n);
    this.keywordMasks = new Uint32Array(n);
    this.flagBits = new Uint16Array(n);
    this.modseqs = new Float64Array(n);
  }

  push(m: MixMessage): void {
    if (this.count === this.uids.length) this.grow(this.count * 2);
    const i = this.count++;
    this.uids[i] = m.uid;
    this.dateDigits[i] = m.date.digits;
    this.dateZones[i] = m.date.zone;
    this.sizes[i] = m.size;
    this.files[i] = m.file;
    this.positions[i] = m.pos;
    this.hoffs[i] = m.hoff;
    this.hsizs[i] = m.hsiz;
    this.keywordMasks[i] = m.keywords;
    this.flagBits[i] = m.flags;
    this.modseqs[i] = m.modseq;
  }

  get(i: number): MixMessage {
    return {
      uid: this.uids[i]!,
      date: { digits: this.dateDigits[i]!, zone: this.dateZones[i]! },
      size: this.sizes[i]!,
      file: this.files[i]!,
      pos: this.positions[i]!,
      hoff: this.hoffs[i]!,
      hsiz: this.hsizs[i]!,
      keywords: this.keywordMasks[i]!,
      flags: this.flagBits[i]!,
      modseq: this.modseqs[i]!,
    };
  }

  uidAt(i: number): number {
    return this.uids[i]!;
  }

  fileAt(i: number): number {
    return this.files[i]!;
  }

  posAt(i: number): number {
    return this.positions[i]!;
  }

  /** Bytes the message takes in its data file: ":msg:" line and text. */
  extentAt(i: number): number {
    return this.hoffs[i]! + this.sizes[i]!;
  }

  flagsAt(i: number): number {
    return this.flagBits[i]!;
  }

  keywordsAt(i: number): number {
    return this.keywordMasks[i]!;
  }

  modseqAt(i: number): number {
    return this.modseqs[i]!;
  }

  setStatus(i: number, keywords: number, flags: number, modseq: number): void {
    this.keywordMasks[i] = keywords;
    this.flagBits[i] = flags;
    this.modseqs[i] = modseq;
  }

  setSize(i: number, size: number, hsiz: number): void {
    this.sizes[i] = size;
    this.hsizs[i] = hsiz;
  }

  setLocation(i: number, file: number, pos: number): void {
    this.files[i] = file;
    this.positions[i] = pos;
  }

  /** Index of the message with this UID, or -1 (UIDs ascend). */
  find(uid: number): number {
    return findAscending(this.uids, this.count, uid);
  }

  /** Last UID in the index (0 when empty). */
  lastUid(): number {
    return this.count ? this.uids[this.count - 1]! : 0;
  }

  clone(): MessageTable {
    return this.filter(() => true);
  }

  /** A new table holding the messages for which keep(i) is true. */
  filter(keep: (i: number) => boolean): MessageTable {
    const out = new MessageTable(this.count);
    for (let i = 0; i < this.count; i++) if (keep(i)) out.push(this.get(i));
    return out;
  }

  private grow(n: number): void {
    this.uids = widened(this.uids, n);
    this.dateDigits = widened(this.dateDigits, n);
    this.dateZones = widened(this.dateZones, n);
    this.sizes = widened(this.sizes, n);
    this.files = widened(this.files, n);
    this.positions = widened(this.positions, n);
    this.hoffs = widened(this.hoffs, n);
    this.hsizs = widened(this.hsizs, n);
    this.keywordMasks = widened(this.keywordMasks, n);
    this.flagBits = widened(this.flagBits, n);
    this.modseqs = widened(this.modseqs, n);
  }
}
