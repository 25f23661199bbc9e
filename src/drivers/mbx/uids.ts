// c-client's UID bookkeeping while parsing an mbx file (mbx_parse; formats-flat.md 4.4 step 6):
// a stored UID must be above the previous message's (hidden ones included) and not above the
// header's last UID. The first one that is not gives the one-time warning
// `Invalid UID UUUUUUUU in message N, rebuilding UIDs`, a new UID validity (now), and the last
// UID falls back to the previous message's; from there every message, this one included, gets
// last + 1 (a later stored UID can never pass the check again). UID 0 messages get last + 1
// too, hidden (0x8000) ones included, so a UID-less message in the middle of numbered ones
// also ends in a rebuild.
import { hex8 } from './header.js';

export class UidTracker {
  uidValidity: number;
  uidLast: number;
  /** Something the header must be rewritten for: a rebuild, or a UID given to a hidden message. */
  dirty = false;
  /** c-client's nmsgs: visible messages so far (for the warning's message number). */
  visible: number;
  /** c-client's lastuid: the UID of the last message passed, hidden ones included. */
  lastSeen: number;
  private warned = false;

  constructor(
    start: { uidValidity: number; uidLast: number; lastSeen?: number; visible?: number },
    private readonly nowSeconds: () => number,
    private readonly warn: (text: string) => void,
  ) {
    this.uidValidity = start.uidValidity;
    this.uidLast = start.uidLast;
    this.lastSeen = start.lastSeen ?? 0;
    this.visible = start.visible ?? 0;
  }

  /** Step one, c-client's UID check: the stored UID, or 0 when it is invalid (which starts the rebuild). */
  check(storedUid: number): number {
    if (storedUid !== 0 && (storedUid <= this.lastSeen || storedUid > this.uidLast)) {
      if (!this.warned) {
        this.warn(`Invalid UID ${hex8(storedUid)} in message ${this.visible + 1}, rebuilding UIDs`);
        this.warned = true;
        this.uidValidity = this.nowSeconds();
      }
      this.dirty = true;
      this.uidLast = this.lastSeen;
      return 0;
    }
    return storedUid;
  }

  /**
   * Step two (c-client checks a visible message's date in between): the UID the message gets
   * for what check() returned, and whether it is new.
   */
  assign(checked: number, hidden: boolean): { uid: number; fresh: boolean } {
    if (checked === 0) {
      this.uidLast += 1;
      if (hidden) this.dirty = true;
    }
    const uid = checked || this.uidLast;
    this.lastSeen = uid;
    if (!hidden) this.visible += 1;
    return { uid, fresh: checked === 0 };
  }
}
