// What a read-write session knows about each visible message: where it is and
// its status, in typed arrays (a few bytes per message, not an object each).
// c-client keeps the same in its message cache. Offsets stay valid for the
// whole session: while we hold our shared flock nobody else can compact the
// file, so only our own expunge moves messages.

export interface IndexedMessage {
  readonly offset: number;
  readonly lineLength: number;
  readonly size: number;
  readonly uid: number;
  readonly status: number;
  readonly keywords: number;
  /** \Recent when this session first saw it. */
  readonly recent: boolean;
}

export class MessageIndex {
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

  /** Position of the message with this UID (UIDs ascend), or -1. */
  find(uid: number): number {
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const u = this.uids[mid]!;
      if (u === uid) return mid;
      if (u < uid) lo = mid + 1;
      else hi = mid - 1;
    }
    return -1;
  }

  setStatus(i: number, status: number, keywords: number): void {
    this.statuses[i] = status;
    this.keywordMasks[i] = keywords;
  }

  statusAt(i: number): number {
    return this.statuses[i]!;
  }

  recentAt(i: number): boolean {
    return this.recents[i] === 1;
  }

  markRecent(i: number): void {
    this.recents[i] = 1;
  }

  /** A copy without the messages for which drop(i) is true. */
  without(drop: (i: number) => boolean): MessageIndex {
    const out = new MessageIndex();
    for (let i = 0; i < this.count; i++) if (!drop(i)) out.push(this.get(i));
    return out;
  }

  get lastUid(): number {
    return this.count > 0 ? this.uids[this.count - 1]! : 0;
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    const bigger = <T extends Float64Array | Uint8Array | Uint16Array | Uint32Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.offsets = bigger(this.offsets, Float64Array);
    this.sizes = bigger(this.sizes, Float64Array);
    this.lineLengths = bigger(this.lineLengths, Uint8Array);
    this.uids = bigger(this.uids, Uint32Array);
    this.statuses = bigger(this.statuses, Uint16Array);
    this.keywordMasks = bigger(this.keywordMasks, Uint32Array);
    this.recents = bigger(this.recents, Uint8Array);
  }
}
