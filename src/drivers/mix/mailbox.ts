// An open mix mailbox (formats-dir.md 2; locking.md 7). The session holds a
// shared flock on .mixmeta from open to close, as every c-client stream does,
// so nobody can move the data under it; each operation is one c-client-style
// pass: lock .mixindex and .mixstatus, read the three files (the index and
// status again only if another process has rewritten them), change, rewrite
// in place, unlock.
//
// \Recent: mix keeps it as the "old" bit of .mixstatus, which c-client's first
// read-write session sets on every message (claiming them). mailsmith is not a
// mail reader, so it never sets the bit: a read-write open writes nothing, flag
// changes and expunges keep every message's bit as it is, and appended messages
// are written without it. New mail stays new for the user's mail reader.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxLocked, MailsmithError, ioError } from '../../errors.js';
import { fsync, ftruncate } from '../../io/fd.js';
import { flockWait } from '../../locks/index.js';
import { FLAG_BITS, FLAG_OLD, flagsToBits } from '../../mail/flags.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { AppendBuffer } from '../shared/append-buffer.js';
import { flagList } from '../shared/flag-list.js';
import { storeKeywordMask } from '../shared/keyword-mask.js';
import { openSessionFile, SessionFile } from '../shared/session-file.js';
import { AppendPlan, MSG_LINE_LENGTH, msgLineOf } from './append.js';
import { burp, type Burp } from './burp.js';
import { DataReader } from './data-reader.js';
import { openAppendFile, type AppendFile } from './data-file.js';
import { toMailDate } from './dates.js';
import { MixDamage, corrupt } from './damage.js';
import { backToShared, closeLocked, openLocked, tryExclusiveMeta } from './locking.js';
import { isStorableKeyword, MAX_KEYWORDS } from './meta.js';
import { INDEX_FILE, META_FILE, STATUS_FILE } from './names.js';
import { nextSequence } from './numbers.js';
import { syncDirectory } from './persist.js';
import { commit, loadState, reserve, type Changes, type Descriptors, type MixState, type Seen } from './state.js';
import type { MessageTable } from './table.js';
import { tuning } from './tuning.js';

type LockModes = { readonly index: 'shared' | 'exclusive'; readonly status: 'shared' | 'exclusive' };
const READ: LockModes = { index: 'shared', status: 'shared' };
const CHANGE: LockModes = { index: 'exclusive', status: 'exclusive' };

export class MixMailbox implements Mailbox {
  readonly format = 'mix' as const;
  /** The session's descriptor on .mixmeta. */
  private readonly metaFile: SessionFile;
  private state!: MixState;
  private bytes = 0;
  private readonly seen: Seen = { metaSeq: 0, indexSeq: 0, statusSeq: 0, keywords: [] };
  private readonly reader: DataReader;
  /** Listings in progress: reclaiming space would move their texts, so it waits. */
  private listings = 0;
  /** Bumped whenever messages move; text() of an older listing refuses to read moved bytes. */
  private layout = 0;
  /** This session expunged messages whose space could not be reclaimed yet: close tries again. */
  private burpPending = false;
  /** A pass that reads the files again finds the same damage again: the user hears of it once. */
  private readonly warned = new Set<string>();

  private constructor(
    readonly ref: LocalRef,
    readonly writable: boolean,
    metaFd: number,
    private readonly ctx: StoreContext,
  ) {
    this.metaFile = new SessionFile(metaFd, ref.name, writable);
    this.reader = new DataReader(ref.path, (t) => this.warnOnce(t));
  }

  /** Size in bytes of the messages in the data files, as of open. */
  get byteSize(): number {
    return this.bytes;
  }

  get meta(): MailboxMeta {
    const m = this.state.meta;
    return { uidValidity: m.uidValidity, uidLast: m.uidLast, keywords: m.keywords };
  }

  /** Opens .mixmeta (read-only when it cannot be written), takes the session's shared lock and reads the mailbox. */
  static async open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<MixMailbox> {
    const { fd, writable } = openSessionFile({
      path: path.join(ref.path, META_FILE), name: ref.name, mode, warn: ctx.warn, cannotOpen: `can't open ${ref.name}`, missing: ['ENOTDIR'],
    });
    try {
      if (!(await flockWait(fd, 'shared', ctx.lockTimeoutMs))) {
        throw new MailboxLocked(ref.name,
          `Mailbox ${ref.name} is locked by another process (waited ${Math.round(ctx.lockTimeoutMs / 1000)} s for ${META_FILE})`);
      }
      const mb = new MixMailbox(ref, writable, fd, ctx);
      mb.state = await mb.pass(READ, async (s) => s);
      for (let i = 0; i < mb.state.table.count; i++) mb.bytes += mb.state.table.extentAt(i);
      return mb;
    } catch (e) {
      fs.closeSync(fd);
      throw e;
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  async *messages(): AsyncGenerator<MessageRecord> {
    const state = await this.pass(READ, async (s) => s);
    this.state = state;
    const { table } = state;
    const names = keywordNames(state.meta.keywords);
    const layout = this.layout;
    let position = 0;
    this.listings++;
    try {
      for (let i = 0; i < table.count; i++) {
        const m = table.get(i);
        position += m.hoff + m.size;
        yield {
          seq: i + 1,
          uid: m.uid,
          internalDate: toMailDate(m.date),
          flags: flagList(m.flags),
          keywords: names(m.keywords),
          recent: (m.flags & FLAG_OLD) === 0,
          size: m.size,
          position,
          text: async () => {
            this.metaFile.open();
            if (layout !== this.layout) {
              throw new MailsmithError('io', `${this.ref.name}: the mailbox's space was reclaimed; message ${m.uid} has moved`);
            }
            try {
              return await this.reader.text(m);
            } catch (e) {
              throw e instanceof MixDamage ? corrupt(this.ref.name, e) : ioError(e, `can't read ${this.ref.name}`);
            }
          },
        };
      }
    } finally {
      this.listings--;
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    this.metaFile.forChange();
    const it = batch[Symbol.asyncIterator]();
    const first = await it.next();
    if (first.done) return { appended: 0, uids: [], losses: new Map(), changes: new Map() };
    try {
      return await this.appendLocked(first.value, it, options);
    } catch (e) {
      // let the source go (a listing of another mailbox, say) however the append stopped
      await Promise.resolve(it.return?.()).catch(() => {});
      throw ioError(e, `can't append to ${this.ref.name}`);
    }
  }

  /** The append's pass, under exclusive .mixindex and .mixstatus locks: data, then the three files. */
  private appendLocked(first: NewMessage, it: AsyncIterator<NewMessage>, options: AppendOptions): Promise<AppendResult> {
    const name = this.ref.name;
    const dir = this.ref.path;
    return this.pass(CHANGE, async (state, fds) => {
      this.refuseStatusDamage(state);
      const now = this.ctx.now();
      // one sequence for the whole append, above all three files' (c-client's rule, made strict)
      let seq = nextSequence(state.meta.seq, now);
      if (state.indexSeq >= seq) seq = state.indexSeq + 1;
      if (state.statusSeq >= seq) seq = state.statusSeq + 1;
      const plan = new AppendPlan(state.meta.keywords, state.meta.uidLast, state.table.lastUid(), options, name);
      let target: AppendFile | undefined;
      const table = state.table.clone();
      let appended = 0;
      try {
        target = await openAppendFile(dir, state.meta.current, state.table, MSG_LINE_LENGTH + first.text.length, now,
          (t) => this.warnOnce(t));
        const writer = new AppendBuffer(target.fd, target.start, tuning.chunkSize);
        for (let r: IteratorResult<NewMessage> = { value: first }; !r.done; r = await it.next()) {
          const record = plan.record(r.value, target.file, writer.end, seq);
          await writer.add(msgLineOf(record), r.value.text);
          table.push(record);
          appended++;
          options.onMessage?.(appended);
        }
        await writer.flush();
        await fsync(target.fd);
        if (target.created) await syncDirectory(dir);
        const changes: Changes = {
          meta: {
            ...state.meta, seq: nextSequence(seq, now), uidLast: plan.uidLast, current: target.file, keywords: plan.keywords,
          },
          index: { seq, table },
          status: { seq, table },
        };
        await reserve(fds, changes);
        // from here on the files are rewritten: the data they point at must stay
        const written = target;
        target = undefined;
        fs.closeSync(written.fd);
        await commit(fds, changes);
        this.state = { ...state, meta: changes.meta!, metaRepair: false, indexSeq: seq, statusSeq: seq, table };
        this.noteWritten(changes);
      } catch (e) {
        if (target) await undoAppend(target);
        throw e;
      }
      return { appended, uids: plan.uids, losses: plan.losses.byKind, changes: new Map() };
    });
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    this.metaFile.forChange();
    // a new keyword rewrites .mixmeta, which readers read under the index lock
    const creating = (change.add?.keywords?.length ?? 0) > 0;
    await this.pass({ index: creating ? 'exclusive' : 'shared', status: 'exclusive' }, async (state, fds) => {
      this.refuseStatusDamage(state);
      const now = this.ctx.now();
      const seq = nextSequence(state.statusSeq, now);
      const keywords = [...state.meta.keywords];
      const addKw = this.keywordMask(change.add?.keywords ?? [], keywords, true);
      const removeKw = this.keywordMask(change.remove?.keywords ?? [], keywords, false);
      const addBits = flagsToBits(change.add?.flags ?? []);
      const removeBits = flagsToBits(change.remove?.flags ?? []);
      // a copy: the state may be a listing's, and stays as it is if the write fails
      const table = state.table.clone();
      let changed = false;
      for (const uid of new Set(uids)) {
        const i = table.find(uid);
        if (i < 0) continue;
        const kw = ((table.keywordsAt(i) | addKw) & ~removeKw) >>> 0;
        const flags = (table.flagsAt(i) | addBits) & ~removeBits;
        if (kw === table.keywordsAt(i) && flags === table.flagsAt(i)) continue;
        // only messages whose flags change get the new modseq
        table.setStatus(i, kw, flags, seq);
        changed = true;
      }
      const changes: Changes = {
        ...(keywords.length > state.meta.keywords.length || state.metaRepair
          ? { meta: { ...state.meta, seq: nextSequence(state.meta.seq, now), keywords } }
          : {}),
        ...(changed ? { status: { seq, table } } : {}),
      };
      if (!changes.meta && !changes.status) return;
      await reserve(fds, changes);
      await commit(fds, changes);
      this.state = {
        ...state, meta: changes.meta ?? state.meta, metaRepair: false, statusSeq: changed ? seq : state.statusSeq, table,
      };
      this.noteWritten(changes);
    });
  }

  async expunge(uids?: readonly number[]): Promise<number> {
    this.metaFile.forChange();
    const wanted = uids ? new Set(uids) : undefined;
    return this.pass(CHANGE, (state, fds) => this.expungeLocked(state, fds, (i) =>
      (state.table.flagsAt(i) & FLAG_BITS['\\Deleted']) !== 0 && (!wanted || wanted.has(state.table.uidAt(i)))));
  }

  async close(): Promise<void> {
    if (!this.metaFile.isOpen) return;
    try {
      // finish this session's own expunge: its space could not be reclaimed while listing
      if (this.burpPending && this.writable && this.listings === 0) {
        await this.pass(CHANGE, (state, fds) => this.expungeLocked(state, fds, () => false));
      }
    } catch (e) {
      this.ctx.warn(e instanceof Error ? e.message : String(e));
    } finally {
      this.reader.close();
      this.metaFile.close();
    }
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * c-client's mix_expunge: drop the doomed messages; if nobody else has the mailbox open
   * (the exclusive .mixmeta lock can be had) reclaim their space; rewrite index and status.
   */
  private async expungeLocked(state: MixState, fds: Descriptors, doomed: (i: number) => boolean): Promise<number> {
    this.refuseStatusDamage(state);
    const now = this.ctx.now();
    let count = 0;
    for (let i = 0; i < state.table.count; i++) if (doomed(i)) count++;
    // a new table: reclaiming space moves the survivors, and the state stays as it is if the write fails
    const survivors: MessageTable = state.table.filter((i) => !doomed(i));
    const metaFd = this.metaFile.open();
    const exclusive = this.listings === 0 && tryExclusiveMeta(metaFd, this.ref.name);
    let reclaim: Burp | undefined;
    try {
      if (exclusive) reclaim = await burp(this.ref.path, survivors, state.meta.current, now, (t) => this.warnOnce(t));
      const rewrite = count > 0 || reclaim?.moved === true;
      const changes: Changes = {
        ...(state.metaRepair ? { meta: { ...state.meta, seq: nextSequence(state.meta.seq, now) } } : {}),
        ...(rewrite
          ? {
            index: { seq: nextSequence(state.indexSeq, now), table: survivors },
            status: { seq: nextSequence(state.statusSeq, now), table: survivors },
          }
          : {}),
      };
      try {
        await reserve(fds, changes);
      } catch (e) {
        await reclaim?.abandon();
        throw e;
      }
      // from here on the index may point at the new data files: old and new files all stay
      // until it is on disk
      await commit(fds, changes);
      if (reclaim) {
        this.reader.close();
        await reclaim.finish();
        if (reclaim.moved) this.layout++;
      }
      this.state = {
        ...state,
        meta: changes.meta ?? state.meta,
        metaRepair: false,
        indexSeq: changes.index?.seq ?? state.indexSeq,
        statusSeq: changes.status?.seq ?? state.statusSeq,
        table: survivors,
      };
      this.noteWritten(changes);
      this.burpPending = exclusive ? false : this.burpPending || count > 0;
    } finally {
      if (exclusive) backToShared(metaFd, this.ref.name);
    }
    if (count > 0) this.ctx.note(`Expunged ${count} messages`);
    else if (reclaim && reclaim.reclaimed > 0) this.ctx.note(`Reclaimed ${reclaim.reclaimed} bytes of expunged space`);
    return count;
  }

  private pass<T>(modes: LockModes, fn: (state: MixState, fds: Descriptors) => Promise<T>): Promise<T> {
    return pass(this.ref, this.metaFile.open(), modes, this.seen, (t) => this.warnOnce(t), this.ctx.lockTimeoutMs, fn, this.state);
  }

  /** Our own writes carry the sequences the next pass must not find smaller. */
  private noteWritten(changes: Changes): void {
    if (changes.meta) {
      this.seen.metaSeq = changes.meta.seq;
      this.seen.keywords = changes.meta.keywords;
    }
    if (changes.index) this.seen.indexSeq = changes.index.seq;
    if (changes.status) this.seen.statusSeq = changes.status.seq;
  }

  private refuseStatusDamage(state: MixState): void {
    // flags that were not read must not be overwritten with nothing
    if (state.statusDamage) throw corrupt(this.ref.name, state.statusDamage);
  }

  private warnOnce(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.ctx.warn(text);
  }

  /** Keyword names to a mask; when `create`, names not defined yet are added (c-client's STORE rules). */
  private keywordMask(names: readonly string[], keywords: string[], create: boolean): number {
    const bitOf = (list: readonly string[], name: string): number => list.findIndex((k) => k.toLowerCase() === name.toLowerCase());
    return storeKeywordMask(names, keywords, create, {
      max: MAX_KEYWORDS, bitOf, valid: isStorableKeyword, warn: (t) => this.ctx.warn(t),
    });
  }
}

/** Locks .mixindex then .mixstatus, reads the three files, runs fn, unlocks; damage becomes CorruptMailbox. */
async function pass<T>(
  ref: LocalRef, metaFd: number, modes: LockModes, seen: Seen, warn: (t: string) => void, timeoutMs: number,
  fn: (state: MixState, fds: Descriptors) => Promise<T>, cached?: MixState,
): Promise<T> {
  const dir = ref.path;
  try {
    const index = await openLocked(dir, INDEX_FILE, modes.index, ref.name, timeoutMs);
    try {
      const status = await openLocked(dir, STATUS_FILE, modes.status, ref.name, timeoutMs);
      try {
        const fds: Descriptors = { meta: metaFd, index, status };
        return await fn(await loadState(dir, fds, seen, warn, cached), fds);
      } finally {
        closeLocked(status);
      }
    } finally {
      closeLocked(index);
    }
  } catch (e) {
    if (e instanceof MixDamage) throw corrupt(ref.name, e);
    throw e;
  }
}

async function undoAppend(target: AppendFile): Promise<void> {
  try {
    if (target.created) fs.rmSync(target.path, { force: true });
    else await ftruncate(target.fd, target.start);
  } catch {
    // the append's own error is the one to report
  } finally {
    fs.closeSync(target.fd);
  }
}

/** Keyword masks to names, computed once per distinct mask; bits without a name are ignored, as in c-client. */
function keywordNames(keywords: readonly string[]): (mask: number) => readonly string[] {
  const cache = new Map<number, readonly string[]>();
  return (mask) => {
    let names = cache.get(mask);
    if (!names) {
      names = Object.freeze(keywords.filter((_k, bit) => (mask & (1 << bit)) !== 0));
      cache.set(mask, names);
    }
    return names;
  };
}
