// What a read-write session knows about each message: where it is, its UID (its
// position when the session first saw it), its flags as last read, and whether it
// was \Recent then; in typed arrays, a few bytes per message. Offsets stay valid
// for the session: while it holds its shared flock nobody else can expunge, so
// only its own expunge moves messages.

export interface IndexedMessage {
  readonly offset: number;
  readonly lineLength: number;
  /** Bytes stored after the header line. */
  readonly size: number;
  readonly uid: number;
  readonly status: number;
  readonly recent: boolean;
}

export class MessageIndex {
  count = 0;
  private offsets = new Float64Array(1024);
  private sizes = new Float64Array(1024);
  private lineLengths = new Uint8Array(1024);
  private uids = new Uint32Array(1024);
  private statuses = new Uint8Array(1024);
  private recents = new Uint8Array(1024);

  push(m: IndexedMessage): void {
    if (this.count === this.offsets.length) this.grow();
    const i = this.count++;
    this.offsets[i] = m.offset;
    this.sizes[i] = m.size;
    this.lineLengths[i] = m.lineLength;
    this.uids[i] = m.uid;
    this.statuses[i] = m.status;
    this.recents[i] = m.recent ? 1 : 0;
  }

  get(i: number): IndexedMessage {
    return {
      offset: this.offsets[i]!,
      lineLength: this.lineLengths[i]!,
      size: this.sizes[i]!,
      uid: this.uids[i]!,
      status: this.statuses[i]!,
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

  setStatus(i: number, status: number): void {
    this.statuses[i] = status;
  }

  recentAt(i: number): boolean {
    return this.recents[i] === 1;
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

  /** Forgets the messages from position `count` on (a parse that failed half way). */
  truncate(count: number): void {
    this.count = Math.min(this.count, count);
  }

  private grow(): void {
    const n = this.offsets.length * 2;
    const bigger = <T extends Float64Array | Uint8Array | Uint32Array>(a: T, make: new (n: number) => T): T => {
      const b = new make(n);
      b.set(a);
      return b;
    };
    this.offsets = bigger(this.offsets, Float64Array);
    this.sizes = bigger(this.sizes, Float64Array);
    this.lineLengths = bigger(this.lineLengths, Uint8Array);
    this.uids = bigger(this.uids, Uint32Array);
    this.statuses = bigger(this.statuses, Uint8Array);
    this.recents = bigger(this.recents, Uint8Array);
  }
}
