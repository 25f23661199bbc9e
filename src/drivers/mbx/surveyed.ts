// What a damage survey found, message by message: where each message's header line
// and text are and what its status field says, in typed arrays (a few bytes per
// message however large the file), with details only for the messages that need
// more than a copy.
import type { DamagedLine } from './line-forms.js';

/** Why a message's size was not taken as it stands. */
export type SizeFix =
  /** the text ends at an earlier internal header */
  | 'too-large'
  /** the text runs on to the next internal header */
  | 'too-small'
  /** the file ends before the text does (cut short, or a size too large for the last message) */
  | 'past-end'
  /** the size field of a damaged line could not be read or did not fit */
  | 'unreadable';

export interface MessageDetail {
  /** A damaged header line, read field by field: the line must be written anew. */
  readonly line?: DamagedLine;
  /** The size as the line gave it, when it was not taken. */
  readonly declaredSize?: number;
  readonly sizeFix?: SizeFix;
}

const LINE_DAMAGED = 1;
const UID_UNREADABLE = 2;
const UID_INVALID = 4;

export class SurveyedMessages {
  count = 0;
  private offsets = new Float64Array(256);
  private sizes = new Float64Array(256);
  private lineLengths = new Uint8Array(256);
  private uids = new Uint32Array(256);
  private statuses = new Uint16Array(256);
  private keywordMasks = new Uint32Array(256);
  private marks = new Uint8Array(256);
  private readonly details = new Map<number, MessageDetail>();

  add(m: {
    offset: number; lineLength: number; size: number; uid: number | undefined; status: number; keywords: number;
    detail?: MessageDetail;
  }): number {
    if (this.count === this.offsets.length) this.grow();
    const i = this.count++;
    this.offsets[i] = m.offset;
    this.sizes[i] = m.size;
    this.lineLengths[i] = m.lineLength;
    this.uids[i] = m.uid ?? 0;
    this.statuses[i] = m.status;
    this.keywordMasks[i] = m.keywords;
    this.marks[i] = (m.detail?.line ? LINE_DAMAGED : 0) | (m.uid === undefined ? UID_UNREADABLE : 0);
    if (m.detail) this.details.set(i, m.detail);
    return i;
  }

  offset(i: number): number {
    return this.offsets[i]!;
  }

  lineLength(i: number): number {
    return this.lineLengths[i]!;
  }

  /** Bytes of text that belong to the message (its size, corrected where it was wrong). */
  size(i: number): number {
    return this.sizes[i]!;
  }

  /** Offset just past the message's text. */
  end(i: number): number {
    return this.offsets[i]! + this.lineLengths[i]! + this.sizes[i]!;
  }

  /** The stored UID; 0 when none was assigned or it could not be read (see uidReadable). */
  uid(i: number): number {
    return this.uids[i]!;
  }

  uidReadable(i: number): boolean {
    return (this.marks[i]! & UID_UNREADABLE) === 0;
  }

  /** The stored UID breaks c-client's rules (see survey-uids.ts); the message needs a new one. */
  uidInvalid(i: number): boolean {
    return (this.marks[i]! & UID_INVALID) !== 0;
  }

  markUidInvalid(i: number): void {
    this.marks[i]! |= UID_INVALID;
  }

  status(i: number): number {
    return this.statuses[i]!;
  }

  keywords(i: number): number {
    return this.keywordMasks[i]!;
  }

  /** The header line is damaged and must be written anew. */
  lineDamaged(i: number): boolean {
    return (this.marks[i]! & LINE_DAMAGED) !== 0;
  }

  detail(i: number): MessageDetail | undefined {
    return this.details.get(i);
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
    this.marks = bigger(this.marks, Uint8Array);
  }
}
