// What a read-write session knows about each message of a file in which every
// message starts with a header line (mbx, mtx, tenex): where it is, its UID, its
// status as last read, and whether it was \Recent when the session first saw it;
// in typed arrays, a few bytes per message (c-client keeps the same in its
// message cache). Offsets stay valid for the session: while it holds its shared
// flock nobody else can expunge or compact, so only its own expunge moves messages.
import { findAscending } from './find-ascending.js';
import { widened } from './widened.js';

export interface IndexedMessage {
  readonly offset: number;
  /** Length of the header line, line end included. */
  readonly lineLength: number;
  /** Bytes stored after the header line. */
  readonly size: number;
  readonly uid: number;
  readonly status: number;
  /** Keyword bits, for the formats whose driver tracks them (mbx); 0 otherwise. */
  readonly keywords: number;
  readonly recent: boolean;
}

export class HeaderLineIndex {
  count = 0;
  private offsets = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private lineLengths = new Uint8Array(1024);
  private uids = new Uint32Array(1024);
  private statuses = new Uint16Array(1024);
  private keywordMasks = new Uint32Array(1024);
  private recents = new Uint8Array(1024);

  push(m: IndexedMessage): void {
    if (this.count === this.offsets.length) this.grow();
    const i = this.count++;
    this.offsets[i] = m.offset;
    this.sizes[i] = m.size;
    this.lineLengths[i] = m.lineLength;
    this.uids[i] = m.uid;
    this.statuses[i] = m.status;
    this.keywordMasks[i] = m.keywords;
    this.recents[i] = m.recent ? 1 : 0;
  }

  get(i: number): IndexedMessage {
    return {
      offset: this.offsets[i]!,
      lineLength: this.lineLengths[i]!,
      size: this.sizes[i]!,
      uid: this.uids[i]!,
      status: this.statuses[i]!,
      keywords: this.keywordMasks[i]!,
      recent: this.recents[i] === 1,
    };
  }

  offsetAt(i: number): number {
    return this.offsets[i]!;
  }

  uidAt(i: number): number {
    return this.uids[i]!;
  }

  statusAt(i: number): number {
    return this.statuses[i]!;
  }

  /** New status; keyword bits too when given (otherwise they stay as they were). */
  setStatus(i: number, status: number, keywords?: number): void {
    this.statuses[i] = status;
    if (keywords !== undefined) this.keywordMasks[i] = keywords;
  }

  recentAt(i: number): boolean {
    return this.recents[i] === 1;
  }

  markRecent(i: number): void {
    this.recents[i] = 1;
  }

  /** Position of the message with this UID (UIDs ascend), or -1. */
  find(uid: number): number {
    return findAscending(this.uids, this.count, uid);
  }

  /** A copy without the messages for which drop(i) is true. */
  without(drop: (i: number) => boolean): HeaderLineIndex {
    const out = new HeaderLineIndex();
    for (let i = 0; i < this.count; i++) if (!drop(i)) out.push(this.get(i));
    return out;
  }

  /** Forgets the messages from position `count` on (a parse that failed half way). */
  truncate(count: number): void {
    this.count = Math.min(this.count, count);
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    this.offsets = widened(this.offsets, n);
    this.sizes = widened(this.sizes, n);
    this.lineLengths = widened(this.lineLengths, n);
    this.uids = widened(this.uids, n);
    this.statuses = widened(this.statuses, n);
    this.keywordMasks = widened(this.keywordMasks, n);
    this.recents = widened(this.recents, n);
  }
}
