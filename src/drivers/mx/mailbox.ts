// An open mx mailbox (formats-dir.md 3; locking.md 8). Every pass is one of
// c-client's lock cycles on .mxindex: the index and the directory are read
// under the lock; a change (append, flag change, expunge) is made and the
// index rewritten in place before the lock goes. Nothing is held between
// passes. Read-only passes write nothing (c-client's rewrite the index every
// time), and a read-write open writes nothing by itself. mx keeps no \Recent:
// as in a c-client session, only messages that arrive after the open are recent.
import fs from 'node:fs';
import path from 'node:path';
import { CorruptMailbox, MailsmithError, ReadOnlyMailbox, ioError } from '../../errors.js';
import { NewFileBatch } from '../../io/new-files.js';
import { flagsToBits, isValidKeyword } from '../../mail/flags.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { flagList } from '../shared/flag-list.js';
import { syncDirectory } from '../shared/sync-directory.js';
import { AppendPlan } from './append-plan.js';
import { IndexLock } from './index-lock.js';
import { definedKeywords, freeSlot, keywordBit, RecordNames } from './keywords.js';
import { DELETED, parseIndex, serializeIndex, SYSTEM_BITS, type IndexDamage, type MxState } from './mxindex.js';
import { INDEX_NAME } from './names.js';
import { scanUids } from './scan.js';

interface Snapshot {
  readonly state: MxState;
  readonly damage?: IndexDamage;
}

export class MxMailbox implements Mailbox {
  readonly format = 'mx' as const;
  private closed = false;
  /** Bytes of every message file, once a listing has looked (for progress). */
  private listedBytes: number | undefined;
  /** A second listing finds the same damage again; the user hears of it once. */
  private readonly warned = new Set<string>();

  private constructor(
    readonly ref: LocalRef,
    readonly writable: boolean,
    private state: MxState,
    /** The last UID at open: messages above it arrived since, and are \Recent. */
    private readonly openUidLast: number,
    private readonly ctx: StoreContext,
  ) {}

  static async open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<MxMailbox> {
    let writable = mode === 'write';
    if (writable && !canWrite(ref.path)) {
      ctx.warn(`Can't get write access to mailbox, access is readonly`);
      writable = false;
    }
    const snap = await readSnapshot(ref, ctx);
    const mb = new MxMailbox(ref, writable, snap.state, snap.state.uidLast, ctx);
    if (snap.damage) mb.warnDamage(snap.damage);
    return mb;
  }

  get meta(): MailboxMeta {
    const s = this.state;
    return { uidValidity: s.uidValidity, uidLast: s.uidLast, keywords: definedKeywords(s.slots) };
  }

  get byteSize(): number | undefined {
    return this.listedBytes;
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * One lock cycle for the index and the file names, then one stat per file (size and date, and
   * the total for progress) before the first message; each text is read when asked for. A file
   * that has gone by then was expunged by another process and is left out.
   */
  async *messages(): AsyncGenerator<MessageRecord> {
    this.checkOpen();
    const snap = await readSnapshot(this.ref, this.ctx);
    if (snap.damage) this.warnDamage(snap.damage);
    const { state } = snap;
    this.state = state;
    const n = state.uids.length;
    const sizes = new Float64Array(n);
    const mtimes = new Float64Array(n);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const st = fs.statSync(this.file(state.uids[i]!), { throwIfNoEntry: false });
      if (!st?.isFile()) {
        sizes[i] = -1;
        if (st) this.warnOnce(`${this.ref.name}: ignoring ${state.uids[i]}, which is not a regular file`);
        continue;
      }
      sizes[i] = st.size;
      mtimes[i] = Math.floor(st.mtimeMs / 1000);
      total += st.size;
    }
    this.listedBytes = total;
    const names = new RecordNames(state.slots);
    let position = 0;
    let seq = 0;
    for (let i = 0; i < n; i++) {
      if (sizes[i]! < 0) continue;
      const uid = state.uids[i]!;
      const size = sizes[i]!;
      position += size;
      yield {
        seq: ++seq,
        uid,
        internalDate: { ms: mtimes[i]! * 1000, zone: 0 },
        flags: flagList(state.flags[i]!),
        keywords: names.keywords(state.keywords[i]!),
        recent: uid > this.openUidLast,
        size,
        position,
        text: async () => this.readText(uid),
      };
    }
  }

  private readText(uid: number): Buffer {
    this.checkOpen();
    try {
      return fs.readFileSync(this.file(uid));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new MailsmithError('io', `${this.ref.name}: message ${uid} was expunged by another process`);
      }
      throw ioError(e, `can't read message ${uid} of ${this.ref.name}`);
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * c-client's mx_append in one lock cycle: a file per message (O_EXCL, mtime = internal date,
   * atime = now), then the index. All files are flushed together before the index is written;
   * if anything fails, the files written are removed and the index is put back.
   */
  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    return this.changeCycle(async (state, lock) => {
      const plan = new AppendPlan(state, options, this.ref.name);
      const files = new NewFileBatch(this.ref.path);
      const atime = Math.floor(this.ctx.now().getTime() / 1000);
      let appended = 0;
      let indexTouched = false;
      try {
        for await (const msg of batch) {
          const m = plan.next(msg);
          try {
            files.add(String(m.uid), [msg.text], { atime, mtime: m.mtime });
          } catch (e) {
            throw ioError(e, `${this.ref.name}: Can't create append message ${m.uid}`);
          }
          state.uids.push(m.uid);
          state.keywords.push(m.keywords);
          state.flags.push(m.flags);
          appended++;
          options.onMessage?.(appended);
        }
        files.commit();
        if (appended > 0 || plan.slotsChanged) {
          indexTouched = true;
          lock.rewrite(serializeIndex(state));
        }
      } catch (e) {
        if (indexTouched) lock.restore();
        files.abort();
        throw ioError(e, `can't append to ${this.ref.name}`);
      }
      return { appended, uids: plan.uids, losses: plan.losses.byKind, changes: new Map() };
    });
  }

  /** Flags change in the index only; new keywords are added to its list (formats-dir.md 3.6). */
  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    await this.changeCycle(async (state, lock) => {
      const definedBefore = definedKeywords(state.slots).length;
      const addKw = this.keywordMask(change.add?.keywords ?? [], state, true);
      const removeKw = this.keywordMask(change.remove?.keywords ?? [], state, false);
      const addBits = flagsToBits(change.add?.flags ?? []);
      const removeBits = flagsToBits(change.remove?.flags ?? []);
      let changed = definedKeywords(state.slots).length !== definedBefore;
      for (const uid of new Set(uids)) {
        const i = indexOf(state.uids, uid);
        if (i < 0) continue;
        const keywords = ((state.keywords[i]! | addKw) & ~removeKw) >>> 0;
        const flags = ((state.flags[i]! | addBits) & ~removeBits) & SYSTEM_BITS;
        if (keywords !== state.keywords[i] || flags !== state.flags[i]) changed = true;
        state.keywords[i] = keywords;
        state.flags[i] = flags;
      }
      if (changed) lock.rewrite(serializeIndex(state));
    });
  }

  /**
   * c-client's mx_expunge: the file of each \Deleted message is unlinked and the index rewritten
   * without its record; the last UID stays. A file that will not go stops the expunge (c-client's
   * words) after the index has been brought up to date with those that went.
   */
  async expunge(uids?: readonly number[]): Promise<number> {
    return this.changeCycle(async (state, lock) => {
      const wanted = uids ? new Set(uids) : undefined;
      const gone = new Set<number>();
      let failure: MailsmithError | undefined;
      for (let i = 0; i < state.uids.length && !failure; i++) {
        const uid = state.uids[i]!;
        if ((state.flags[i]! & DELETED) === 0 || (wanted && !wanted.has(uid))) continue;
        try {
          fs.rmSync(this.file(uid), { force: true });
          gone.add(uid);
        } catch (e) {
          // c-client counts in message numbers, which shrink as messages go
          failure = ioError(e, `${this.ref.name}: Expunge of message ${i + 1 - gone.size} failed, aborted`);
        }
      }
      if (gone.size > 0) {
        syncDirectory(this.ref.path);
        removeMessages(state, gone);
        lock.rewrite(serializeIndex(state));
        this.ctx.note(`Expunged ${gone.size} messages`);
      }
      if (failure) throw failure;
      return gone.size;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- internals ----------------------------------------------------------------------------

  /** A write lock cycle: lock, read the index and the directory, let `work` change them, unlock. */
  private async changeCycle<T>(work: (state: MxState, lock: IndexLock) => Promise<T>): Promise<T> {
    this.checkOpen();
    if (!this.writable) throw new ReadOnlyMailbox(this.ref.name);
    const lock = await IndexLock.acquire(this.ref.path, this.ref.name, 'write', this.ctx.lockTimeoutMs);
    try {
      const snap = load(this.ref, lock, this.ctx);
      // c-client would rewrite the index without what follows the damage: refuse, rather than lose flags
      if (snap.damage) throw new CorruptMailbox(this.ref.name, snap.damage.offset, damageText(snap.damage));
      const result = await work(snap.state, lock);
      this.state = snap.state;
      return result;
    } finally {
      lock.release();
    }
  }

  /** Keyword names to a mask; when `create`, names not defined yet get a slot (c-client's STORE rules). */
  private keywordMask(names: readonly string[], state: MxState, create: boolean): number {
    let mask = 0;
    for (const name of names) {
      let bit = keywordBit(state.slots, name);
      if (bit < 0 && create) {
        if (!isValidKeyword(name)) this.ctx.warn(`Invalid flag: ${name}`);
        else if ((bit = freeSlot(state.slots)) < 0) this.ctx.warn(`Unknown flag: ${name}`);
        else state.slots[bit] = name;
      }
      if (bit >= 0) mask |= 1 << bit;
    }
    return mask >>> 0;
  }

  private file(uid: number): string {
    return path.join(this.ref.path, String(uid));
  }

  private checkOpen(): void {
    if (this.closed) throw new MailsmithError('io', `${this.ref.name}: the mailbox is closed`);
  }

  private warnDamage(damage: IndexDamage): void {
    this.warnOnce(`${this.ref.name}: ${damageText(damage)}; the flags and keywords after it are not known`);
  }

  private warnOnce(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.ctx.warn(text);
  }
}

/** A read lock cycle: the index and the file names as they are now. */
async function readSnapshot(ref: LocalRef, ctx: StoreContext): Promise<Snapshot> {
  const lock = await IndexLock.acquire(ref.path, ref.name, 'read', ctx.lockTimeoutMs);
  try {
    return load(ref, lock, ctx);
  } finally {
    lock.release();
  }
}

function load(ref: LocalRef, lock: IndexLock, ctx: StoreContext): Snapshot {
  const uids = scanUids(ref.path, ref.name);
  const parsed = parseIndex(lock.bytes, uids, Math.floor(ctx.now().getTime() / 1000));
  return parsed.damage ? { state: parsed.state, damage: parsed.damage } : { state: parsed.state };
}

function damageText(damage: IndexDamage): string {
  return `${damage.detail} (at byte ${damage.offset} of ${INDEX_NAME})`;
}

function canWrite(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    fs.accessSync(path.join(dir, INDEX_NAME), fs.constants.W_OK);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true; // open reports the missing mailbox
    return false;
  }
}

/** Drops the messages with these UIDs from the state, in place. */
function removeMessages(state: MxState, gone: ReadonlySet<number>): void {
  let to = 0;
  for (let from = 0; from < state.uids.length; from++) {
    if (gone.has(state.uids[from]!)) continue;
    state.uids[to] = state.uids[from]!;
    state.keywords[to] = state.keywords[from]!;
    state.flags[to] = state.flags[from]!;
    to++;
  }
  state.uids.length = state.keywords.length = state.flags.length = to;
}

/** Binary search in sorted UIDs. */
function indexOf(uids: readonly number[], uid: number): number {
  let lo = 0;
  let hi = uids.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const v = uids[mid]!;
    if (v === uid) return mid;
    if (v < uid) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
