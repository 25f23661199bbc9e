// An open mtx or tenex mailbox (formats-flat.md 5, 6; locking.md 6). UIDs are
// positions: a session numbers the messages 1..n as it first sees them, new
// arrivals continue the count, and the UID validity is the time of the open,
// as in c-client. A read-write session indexes the file at open (as c-client's
// parse does), so that store and expunge find by UID exactly the messages the
// session listed, also after its own expunges. Unlike a c-client session it
// writes nothing by itself: no "old" bits, so new mail stays \Recent for the
// user's mail reader. Read-only sessions never write a byte.
import fs from 'node:fs';
import { CorruptMailbox, MailsmithError, ioError } from '../../errors.js';
import { fstat, fsync, ftruncate } from '../../io/fd.js';
import { currentLocalZone } from '../../mail/dates.js';
import { FLAG_BITS, FLAG_OLD, flagsToBits } from '../../mail/flags.js';
import { flockNow } from '../../locks/index.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { AppendBuffer } from '../shared/append-buffer.js';
import { compact } from '../shared/compact.js';
import { flagList } from '../shared/flag-list.js';
import { openSessionFile, SessionFile } from '../shared/session-file.js';
import { toCrlf } from '../shared/crlf.js';
import { HeaderLineIndex } from '../shared/header-line-index.js';
import { AppendPlan } from './append.js';
import { flagFields, type FlagTarget } from './flag-fields.js';
import { KEPT_BITS } from './header-line.js';
import type { Layout } from './layout.js';
import { Scanner } from './scanner.js';
import { sessionLock, tryExclusive, withTmpLock } from './locking.js';
import { tuning } from './tuning.js';

const seconds = (ns: bigint): number => Number(ns / 1000n) / 1e6;

export class FamilyMailbox implements Mailbox {
  readonly format: Layout['format'];
  private readonly file: SessionFile;
  /** Read-write sessions: every message the session has seen, in file order. */
  private index = new HeaderLineIndex();
  /** Bytes of the file the index covers (c-client's LOCAL->filesize). */
  private parsedTo = 0;
  /** The last UID handed out: messages seen so far (c-client's uid_last). */
  private uidLast = 0;
  /** mtime after our last parse or write; another one means someone changed flags meanwhile. */
  private seenMtime = -1n;
  /** The index's flags may be older than the file's (another process wrote since). */
  private flagsStale = false;
  /** Bumped by every expunge; a listing begun before it stops rather than read moved bytes. */
  private generation = 0;

  private constructor(
    private readonly layout: Layout,
    readonly ref: LocalRef,
    readonly writable: boolean,
    readonly byteSize: number,
    fd: number,
    private readonly uidValidity: number,
    private readonly ctx: StoreContext,
  ) {
    this.format = layout.format;
    this.file = new SessionFile(fd, ref.name, writable);
  }

  get meta(): MailboxMeta {
    return { uidValidity: this.uidValidity, uidLast: this.uidLast, keywords: [] };
  }

  /** Opens the file and takes the session's shared flock under the shared /tmp lock; read-write, indexes it. */
  static async open(layout: Layout, ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<FamilyMailbox> {
    const cannotOpen = `Can't open mailbox ${ref.name}`;
    const { fd, writable } = openSessionFile({ path: ref.path, name: ref.name, mode, warn: ctx.warn, cannotOpen });
    try {
      await withTmpLock(fd, ref.name, 'shared', ctx.lockTimeoutMs, () => sessionLock(fd, ref.name, ctx.lockTimeoutMs));
      const validity = Math.floor(ctx.now().getTime() / 1000);
      const mb = new FamilyMailbox(layout, ref, writable, Number((await fstat(fd)).size), fd, validity, ctx);
      if (writable) await withTmpLock(fd, ref.name, 'shared', ctx.lockTimeoutMs, () => mb.parseLocked());
      return mb;
    } catch (e) {
      flockNow(fd, 'unlock');
      fs.closeSync(fd);
      throw ioError(e, cannotOpen);
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  async *messages(): AsyncGenerator<MessageRecord> {
    const fd = this.file.open();
    const name = this.ref.name;
    // the lock only for a consistent size: appends go beyond it, and nobody else can expunge
    // while our shared flock is held
    const end = await withTmpLock(fd, name, 'shared', this.ctx.lockTimeoutMs, async () => {
      if (!this.writable) return Number((await fstat(fd)).size);
      await this.parseLocked();
      return this.parsedTo;
    });
    const scanner = new Scanner(fd, this.layout, name, 0, end, currentLocalZone());
    const generation = this.generation;
    const moved = (what: string): MailsmithError =>
      new MailsmithError('io', `${name}: the mailbox was expunged while it was being listed; ${what} has moved`);
    let seq = 0;
    for (let m = await scanner.next(); m; m = await scanner.next()) {
      if (generation !== this.generation) throw moved(`message ${seq + 1}`);
      let uid = ++seq;
      let recent = (m.status & FLAG_OLD) === 0;
      if (this.writable) {
        const i = seq - 1;
        if (i >= this.index.count || this.index.offsetAt(i) !== m.offset) {
          throw new CorruptMailbox(name, m.offset, `Mailbox changed under the session at ${m.offset}`);
        }
        // the session's UID and \Recent as it first saw them, the flags as they are now
        uid = this.index.uidAt(i);
        recent = this.index.recentAt(i);
        this.index.setStatus(i, m.status);
      } else if (seq > this.uidLast) {
        this.uidLast = seq;
      }
      const entry = m;
      yield {
        seq,
        uid,
        internalDate: m.date,
        flags: flagList(m.status),
        keywords: [],
        recent,
        size: m.crlfSize,
        position: m.offset + m.lineLength + m.size,
        text: async () => {
          if (generation !== this.generation) throw moved(`message ${uid}`);
          this.file.open();
          const stored = await scanner.stored(entry);
          return this.layout.lfText ? toCrlf(stored) : stored;
        },
      };
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    const fd = this.file.forChange();
    const name = this.ref.name;
    return withTmpLock(fd, name, 'exclusive', this.ctx.lockTimeoutMs, async () => {
      // where the new messages land tells which UIDs they keep (the file is indexed up to its end)
      if (options.keepUids) await this.parseLocked();
      const before = await fstat(fd);
      const oldSize = Number(before.size);
      const plan = new AppendPlan(this.layout, name, options);
      const writer = new AppendBuffer(fd, oldSize, tuning.chunkSize);
      let appended = 0;
      try {
        for await (const msg of batch) {
          const entry = plan.entryFor(msg, this.index.count + appended + 1);
          await writer.add(entry.line, entry.body);
          appended++;
          options.onMessage?.(appended);
        }
        await writer.flush();
        // as c-client: read a second ago (new mail is waiting), flags unchanged since the last look
        fs.futimesSync(fd, Math.floor(this.ctx.now().getTime() / 1000) - 1, seconds(before.mtimeNs));
        await fsync(fd);
      } catch (e) {
        try {
          await ftruncate(fd, oldSize);
          fs.futimesSync(fd, seconds(before.atimeNs), seconds(before.mtimeNs));
          await fsync(fd);
        } catch {
          // the append's own error is the one to report
        }
        throw ioError(e, `Message append failed for ${name}`);
      }
      // UIDs are positions, which mean nothing after this session (c-client: no APPENDUID)
      return { appended, uids: [], losses: plan.losses.byKind, changes: new Map() };
    });
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    const fd = this.file.forChange();
    // c-client's mtx and tenex define no keywords unless configured to, and cannot create one
    for (const k of [...(change.add?.keywords ?? []), ...(change.remove?.keywords ?? [])]) {
      this.ctx.warn(k === '' ? 'Empty flag invalid' : `Unknown flag: ${k}`);
    }
    const add = flagsToBits(change.add?.flags ?? []);
    const remove = flagsToBits(change.remove?.flags ?? []);
    if (add === 0 && remove === 0) return;
    await withTmpLock(fd, this.ref.name, 'exclusive', this.ctx.lockTimeoutMs, async () => {
      await this.parseLocked();
      const targets = this.positions(uids);
      if (targets.length === 0) return;
      flagFields(fd, this.layout, this.ref.name, targets.map((i) => this.flagTarget(i)), (k, now) => {
        // c-client also sets "old" here; mailsmith leaves \Recent to the user's mail reader
        const status = ((now & KEPT_BITS) | add) & ~remove;
        this.index.setStatus(targets[k]!, status);
        return status;
      });
      await this.flushed(fd);
    });
  }

  async expunge(uids?: readonly number[]): Promise<number> {
    const fd = this.file.forChange();
    const name = this.ref.name;
    return withTmpLock(fd, name, 'exclusive', this.ctx.lockTimeoutMs, async () => {
      await this.parseLocked();
      const index = this.index;
      if (this.flagsStale) {
        const all = Array.from({ length: index.count }, (_, i) => this.flagTarget(i));
        flagFields(fd, this.layout, name, all).forEach((status, i) => index.setStatus(i, status));
        this.flagsStale = false;
      }
      const wanted = uids ? new Set(uids) : undefined;
      const doomed = (i: number): boolean =>
        (index.statusAt(i) & FLAG_BITS['\\Deleted']) !== 0 && (!wanted || wanted.has(index.uidAt(i)));
      let count = 0;
      for (let i = 0; i < index.count; i++) if (doomed(i)) count++;
      if (count === 0) {
        this.ctx.note('No messages deleted, so no update needed');
        return 0;
      }
      if (!(await tryExclusive(fd, name, this.ctx.lockTimeoutMs))) {
        throw new MailsmithError('in-use', `${name}: Can't expunge because mailbox is in use by another process`);
      }
      try {
        const c = await compact(fd, name, index, { start: 0, end: this.parsedTo, chunkSize: tuning.chunkSize }, doomed);
        this.generation++;
        this.index = c.index;
        this.parsedTo = c.size;
        await this.flushed(fd);
        this.ctx.note(`Expunged ${c.expunged} messages`);
        return c.expunged;
      } finally {
        await sessionLock(fd, name, this.ctx.lockTimeoutMs);
      }
    });
  }

  async close(): Promise<void> {
    this.file.close();
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Index positions of these UIDs, ascending, unknown ones left out. */
  private positions(uids: readonly number[]): number[] {
    return [...new Set(uids)].map((u) => this.index.find(u)).filter((i) => i >= 0).sort((a, b) => a - b);
  }

  private flagTarget(i: number): FlagTarget {
    const m = this.index.get(i);
    return { offset: m.offset, lineLength: m.lineLength, msgno: i + 1 };
  }

  /** After a flag write or an expunge: on disk, and the times c-client sets (read now, flags changed now). */
  private async flushed(fd: number): Promise<void> {
    await fsync(fd);
    const st = await fstat(fd);
    fs.futimesSync(fd, Math.floor(this.ctx.now().getTime() / 1000), seconds(st.mtimeNs));
    this.seenMtime = (await fstat(fd)).mtimeNs;
  }

  /**
   * c-client's parse, under the /tmp lock: the messages added since the last one are indexed, each
   * with the next UID. On damage the index stays as it was and the error is thrown.
   */
  private async parseLocked(): Promise<void> {
    const fd = this.file.open();
    const name = this.ref.name;
    const st = await fstat(fd);
    const size = Number(st.size);
    if (size < this.parsedTo) throw new CorruptMailbox(name, size, `Mailbox shrank from ${this.parsedTo} to ${size}!`);
    if (this.seenMtime >= 0n && st.mtimeNs !== this.seenMtime) this.flagsStale = true;
    if (size > this.parsedTo) {
      const count = this.index.count;
      const uidLast = this.uidLast;
      const scanner = new Scanner(fd, this.layout, name, this.parsedTo, size, currentLocalZone(), false);
      try {
        for (let m = await scanner.next(); m; m = await scanner.next()) {
          this.index.push({
            offset: m.offset, lineLength: m.lineLength, size: m.size, uid: ++this.uidLast,
            status: m.status, keywords: 0, recent: (m.status & FLAG_OLD) === 0,
          });
        }
      } catch (e) {
        this.index.truncate(count);
        this.uidLast = uidLast;
        throw e;
      }
      this.parsedTo = size;
    }
    this.seenMtime = st.mtimeNs;
  }
}
