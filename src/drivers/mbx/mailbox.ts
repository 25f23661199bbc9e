// An open mbx mailbox (formats-flat.md 4; locking.md 5). Read-only sessions
// never write a byte. Read-write sessions number UID-less messages as c-client's
// read-write parse does, but lazily: at open and before a listing only in
// memory, and in the file (UID and "old" bit in place, last UID in the header)
// before the first change (store, expunge, UID-keeping append). UIDs are the
// same either way (the numbering depends only on the file), so they are stable
// for store and expunge, and a session that ends up changing nothing (a failed
// move, a plain append, which c-client does without numbering) leaves the file
// as it was.
import fs from 'node:fs';
import { CorruptMailbox, MailsmithError, NotAMailbox, ioError } from '../../errors.js';
import { currentLocalZone, parseCClientDate } from '../../mail/dates.js';
import { FLAG_BITS, FLAG_EXPUNGED, FLAG_OLD, flagsToBits, isValidKeyword } from '../../mail/flags.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { AppendPlan } from './append-plan.js';
import { dateError, formatStatus, SYSTEM_BITS } from './entry.js';
import {
  definedKeywords, HEADER_SIZE, keywordBit, looksLikeMbx, MAX_KEYWORDS, parseHeader, serializeHeader, type MbxHeader,
} from './header.js';
import { fstat, fsync, ftruncate, readFully, writeFully } from '../../io/fd.js';
import { AppendBuffer } from '../shared/append-buffer.js';
import { compact } from '../shared/compact.js';
import { flagList } from '../shared/flag-list.js';
import { storeKeywordMask } from '../shared/keyword-mask.js';
import { openSessionFile, SessionFile } from '../shared/session-file.js';
import { HeaderLineIndex } from '../shared/header-line-index.js';
import { tuning } from './io.js';
import { parseLock, sessionLock, tryExclusive, withParseLock } from './locking.js';
import { KeywordNames } from './names.js';
import { parseReadWrite } from './parse.js';
import { Scanner } from './reader.js';
import { ChunkPatcher, rewriteStatuses, type StatusTarget } from './status.js';
import { UidTracker } from './uids.js';

const PID_FIELD = HEADER_SIZE - 10;

/** Reads and checks the 2048-byte header (the bytes too, to keep the PID field as it was). */
async function readHeader(fd: number, mailbox: string): Promise<{ header: MbxHeader; bytes: Buffer }> {
  const bytes = Buffer.alloc(HEADER_SIZE);
  const got = await readFully(fd, bytes, 0, HEADER_SIZE, 0);
  if (got < HEADER_SIZE || !looksLikeMbx(bytes)) throw new NotAMailbox(mailbox, `Not a MBX-format mailbox: ${mailbox}`);
  return { header: parseHeader(bytes), bytes };
}

export class MbxMailbox implements Mailbox {
  readonly format = 'mbx' as const;
  private readonly file: SessionFile;
  private header: MbxHeader;
  // read-write sessions: what the last parse saw (c-client's message cache and LOCAL->filesize)
  private index = new HeaderLineIndex();
  private parsedTo = HEADER_SIZE;
  /** UID of the last message in the file, hidden ones included (c-client's lastuid). */
  private lastFileUid = 0;
  private hiddenSeen = false;
  /** The index holds UIDs or "old" bits that are not in the file yet (a parse without writing). */
  private pending = false;
  /** mtime and PID field after our last parse or write; a difference means another process wrote. */
  private seenMtime = -1n;
  private seenPid = 0;
  /** Another process wrote since we last looked: the next parse starts over (c-client's flagcheck). */
  private flagcheck = false;
  /** Listings in progress: compaction would move their text, so expunge hides instead. */
  private listings = 0;
  /** Bumped by every compaction; text() of an older listing refuses to read moved bytes. */
  private layout = 0;
  /** A parse that starts over (or a second listing) finds the same damage again; the user hears of it once. */
  private readonly warned = new Set<string>();
  private rebuiltValidity: number | undefined;

  private constructor(
    readonly ref: LocalRef,
    readonly writable: boolean,
    readonly byteSize: number,
    fd: number,
    header: MbxHeader,
    private readonly ctx: StoreContext,
  ) {
    this.file = new SessionFile(fd, ref.name, writable);
    this.header = header;
    this.seenPid = header.pid;
  }

  get meta(): MailboxMeta {
    const h = this.header;
    return { uidValidity: h.uidValidity, uidLast: h.uidLast, keywords: definedKeywords(h.slots) };
  }

  /** Opens the file, takes the session's shared flock under the parse/append lock and, read-write, parses. */
  static async open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<MbxMailbox> {
    const { fd, writable } = openSessionFile({ path: ref.path, name: ref.name, mode, warn: ctx.warn, cannotOpen: `can't open ${ref.name}` });
    try {
      const lock = await parseLock(fd, ref.name, ctx.lockTimeoutMs);
      try {
        await sessionLock(fd, ref.name, ctx.lockTimeoutMs);
        const { header } = await readHeader(fd, ref.name);
        const mb = new MbxMailbox(ref, writable, Number((await fstat(fd)).size), fd, header, ctx);
        if (writable) await mb.parseLocked(false);
        return mb;
      } finally {
        lock.release();
      }
    } catch (e) {
      fs.closeSync(fd);
      throw ioError(e, `can't open ${ref.name}`);
    }
  }

  // ---- reading ------------------------------------------------------------------------------

  async *messages(): AsyncGenerator<MessageRecord> {
    const fd = this.file.open();
    // the lock only for a consistent header and size: appends go beyond `end`, and nobody can
    // compact while our shared flock is held
    const { header, end } = await withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, async () => {
      if (this.writable) await this.parseLocked(false);
      return {
        header: (await readHeader(fd, this.ref.name)).header,
        end: this.writable ? this.parsedTo : Number((await fstat(fd)).size),
      };
    });
    // read-write, the UIDs come from the session's own parse, which has given any warning
    const tracker = new UidTracker(header, () => this.rebuildValidity(), this.writable ? () => {} : (t) => this.warnOnce(t));
    const scanner = new Scanner(fd, this.ref.name, HEADER_SIZE, end);
    const names = new KeywordNames(header.slots);
    const zone = currentLocalZone();
    const layout = this.layout;
    let indexPos = 0;
    let seq = 0;
    this.listings++;
    try {
      for (let e = await scanner.next(); e; e = await scanner.next()) {
        const stored = tracker.check(e.uid);
        if ((e.status & FLAG_EXPUNGED) !== 0) {
          tracker.assign(stored, true);
          continue;
        }
        const internalDate = parseCClientDate(e.date, zone);
        if (!internalDate) {
          const err = dateError(e.offset, e.date);
          throw new CorruptMailbox(this.ref.name, err.offset, err.detail);
        }
        let { uid, fresh } = tracker.assign(stored, false);
        let recent = fresh || (e.status & FLAG_OLD) === 0;
        if (this.writable) {
          // the session's UID and \Recent as it first saw them (it may have written "old" since)
          const index = this.index;
          while (indexPos < index.count && index.offsetAt(indexPos) < e.offset) indexPos++;
          if (indexPos < index.count && index.offsetAt(indexPos) === e.offset) {
            uid = index.uidAt(indexPos);
            recent = index.recentAt(indexPos);
          }
        }
        const entry = e;
        yield {
          seq: ++seq,
          uid,
          internalDate,
          flags: flagList(e.status),
          keywords: names.of(e.keywords),
          recent,
          size: e.size,
          position: e.offset + e.lineLength + e.size,
          text: async () => {
            if (layout !== this.layout) {
              throw new MailsmithError('io', `${this.ref.name}: the mailbox was compacted; message ${uid} has moved`);
            }
            this.file.open();
            return scanner.text(entry);
          },
        };
      }
    } finally {
      this.listings--;
      // a read-only parse numbers UID-less messages in memory (and may rebuild), as c-client's does
      if (!this.writable) this.header = { ...header, uidValidity: tracker.uidValidity, uidLast: tracker.uidLast };
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    const fd = this.file.forChange();
    const name = this.ref.name;
    const lock = await parseLock(fd, name, this.ctx.lockTimeoutMs);
    try {
      // c-client numbers UID-less messages before an append that reports UIDs
      if (options.keepUids) await this.parseLocked(true);
      const st = await fstat(fd);
      const oldSize = Number(st.size);
      const { header, bytes: original } = await readHeader(fd, name);
      this.noticeOutsideWrites(header, st.mtimeNs);
      const plan = new AppendPlan(header, options, this.lastFileUid, name);
      const writer = new AppendBuffer(fd, oldSize, tuning.chunkSize, async () => {
        if (!plan.headerDirty) return;
        const bytes = serializeHeader({ ...plan.headerNow(), pid: null });
        original.copy(bytes, PID_FIELD, PID_FIELD); // an append leaves the PID field alone
        await writeFully(fd, bytes, 0, HEADER_SIZE, 0);
        plan.headerDirty = false;
      });
      let appended = 0;
      try {
        for await (const msg of batch) {
          const { line, text } = plan.entryFor(msg);
          await writer.add(line, text);
          appended++;
          options.onMessage?.(appended);
        }
        await writer.flush();
        await fsync(fd);
      } catch (e) {
        await rollBack(fd, oldSize, original);
        throw ioError(e, `can't append to ${name}`);
      }
      // keywords as written; the last UID as numbered (in memory, if a parse has not written it yet)
      const now = plan.headerNow();
      this.header = { ...this.header, slots: now.slots, uidLast: Math.max(this.header.uidLast, now.uidLast) };
      await this.noteOwnWrite();
      return {
        appended,
        uids: options.keepUids ? plan.uids : [],
        losses: plan.losses.byKind,
        changes: new Map(),
      };
    } finally {
      lock.release();
    }
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    const fd = this.file.forChange();
    await withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, async () => {
      await this.parseLocked(true);
      const targets = [...new Set(uids)].map((u) => this.index.find(u)).filter((i) => i >= 0).sort((a, b) => a - b);
      if (targets.length === 0) return;
      const slots = [...this.header.slots];
      const addKw = this.keywordMask(change.add?.keywords ?? [], slots, true);
      const removeKw = this.keywordMask(change.remove?.keywords ?? [], slots, false);
      const addBits = flagsToBits(change.add?.flags ?? []);
      const removeBits = flagsToBits(change.remove?.flags ?? []);
      rewriteStatuses(fd, this.ref.name, targets.map((i): StatusTarget => {
        const m = this.index.get(i);
        return {
          offset: m.offset,
          lineLength: m.lineLength,
          msgno: i + 1,
          update: (now) => {
            const keywords = ((now.keywords | addKw) & ~removeKw) >>> 0;
            // c-client also sets "old" here; mailsmith leaves \Recent to the user's mail reader
            const status = ((now.status & (SYSTEM_BITS | FLAG_EXPUNGED | FLAG_OLD)) | addBits) & ~removeBits;
            this.index.setStatus(i, status, keywords);
            return formatStatus(keywords, status, m.uid);
          },
        };
      }));
      // c-client rewrites the header when a keyword is new or the PID field is not its own
      if (slots.length !== this.header.slots.length || this.header.pid !== process.pid) {
        this.header = { ...this.header, slots, pid: process.pid };
        await writeFully(fd, serializeHeader(this.header), 0, HEADER_SIZE, 0);
      }
      await fsync(fd);
      await this.noteOwnWrite();
    });
  }

  async expunge(uids?: readonly number[]): Promise<number> {
    const fd = this.file.forChange();
    return withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, async () => {
      await this.parseLocked(true);
      const wanted = uids ? new Set(uids) : undefined;
      const index = this.index;
      const doomed = (i: number): boolean =>
        (index.statusAt(i) & FLAG_BITS['\\Deleted']) !== 0 && (!wanted || wanted.has(index.uidAt(i)));
      const n = await this.rewriteLocked(doomed);
      await this.noteOwnWrite();
      return n;
    });
  }

  async close(): Promise<void> {
    this.file.close();
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Sets flagcheck when the file's mtime or PID field is not what our last parse or write left. */
  private noticeOutsideWrites(header: MbxHeader, mtime: bigint): void {
    if (this.seenMtime < 0n) return;
    if (header.pid !== this.seenPid || mtime !== this.seenMtime) this.flagcheck = true;
  }

  /** The UID validity a rebuild sets: now, and the same now for every later parse of this session. */
  private rebuildValidity(): number {
    this.rebuiltValidity ??= Math.floor(this.ctx.now().getTime() / 1000);
    return this.rebuiltValidity;
  }

  private warnOnce(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.ctx.warn(text);
  }

  private async noteOwnWrite(): Promise<void> {
    this.seenMtime = (await fstat(this.file.open())).mtimeNs;
    this.seenPid = this.header.pid;
  }

  /**
   * c-client's read-write parse, under the parse/append lock: the messages added since the last
   * parse (all of them after an outside write) are numbered and indexed. With `write`, their UID
   * and "old" bit go into the file and the new last UID into the header, and what an earlier
   * parse numbered in memory only is written too (by starting over: the numbering depends only
   * on the file, so the UIDs come out the same).
   */
  private async parseLocked(write: boolean): Promise<void> {
    const fd = this.file.open();
    const name = this.ref.name;
    const st = await fstat(fd);
    const size = Number(st.size);
    if (size < this.parsedTo) throw new CorruptMailbox(name, size, `Mailbox shrank from ${this.parsedTo} to ${size}!`);
    const { header } = await readHeader(fd, name);
    this.noticeOutsideWrites(header, st.mtimeNs);
    const previous = this.flagcheck || (write && this.pending) ? this.index : undefined;
    if (previous) {
      this.index = new HeaderLineIndex();
      this.parsedTo = HEADER_SIZE;
      this.lastFileUid = 0;
      this.hiddenSeen = false;
      this.pending = false;
    }
    // numbering done in memory only goes on from where it got to, as c-client's read-only parse does
    const from = this.pending ? this.header : header;
    const tracker = new UidTracker(
      { uidValidity: from.uidValidity, uidLast: from.uidLast, lastSeen: this.lastFileUid, visible: this.index.count },
      () => this.rebuildValidity(), (t) => this.warnOnce(t),
    );
    const patcher = write ? new ChunkPatcher(fd) : undefined;
    let outcome;
    try {
      outcome = await parseReadWrite(fd, name, this.parsedTo, size, tracker, this.index, patcher);
    } catch (e) {
      if (patcher?.wrote) await this.writeNumbering(header, tracker);
      // like c-client's aborted stream, nothing of this parse is trusted: a retry starts over
      this.index = new HeaderLineIndex();
      this.parsedTo = HEADER_SIZE;
      this.lastFileUid = 0;
      this.pending = false;
      throw e;
    }
    if (write && (tracker.dirty || patcher!.wrote)) await this.writeNumbering(header, tracker);
    else if (!write && (tracker.dirty || outcome.recent)) this.pending = true;
    this.header = { ...header, uidValidity: tracker.uidValidity, uidLast: tracker.uidLast };
    if (outcome.hidden) this.hiddenSeen = true;
    if (previous) mergeRecent(this.index, previous);
    this.parsedTo = size;
    this.lastFileUid = tracker.lastSeen;
    this.flagcheck = false;
    this.seenMtime = (await fstat(fd)).mtimeNs;
    this.seenPid = header.pid;
  }

  /** The header after numbering: new last UID (and validity, after a rebuild), the PID field kept. */
  private async writeNumbering(header: MbxHeader, tracker: UidTracker): Promise<void> {
    const fd = this.file.open();
    await writeFully(fd, serializeHeader({ ...header, uidValidity: tracker.uidValidity, uidLast: tracker.uidLast }), 0, HEADER_SIZE, 0);
    await fsync(fd);
  }

  /**
   * c-client's mbx_rewrite: with exclusive access, compact (removing `doomed` messages and the
   * space of hidden ones); without it, hide the doomed messages with 0x8000. Returns how many
   * messages went.
   */
  private async rewriteLocked(doomed: (i: number) => boolean): Promise<number> {
    const fd = this.file.open();
    const name = this.ref.name;
    let count = 0;
    for (let i = 0; i < this.index.count; i++) if (doomed(i)) count++;
    if (count === 0 && !this.hiddenSeen) return 0;
    if (this.listings === 0 && (await tryExclusive(fd, name, this.ctx.lockTimeoutMs))) {
      try {
        const area = { start: HEADER_SIZE, end: this.parsedTo, chunkSize: tuning.chunkSize };
        const c = await compact(fd, name, this.index, area, doomed);
        await fsync(fd);
        this.index = c.index;
        this.parsedTo = c.size;
        this.hiddenSeen = false;
        this.layout++;
        if (c.expunged > 0) this.ctx.note(`Expunged ${c.expunged} messages`);
        else if (c.reclaimed > 0) this.ctx.note(`Reclaimed ${c.reclaimed} bytes of expunged space`);
        return c.expunged;
      } finally {
        await sessionLock(fd, name, this.ctx.lockTimeoutMs);
      }
    }
    if (count === 0) return 0;
    const targets: StatusTarget[] = [];
    for (let i = 0; i < this.index.count; i++) {
      if (!doomed(i)) continue;
      const m = this.index.get(i);
      targets.push({
        offset: m.offset,
        lineLength: m.lineLength,
        msgno: i + 1,
        update: (now) => formatStatus(now.keywords, (now.status & SYSTEM_BITS) | FLAG_EXPUNGED | FLAG_OLD, m.uid),
      });
    }
    rewriteStatuses(fd, name, targets);
    await fsync(fd);
    this.index = this.index.without(doomed);
    this.hiddenSeen = true;
    this.ctx.note(`Expunged ${count} messages`);
    return count;
  }

  /** Keyword names to a mask; when `create`, names not defined yet are added (c-client's STORE rules). */
  private keywordMask(names: readonly string[], slots: string[], create: boolean): number {
    return storeKeywordMask(names, slots, create, {
      max: MAX_KEYWORDS, bitOf: keywordBit, valid: isValidKeyword, warn: (t) => this.ctx.warn(t),
    });
  }
}

/** After a parse that started over, messages keep the \Recent this session first saw. */
function mergeRecent(index: HeaderLineIndex, previous: HeaderLineIndex): void {
  let j = 0;
  for (let i = 0; i < index.count; i++) {
    const uid = index.uidAt(i);
    while (j < previous.count && previous.uidAt(j) < uid) j++;
    if (j < previous.count && previous.uidAt(j) === uid && previous.recentAt(j)) index.markRecent(i);
  }
}

async function rollBack(fd: number, size: number, header: Buffer): Promise<void> {
  try {
    await ftruncate(fd, size);
    await writeFully(fd, header, 0, HEADER_SIZE, 0);
    await fsync(fd);
  } catch {
    // the append's own error is the one to report
  }
}
