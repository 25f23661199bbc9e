// An open unix or mmdf mailbox. Read-only sessions stream the file under a
// shared flock and never lock out deliveries for longer than the size snapshot
// takes; read-write sessions hold c-client's session lock, keep every
// message's place and flags in memory, and write changes by replacing the file
// at expunge or close (locking.md 4, formats-flat.md 2.10). The framing says
// how messages sit in the file; everything else is the same for both formats.
import fs from 'node:fs';
import { CorruptMailbox, MailsmithError, ReadOnlyMailbox, ioError } from '../../errors.js';
import { flockNow, flockWait, type TmpLock } from '../../locks/index.js';
import { FLAG_BITS, flagsToBits } from '../../mail/flags.js';
import type {
  AppendOptions, AppendResult, FlagChange, FormatName, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage,
  StoreContext,
} from '../../store/types.js';
import { AppendAccounting, endsWithLf, keywordsFor, raiseLastUid } from './append.js';
import { baseLineText, copyWithBaseLine, findBaseLine } from './base-line.js';
import { entryOf, storedLength, type MessageEntry } from './entry.js';
import { fstat, fsync, ftruncate } from '../../io/fd.js';
import { BatchWriter } from './file-io.js';
import { PLAIN_FILE, type FileDialect, type Framing, type ScanEnv } from './framing.js';
import { newScanState, type ScanState } from './header.js';
import {
  declareKeyword, declaredKeywords, findKeyword, keywordNames, storableKeyword, type KeywordSlots,
} from './keywords.js';
import { acquireSessionLock, lockFile, sessionLockForFd, trySessionLock, type FileLock } from './locking.js';
import { quoteQuotedFromLines } from './quoting.js';
import { BerkeleyMessageRecord } from './record.js';
import { RangeReader } from './range-reader.js';
import { scanFirst, scanMessages, type RawMessage } from './scan.js';
import { tempFileBeside } from './replace.js';
import { writeRewritten } from './rewrite.js';
import { appendBlock } from './status-block.js';

const seconds = (d: Date): number => Math.floor(d.getTime() / 1000);

interface Session {
  lock: TmpLock;
  /** Inode of the file the session lock names. */
  ino: bigint;
  state: ScanState;
  entries: MessageEntry[];
  /** Changes made in memory that the file does not hold yet. */
  dirty: boolean;
}

export class BerkeleyMailbox implements Mailbox {
  readonly format: FormatName;
  readonly writable: boolean;
  private readonly name: string;
  private uidValidity: number;
  private uidLast: number;
  private keywords: KeywordSlots;
  /** The file starts with a pseudo-message. */
  private pseudo: boolean;
  /** Bytes of the file this session reads: the snapshot (read-only) or what was parsed (read-write). */
  private size: number;
  /** The file's modification time when its size was taken. */
  private mtime: Date;
  /** A complete pass over the messages gave its warnings already. */
  private scanned = false;
  /** A read-only pass saw messages no read-write session has seen yet. */
  private sawRecent = false;
  /** The highest UID an append of this session wrote: the next must be higher. */
  private lastKeptUid = 0;
  private closed = false;

  private constructor(
    private readonly framing: Framing,
    readonly ref: LocalRef,
    private readonly ctx: StoreContext,
    /** Descriptor messages are read from. */
    private fd: number,
    /** Read-only sessions: the shared flock held on fd. */
    private readonly readLock: FileLock | undefined,
    private readonly session: Session | undefined,
    head: ScanState,
    size: number,
    mtime: Date,
    /** What a lenient read learnt about the whole file. */
    private dialect: FileDialect,
  ) {
    this.format = framing.format;
    this.name = ref.name;
    this.writable = session !== undefined;
    this.uidValidity = head.base?.uidValidity ?? seconds(ctx.now());
    this.uidLast = head.base?.uidLast ?? 0;
    this.keywords = head.keywords;
    this.pseudo = head.pseudo;
    this.size = size;
    this.mtime = mtime;
  }

  /**
   * Read-only: dot-lock and shared flock while the size is taken and the first
   * message read; then only the shared flock stays, until close.
   */
  static async openReadOnly(framing: Framing, ref: LocalRef, ctx: StoreContext): Promise<BerkeleyMailbox> {
    const lock = await lockFile(ref.path, ref.name, fs.constants.O_RDONLY, 'shared', ctx);
    try {
      const st = await fstat(lock.fd);
      const size = Number(st.size);
      const mtime = new Date(Number(st.mtimeMs));
      const head = newScanState();
      const env = { name: ref.name, now: ctx.now(), mtime, lenient: ctx.lenient };
      const first = size > 0 ? await scanFirst(framing, lock.fd, size, env, head) : undefined;
      const dialect = await surveyed(framing, lock.fd, size, first, ctx, ref.name);
      // the snapshot is taken: deliveries (which take the dot-lock) may go on
      lock.releaseDotLock();
      return new BerkeleyMailbox(framing, ref, ctx, lock.fd, lock, undefined, head, size, mtime, dialect);
    } catch (e) {
      lock.release();
      throw e;
    }
  }

  /** Read-write: the session lock, then a full parse under the dot-lock and a shared flock. */
  static async openReadWrite(framing: Framing, ref: LocalRef, ctx: StoreContext): Promise<BerkeleyMailbox> {
    const sessionLock = await acquireSessionLock(ref.path, ref.name, ctx.lockTimeoutMs, ctx, true);
    let lock: FileLock | undefined;
    try {
      lock = await lockForWriting(ref, ctx);
      const st = fs.fstatSync(lock.fd, { bigint: true });
      const size = Number(st.size);
      const mtime = new Date(Number(st.mtimeMs));
      const env = { name: ref.name, now: ctx.now(), mtime, lenient: ctx.lenient };
      const first = size > 0 ? await scanFirst(framing, lock.fd, size, env, newScanState()) : undefined;
      const dialect = await surveyed(framing, lock.fd, size, first, ctx, ref.name);
      const state = newScanState();
      const entries: MessageEntry[] = [];
      const scan = scanMessages(framing, {
        ...env, fd: lock.fd, from: 0, to: size, state, warn: ctx.warn, note: ctx.note,
      });
      for await (const m of scan) if (!m.pseudo) entries.push(entryOf(m));
      lock.unlock();
      const session: Session = {
        lock: sessionLock, ino: st.ino, state, entries,
        // Unlike a c-client session, opening read-write changes nothing by itself: mailsmith is not
        // a mail reader, so it clears no \Recent and rewrites only for a store or an expunge.
        dirty: false,
      };
      const mailbox = new BerkeleyMailbox(framing, ref, ctx, lock.fd, undefined, session, state, size, mtime, dialect);
      mailbox.finishScan(state, entries.length, true);
      return mailbox;
    } catch (e) {
      lock?.release();
      sessionLock.releaseSession();
      throw e;
    }
  }

  get meta(): MailboxMeta {
    return { uidValidity: this.uidValidity, uidLast: this.uidLast, keywords: declaredKeywords(this.keywords) };
  }

  get byteSize(): number {
    return this.size;
  }

  messages(): AsyncIterable<MessageRecord> {
    this.assertOpen();
    return this.session ? this.sessionMessages(this.session) : this.scannedMessages();
  }

  /** Read-only: parse while streaming; UIDs and meta as c-client would compute them at open. */
  private async *scannedMessages(): AsyncGenerator<MessageRecord> {
    const first = !this.scanned;
    const state = newScanState();
    const quiet = (): void => {};
    let seq = 0;
    const scan = scanMessages(this.framing, {
      ...this.scanEnv(this.fd, this.size), from: 0, state,
      warn: first ? this.ctx.warn : quiet, note: first ? this.ctx.note : quiet,
    });
    for await (const m of scan) {
      if (m.pseudo) continue;
      if (m.info.recent) this.sawRecent = true;
      yield new BerkeleyMessageRecord({
        seq: ++seq, uid: m.info.uid, internalDate: m.date, flags: m.info.flags,
        keywords: keywordNames(state.keywords, m.info.keywordMask), recent: m.info.recent, position: m.end,
        headerSize: m.info.size, data: m.data, fromLength: m.fromLength, headerLength: m.headerLength,
        mboxrd: this.dialect.mboxrd,
      });
    }
    this.finishScan(state, seq, first);
    this.scanned = true;
  }

  /** After a complete parse: a mailbox without (or with discarded) UID validity gets a new one. */
  private finishScan(state: ScanState, count: number, report: boolean): void {
    if (!state.uidValidity) {
      state.uidValidity = state.base ? seconds(this.ctx.now()) : this.uidValidity;
      if (count > 0 && report) this.ctx.note('Assigning new unique identifiers to all messages');
    }
    this.uidValidity = state.uidValidity;
    this.uidLast = state.uidLast;
    this.keywords = state.keywords;
    this.pseudo = state.pseudo;
  }

  /** Read-write: the messages as this session holds them (flag changes included). */
  private async *sessionMessages(s: Session): AsyncGenerator<MessageRecord> {
    await this.catchUp(s);
    const reader = new RangeReader(this.fd, this.size);
    const entries = s.entries;
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      const data = await reader.get(e.start, e.start + storedLength(e));
      if (data.length < storedLength(e)) throw this.shrank(fs.fstatSync(this.fd).size);
      yield new BerkeleyMessageRecord({
        seq: i + 1, uid: e.uid, internalDate: e.date, flags: e.flags,
        keywords: keywordNames(this.keywords, e.keywordMask), recent: e.recent,
        position: i + 1 < entries.length ? entries[i + 1]!.start : this.size,
        headerSize: e.headerSize, data, fromLength: e.fromLength, headerLength: e.headerLength,
        mboxrd: this.dialect.mboxrd,
      });
    }
  }

  private shrank(size: number): CorruptMailbox {
    return new CorruptMailbox(this.name, size, `Mailbox shrank from ${this.size} to ${size} bytes, aborted`);
  }

  /** Parses what other processes appended since this session last looked, if anything. */
  private async catchUp(s: Session): Promise<void> {
    const st = fs.statSync(this.ref.path, { throwIfNoEntry: false, bigint: true });
    if (st && st.ino === s.ino && Number(st.size) === this.size) return;
    const lock = await lockFile(this.ref.path, this.name, fs.constants.O_RDONLY, 'shared', this.ctx);
    try {
      await this.parseTail(s, lock.fd);
    } finally {
      lock.release();
    }
  }

  /** Adds the messages after this.size in the (locked) file fd to the session. */
  private async parseTail(s: Session, fd: number): Promise<void> {
    const st = fs.fstatSync(fd, { bigint: true });
    if (st.ino !== s.ino) {
      throw new CorruptMailbox(this.name, 0, 'Unexpected changes to mailbox (try restarting): the file was replaced');
    }
    const size = Number(st.size);
    if (size < this.size) throw this.shrank(size);
    if (size === this.size) return;
    this.mtime = new Date(Number(st.mtimeMs));
    const scan = scanMessages(this.framing, {
      ...this.scanEnv(fd, size), from: this.size, state: s.state, warn: this.ctx.warn, note: this.ctx.note,
    });
    for await (const m of scan) s.entries.push(entryOf(m));
    this.size = size;
    this.keywords = s.state.keywords;
    this.uidLast = s.state.uidLast;
  }

  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    this.assertOpen();
    // our own shared flock would keep the exclusive one below waiting
    if (this.readLock) flockNow(this.fd, 'unlock');
    try {
      const lock = await lockFile(this.ref.path, this.name, fs.constants.O_RDWR, 'exclusive', this.ctx);
      try {
        return await this.appendLocked(lock.fd, batch, options);
      } finally {
        lock.release();
      }
    } finally {
      if (this.readLock && !(await flockWait(this.fd, 'shared', this.ctx.lockTimeoutMs))) {
        this.ctx.warn(`Mailbox ${this.name} is being changed by another process; reading what was there at open`);
      }
    }
  }

  private async appendLocked(fd: number, batch: AsyncIterable<NewMessage>, options: AppendOptions): Promise<AppendResult> {
    const oldSize = Number((await fstat(fd)).size);
    const now = this.ctx.now();
    // what the file says now: another process may have changed it since this session began
    const head = newScanState();
    const first = oldSize > 0 ? await scanFirst(this.framing, fd, oldSize, this.firstEnv(now), head) : undefined;
    // keywords are declared by this read-write session, or by an appender that holds the session lock meanwhile
    const borrowed = this.session ? undefined : await trySessionLock(this.ref.path, this.name, this.ctx);
    const canDeclare = this.session !== undefined || borrowed !== undefined;
    const slots: KeywordSlots = [...(this.session ? this.keywords : head.keywords)];
    const declaredBefore = declaredKeywords(slots).length;
    const uidRule = this.keptUidRule(head, first, oldSize, canDeclare);
    const acc = new AppendAccounting(this.name, this.format, options.strict ?? false);
    const uids: number[] = [];
    let lastKept = Math.max(uidRule?.floor ?? 0, this.lastKeptUid);
    const writer = new BatchWriter(fd, oldSize);
    try {
      if (oldSize > 0 && !(await endsWithLf(fd, oldSize))) {
        // a last message without a final newline would swallow the next message's first line
        await writer.put('\n');
      }
      for await (const msg of batch) {
        const keywords = keywordsFor(msg.keywords, slots, canDeclare, acc);
        let uid: number | undefined;
        if (options.keepUids) {
          const lost = (): void => acc.loss('uid', 'UID not kept', `UID ${msg.uid ?? '(none)'}`);
          if (!uidRule) lost();
          else {
            uid = msg.uid !== undefined && msg.uid > lastKept ? msg.uid : lastKept + 1;
            if (uid !== msg.uid) lost();
            uids.push((lastKept = uid));
          }
        }
        await writer.put(this.framing.appendPrefix + appendBlock({
          user: this.ctx.user, host: this.ctx.host, date: msg.internalDate, flags: flagsToBits(msg.flags), keywords, uid,
        }));
        // a file read as mboxrd stays mboxrd: lines that are quoted already get one more ">"
        const text = this.dialect.mboxrd ? quoteQuotedFromLines(msg.text) : msg.text;
        const report = await this.framing.putAppendedText(writer, text);
        if (report.bareCr) acc.loss('bare-cr', 'CR not followed by LF', 'a CR not followed by LF');
        if (report.delimiterCut) acc.loss('delimiter', '^A ending a line', 'a line ending in ^A^A^A^A');
        if (report.fromQuoted) acc.change('from-quoted');
        if (report.headerRenamed) acc.change('header-renamed');
        if (report.newlineAdded) acc.change('newline-added');
        if (report.headerNul) acc.change('header-nul');
        acc.appended++;
        options.onMessage?.(acc.appended);
      }
      await writer.flush();
      const declared = declaredKeywords(slots).length > declaredBefore;
      const lastUid = Math.max(head.base?.uidLast ?? 0, lastKept);
      if (uids.length > 0 && first && head.base && lastUid > head.base.uidLast) await raiseLastUid(fd, first, lastUid);
      this.lastKeptUid = lastKept;
      // mtime after atime: the mailbox has new mail
      const t = seconds(now);
      fs.futimesSync(fd, t - 1, t);
      await fsync(fd);
      if (this.session) {
        // the session's rewrite writes the new keywords, and X-IMAPbase where the file has no mailbox data
        if (declared) this.session.state.keywords = this.keywords = slots;
        if (declared || (uids.length > 0 && !head.base)) this.session.dirty = true;
      } else if (declared || (uids.length > 0 && !head.base)) {
        // the last step: once the file is replaced, the append has happened
        await this.replaceBaseLine(fd, writer.offset, head, slots, lastUid, now);
      }
    } catch (e) {
      await ftruncate(fd, oldSize).then(() => fsync(fd)).catch(() => {});
      if (e instanceof MailsmithError) throw e;
      throw ioError(e, `Message append failed for ${this.name}`);
    } finally {
      borrowed?.releaseSession();
    }
    if (!this.session) this.keywords = slots;
    return acc.result(uids);
  }

  /**
   * Whether kept UIDs will be believed on reading, and above which UID they must
   * lie: c-client only trusts X-UID with a UID validity and rising UIDs. A mailbox
   * holding only its pseudo-message (just created for a copy) takes any UIDs; an
   * older one only UIDs above its last; an empty file gets X-IMAPbase added.
   */
  private keptUidRule(
    head: ScanState, first: RawMessage | undefined, size: number, canDeclare: boolean,
  ): { floor: number } | undefined {
    if (this.session) return { floor: this.session.entries.length > 0 ? this.uidLast : 0 };
    if (head.base) return { floor: first?.pseudo && first.end >= size ? 0 : head.base.uidLast };
    return size === 0 && canDeclare ? { floor: 0 } : undefined;
  }

  /** Declares keywords (or gives the file its mailbox data) by replacing the file with an updated first message. */
  private async replaceBaseLine(
    fd: number, size: number, head: ScanState, slots: KeywordSlots, lastUid: number, now: Date,
  ): Promise<void> {
    const first = (await scanFirst(this.framing, fd, size, this.firstEnv(now), newScanState()))!;
    const line = findBaseLine(first);
    const uidValidity = head.base?.uidValidity ?? this.uidValidity;
    const text = baseLineText(line?.pseudo ?? false, { uidValidity, uidLast: lastUid, keywords: declaredKeywords(slots) });
    const tmp = tempFileBeside(this.ref.path, this.name);
    try {
      await copyWithBaseLine(fd, size, first, line, text, tmp);
      const t = seconds(now);
      fs.futimesSync(tmp.fd, t - 1, t);
      await tmp.commit(this.ref.path);
    } catch (e) {
      tmp.discard();
      throw e;
    }
    fs.closeSync(tmp.fd);
    this.uidValidity = uidValidity;
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    const s = this.writableSession('store');
    await this.catchUp(s);
    const add = flagsToBits(change.add?.flags ?? []);
    const remove = flagsToBits(change.remove?.flags ?? []);
    let addMask = 0;
    for (const name of change.add?.keywords ?? []) {
      let slot = findKeyword(this.keywords, name);
      if (slot < 0) {
        if (!storableKeyword(name)) {
          this.ctx.warn(`Invalid flag: ${name}`);
          continue;
        }
        slot = declareKeyword(this.keywords, name);
        if (slot < 0) {
          this.ctx.warn(`Too many user flags in mailbox: ${name}`);
          continue;
        }
        s.dirty = true;
      }
      addMask |= 1 << slot;
    }
    let removeMask = 0;
    for (const name of change.remove?.keywords ?? []) {
      const slot = findKeyword(this.keywords, name);
      if (slot >= 0) removeMask |= 1 << slot;
    }
    const wanted = new Set(uids);
    for (const e of s.entries) {
      if (!wanted.has(e.uid)) continue;
      const flags = (e.flags | add) & ~remove;
      const mask = (e.keywordMask | addMask) & ~removeMask;
      if (flags !== e.flags || mask !== e.keywordMask) {
        e.flags = flags;
        e.keywordMask = mask;
        s.dirty = true;
      }
    }
  }

  async expunge(uids?: readonly number[]): Promise<number> {
    const s = this.writableSession('expunge');
    const only = uids ? new Set(uids) : undefined;
    const doomed = (e: MessageEntry): boolean => (e.flags & FLAG_BITS['\\Deleted']) !== 0 && (!only || only.has(e.uid));
    await this.catchUp(s);
    if (!s.dirty && !s.entries.some(doomed)) {
      this.ctx.note('No messages deleted, so no update needed');
      return 0;
    }
    const n = await this.rewrite(s, doomed);
    this.ctx.note(n > 0 ? `Expunged ${n} messages` : 'Mailbox checkpointed, but no messages expunged');
    return n;
  }

  /**
   * Writes the session's state into a new file beside the mailbox and renames it
   * over the original, all under the session lock, the dot-lock and an exclusive
   * flock. Returns how many messages were left out.
   */
  private async rewrite(s: Session, doomed: (e: MessageEntry) => boolean): Promise<number> {
    const lock = await lockFile(this.ref.path, this.name, fs.constants.O_RDWR, 'exclusive', this.ctx);
    try {
      await this.parseTail(s, lock.fd);
      const survivors = s.entries.filter((e) => !doomed(e));
      const tmp = tempFileBeside(this.ref.path, this.name);
      let newLock: TmpLock | undefined;
      try {
        // the new file gets its session lock before anyone can open it by name
        newLock = await sessionLockForFd(tmp.fd, this.name, this.ctx);
        const out = new BatchWriter(tmp.fd, 0);
        const now = this.ctx.now();
        const result = await writeRewritten(this.framing, new RangeReader(lock.fd, this.size), out, survivors, {
          name: this.name, pseudo: this.pseudo, uidValidity: this.uidValidity, uidLast: this.uidLast,
          keywords: this.keywords, ctx: this.ctx, now, dialect: this.dialect,
        });
        await out.flush();
        // atime after mtime: nothing new since this session looked
        const t = seconds(now);
        fs.futimesSync(tmp.fd, t, t - 1);
        const ino = fs.fstatSync(tmp.fd, { bigint: true }).ino;
        await tmp.commit(this.ref.path);
        // from here on the new file is the mailbox: nothing below can fail
        const expunged = s.entries.length - survivors.length;
        s.lock.releaseSession();
        s.lock = newLock;
        s.ino = ino;
        s.entries = result.entries;
        s.dirty = false;
        fs.closeSync(this.fd);
        this.fd = tmp.fd;
        this.size = out.offset;
        this.mtime = new Date((t - 1) * 1000);
        this.pseudo = result.pseudo;
        // the file is in c-client's own dialect now
        this.dialect = PLAIN_FILE;
        return expunged;
      } catch (e) {
        tmp.discard();
        newLock?.releaseSession();
        throw e instanceof MailsmithError ? e : ioError(e, `Unable to write to mailbox ${this.name}`);
      }
    } finally {
      lock.release();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      if (this.session?.dirty) await this.rewrite(this.session, () => false);
    } finally {
      if (this.readLock) {
        this.readLock.release();
        if (this.sawRecent) this.keepNewMail();
      } else fs.closeSync(this.fd);
      this.session?.lock.releaseSession();
    }
  }

  /**
   * Reading moved the access time past the modification time, which mail
   * readers and biff take as "no new mail"; with recent messages, c-client puts
   * the access time back just before the modification time.
   */
  private keepNewMail(): void {
    try {
      const st = fs.statSync(this.ref.path);
      // the real clock: this compares with times the file system wrote
      const mtime = Math.min(Math.floor(st.mtimeMs / 1000), seconds(new Date()));
      if (st.atimeMs >= st.mtimeMs || st.atimeMs >= st.ctimeMs) fs.utimesSync(this.ref.path, mtime - 1, mtime);
    } catch {
      // times are a courtesy to mail readers; failing to set them loses nothing
    }
  }

  /** What a scan of `size` bytes of fd needs besides where to start and what to report. */
  private scanEnv(fd: number, size: number): Omit<ScanEnv, 'warn' | 'note'> {
    return { fd, to: size, name: this.name, now: this.ctx.now(), mtime: this.mtime, lenient: this.ctx.lenient };
  }

  /** What reading the first message of the file needs. */
  private firstEnv(now: Date): { name: string; now: Date; mtime: Date; lenient: boolean } {
    return { name: this.name, now, mtime: this.mtime, lenient: this.ctx.lenient };
  }

  private assertOpen(): void {
    if (this.closed) throw new MailsmithError('usage', `mailbox ${this.name} is closed`);
  }

  private writableSession(what: string): Session {
    this.assertOpen();
    if (!this.session) throw new ReadOnlyMailbox(this.name, `Can't ${what} in ${this.name}: it was opened read-only`);
    return this.session;
  }
}

/** A lenient read first learns what it must know about the whole file (mboxrd quoting). */
async function surveyed(
  framing: Framing, fd: number, size: number, first: RawMessage | undefined, ctx: StoreContext, name: string,
): Promise<FileDialect> {
  if (!ctx.lenient || !framing.survey || size === 0) return PLAIN_FILE;
  const dialect = await framing.survey(fd, size, first);
  if (dialect.mboxrd) {
    ctx.note(`${name} reads as mboxrd (it has ">>From" lines): one ">" comes off every body line that matches ^>+From`);
  }
  return dialect;
}

/** The mailbox opened for writing (and dot-locked, flocked shared), or why it cannot be. */
async function lockForWriting(ref: LocalRef, ctx: StoreContext): Promise<FileLock> {
  try {
    return await lockFile(ref.path, ref.name, fs.constants.O_RDWR, 'shared', ctx);
  } catch (e) {
    const code = (e as { cause?: NodeJS.ErrnoException }).cause?.code;
    if (code === 'EACCES' || code === 'EROFS') {
      throw new ReadOnlyMailbox(ref.name, `Can't get write access to mailbox ${ref.name}`);
    }
    throw e;
  }
}
