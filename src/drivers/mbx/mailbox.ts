// An open mbx mailbox (formats-flat.md 4; locking.md 5). Read-only sessions
// never write a byte. Read-write sessions do what a c-client read-write stream
// does: each parse (at open, before a listing, store, expunge, or UID-keeping
// append) gives UID-less and \Recent messages their UID and the "old" bit in
// place, so that UIDs are stable for store and expunge.
import fs from 'node:fs';
import {
  CorruptMailbox, LossyCopy, MailboxNotFound, MailsmithError, NotAMailbox, ReadOnlyMailbox, Unsupported, ioError,
} from '../../errors.js';
import { currentLocalZone, parseCClientDate } from '../../mail/dates.js';
import {
  bitsToFlags, FLAG_BITS, FLAG_EXPUNGED, FLAG_OLD, flagsToBits, isValidKeyword, type SystemFlag,
} from '../../mail/flags.js';
import { flockNow } from '../../locks/index.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, LossKind, Mailbox, MailboxMeta, MessageRecord, NewMessage,
  OpenMode, StoreContext,
} from '../../store/types.js';
import { compact } from './compact.js';
import { dateError, formatEntry, formatStatus } from './entry.js';
import {
  definedKeywords, HEADER_SIZE, keywordAt, keywordBit, looksLikeMbx, MAX_KEYWORDS, parseHeader, serializeHeader,
  type MbxHeader,
} from './header.js';
import { fstat, fsync, ftruncate, preadFully, pwriteFully } from './io.js';
import { parseLock, sessionLock, tryExclusive, withParseLock } from './locking.js';
import { MessageIndex } from './msgindex.js';
import { parseReadWrite, SYSTEM_BITS } from './parse.js';
import { Scanner } from './reader.js';
import { ChunkPatcher, rewriteStatuses, type StatusTarget } from './status.js';
import { UidTracker } from './uids.js';
import { AppendWriter } from './writer.js';

const PID_FIELD = HEADER_SIZE - 10;

/** Reads and checks the 2048-byte header (the bytes too, to keep the PID field as it was). */
async function readHeader(fd: number, mailbox: string): Promise<{ header: MbxHeader; bytes: Buffer }> {
  const bytes = Buffer.alloc(HEADER_SIZE);
  const got = await preadFully(fd, bytes, 0, HEADER_SIZE, 0);
  if (got < HEADER_SIZE || !looksLikeMbx(bytes)) throw new NotAMailbox(mailbox, `Not a MBX-format mailbox: ${mailbox}`);
  return { header: parseHeader(bytes), bytes };
}

const nowSeconds = (ctx: StoreContext) => (): number => Math.floor(ctx.now().getTime() / 1000);

export class MbxMailbox implements Mailbox {
  readonly format = 'mbx' as const;
  private fd: number | undefined;
  private header: MbxHeader;
  // read-write sessions: what the last parse saw (c-client's message cache and LOCAL->filesize)
  private index = new MessageIndex();
  private parsedTo = HEADER_SIZE;
  /** UID of the last message in the file, hidden ones included (c-client's lastuid). */
  private lastFileUid = 0;
  private hiddenSeen = false;
  /** mtime and PID field after our last parse or write; a difference means another process wrote. */
  private seenMtime = -1n;
  private seenPid = 0;
  /** Another process wrote since we last looked: the next parse starts over (c-client's flagcheck). */
  private flagcheck = false;
  /** Listings in progress: compaction would move their text, so expunge hides instead. */
  private listings = 0;
  /** Bumped by every compaction; text() of an older listing refuses to read moved bytes. */
  private layout = 0;

  private constructor(
    readonly ref: LocalRef,
    readonly writable: boolean,
    readonly byteSize: number,
    fd: number,
    header: MbxHeader,
    private readonly ctx: StoreContext,
  ) {
    this.fd = fd;
    this.header = header;
    this.seenPid = header.pid;
  }

  get meta(): MailboxMeta {
    const h = this.header;
    return { uidValidity: h.uidValidity, uidLast: h.uidLast, keywords: definedKeywords(h.slots) };
  }

  /** Opens the file, takes the session's shared flock under the parse/append lock and, read-write, parses. */
  static async open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<MbxMailbox> {
    let writable = mode === 'write';
    let fd: number;
    try {
      fd = fs.openSync(ref.path, writable ? fs.constants.O_RDWR : fs.constants.O_RDONLY);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new MailboxNotFound(ref.name);
      if (!writable || (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM')) throw ioError(e, `can't open ${ref.name}`);
      try {
        fd = fs.openSync(ref.path, fs.constants.O_RDONLY);
      } catch (e2) {
        throw ioError(e2, `can't open ${ref.name}`);
      }
      ctx.warn(`Can't get write access to mailbox, access is readonly`);
      writable = false;
    }
    try {
      const lock = await parseLock(fd, ref.name, ctx.lockTimeoutMs);
      try {
        await sessionLock(fd, ref.name, ctx.lockTimeoutMs);
        const { header } = await readHeader(fd, ref.name);
        const mb = new MbxMailbox(ref, writable, Number((await fstat(fd)).size), fd, header, ctx);
        if (writable) {
          await mb.parseLocked();
          if (mb.hiddenSeen) {
            await mb.rewriteLocked(() => false);
            await mb.noteOwnWrite();
          }
        }
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
    const fd = this.openFd();
    let header: MbxHeader;
    let end: number;
    if (this.writable) {
      await withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, () => this.parseLocked());
      header = this.header;
      end = this.parsedTo;
    } else {
      // the lock only for a consistent header and size: appends go beyond `end`, and nobody can
      // compact while our shared flock is held
      ({ header, end } = await withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, async () => ({
        header: (await readHeader(fd, this.ref.name)).header,
        end: Number((await fstat(fd)).size),
      })));
    }
    const tracker = new UidTracker(header, nowSeconds(this.ctx), (t) => this.ctx.warn(t));
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
        const { uid, fresh } = tracker.assign(stored, false);
        let recent = fresh || (e.status & FLAG_OLD) === 0;
        if (this.writable) {
          // \Recent as this session first saw it (its parse has set "old" in the file since)
          while (indexPos < this.index.count && this.index.uidAt(indexPos) < uid) indexPos++;
          if (indexPos < this.index.count && this.index.uidAt(indexPos) === uid) recent = this.index.recentAt(indexPos);
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
            this.openFd();
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
    const fd = this.writableFd();
    const name = this.ref.name;
    const lock = await parseLock(fd, name, this.ctx.lockTimeoutMs);
    try {
      // c-client numbers UID-less messages before an append that reports UIDs
      if (options.keepUids) await this.parseLocked();
      const st = await fstat(fd);
      const oldSize = Number(st.size);
      const { header, bytes: original } = await readHeader(fd, name);
      this.noticeOutsideWrites(header, st.mtimeNs);
      const plan = new AppendPlan(header, options, this.lastFileUid, name);
      const writer = new AppendWriter(fd, oldSize, async () => {
        if (!plan.headerDirty) return;
        const bytes = serializeHeader({ ...plan.headerNow(), pid: null });
        original.copy(bytes, PID_FIELD, PID_FIELD); // an append leaves the PID field alone
        await pwriteFully(fd, bytes, 0, HEADER_SIZE, 0);
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
      this.header = { ...header, ...plan.headerNow() };
      await this.noteOwnWrite();
      return {
        appended,
        uids: options.keepUids ? plan.uids : [],
        losses: plan.losses,
        changes: new Map(),
      };
    } finally {
      lock.release();
    }
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    const fd = this.writableFd();
    await withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, async () => {
      await this.parseLocked();
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
            const status = (((now.status & (SYSTEM_BITS | FLAG_EXPUNGED)) | addBits) & ~removeBits) | FLAG_OLD;
            this.index.setStatus(i, status, keywords);
            return formatStatus(keywords, status, m.uid);
          },
        };
      }));
      // c-client rewrites the header when a keyword is new or the PID field is not its own
      if (slots.length !== this.header.slots.length || this.header.pid !== process.pid) {
        this.header = { ...this.header, slots, pid: process.pid };
        await pwriteFully(fd, serializeHeader(this.header), 0, HEADER_SIZE, 0);
      }
      await fsync(fd);
      await this.noteOwnWrite();
    });
  }

  async expunge(uids?: readonly number[]): Promise<number> {
    const fd = this.writableFd();
    return withParseLock(fd, this.ref.name, this.ctx.lockTimeoutMs, async () => {
      await this.parseLocked();
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
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    flockNow(fd, 'unlock');
    fs.closeSync(fd);
  }

  // ---- internals ----------------------------------------------------------------------------

  private openFd(): number {
    if (this.fd === undefined) throw new MailsmithError('io', `${this.ref.name}: the mailbox is closed`);
    return this.fd;
  }

  private writableFd(): number {
    const fd = this.openFd();
    if (!this.writable) throw new ReadOnlyMailbox(this.ref.name);
    return fd;
  }

  /** Sets flagcheck when the file's mtime or PID field is not what our last parse or write left. */
  private noticeOutsideWrites(header: MbxHeader, mtime: bigint): void {
    if (this.seenMtime < 0n) return;
    if (header.pid !== this.seenPid || mtime !== this.seenMtime) this.flagcheck = true;
  }

  private async noteOwnWrite(): Promise<void> {
    this.seenMtime = (await fstat(this.openFd())).mtimeNs;
    this.seenPid = this.header.pid;
  }

  /**
   * c-client's read-write parse, under the parse/append lock: new messages since the last
   * parse (all of them after an outside write) get their UID and "old" bit in place, the
   * header gets the new last UID, and the index learns where they are.
   */
  private async parseLocked(): Promise<void> {
    const fd = this.openFd();
    const st = await fstat(fd);
    const size = Number(st.size);
    if (size < this.parsedTo) {
      throw new CorruptMailbox(this.ref.name, size, `Mailbox shrank from ${this.parsedTo} to ${size}!`);
    }
    const { header } = await readHeader(fd, this.ref.name);
    this.noticeOutsideWrites(header, st.mtimeNs);
    this.header = header;
    const previous = this.flagcheck ? this.index : undefined;
    if (previous) {
      this.index = new MessageIndex();
      this.parsedTo = HEADER_SIZE;
      this.lastFileUid = 0;
      this.hiddenSeen = false;
    }
    if (size === this.parsedTo) {
      this.flagcheck = false;
      await this.noteOwnWrite();
      return;
    }
    const tracker = new UidTracker(
      { ...header, lastSeen: this.lastFileUid, visible: this.index.count }, nowSeconds(this.ctx), (t) => this.ctx.warn(t),
    );
    const patcher = new ChunkPatcher(fd);
    let failure: unknown;
    try {
      if (await parseReadWrite(fd, this.ref.name, this.parsedTo, size, tracker, this.index, patcher)) this.hiddenSeen = true;
    } catch (e) {
      failure = e;
    }
    if (failure === undefined || patcher.wrote) {
      if (tracker.dirty || patcher.wrote) {
        this.header = { ...header, uidValidity: tracker.uidValidity, uidLast: tracker.uidLast };
        await pwriteFully(fd, serializeHeader(this.header), 0, HEADER_SIZE, 0);
        await fsync(fd);
      }
    }
    if (failure !== undefined) {
      // like c-client's aborted stream, nothing of this parse is trusted: a retry starts over
      this.index = new MessageIndex();
      this.parsedTo = HEADER_SIZE;
      this.lastFileUid = 0;
      throw failure;
    }
    if (previous) mergeRecent(this.index, previous);
    this.parsedTo = size;
    this.lastFileUid = tracker.lastSeen;
    this.flagcheck = false;
    await this.noteOwnWrite();
  }

  /**
   * c-client's mbx_rewrite: with exclusive access, compact (removing `doomed` messages and the
   * space of hidden ones); without it, hide the doomed messages with 0x8000. Returns how many
   * messages went.
   */
  private async rewriteLocked(doomed: (i: number) => boolean): Promise<number> {
    const fd = this.openFd();
    const name = this.ref.name;
    let count = 0;
    for (let i = 0; i < this.index.count; i++) if (doomed(i)) count++;
    if (count === 0 && !this.hiddenSeen) return 0;
    if (this.listings === 0 && (await tryExclusive(fd, name, this.ctx.lockTimeoutMs))) {
      try {
        const c = await compact(fd, name, this.index, this.parsedTo, doomed);
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
    let mask = 0;
    for (const name of names) {
      let bit = keywordBit(slots, name);
      if (bit < 0 && create) {
        if (!isValidKeyword(name)) this.ctx.warn(`Invalid flag: ${name}`);
        else if (slots.length >= MAX_KEYWORDS) this.ctx.warn(`Unknown flag: ${name}`);
        else bit = slots.push(name) - 1;
      }
      if (bit >= 0) mask |= 1 << bit;
    }
    return mask >>> 0;
  }
}

/** After a parse that started over, messages keep the \Recent this session first saw. */
function mergeRecent(index: MessageIndex, previous: MessageIndex): void {
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
    await pwriteFully(fd, header, 0, HEADER_SIZE, 0);
    await fsync(fd);
  } catch {
    // the append's own error is the one to report
  }
}

const FLAG_LISTS = new Map<number, readonly SystemFlag[]>();

function flagList(status: number): readonly SystemFlag[] {
  const bits = status & SYSTEM_BITS;
  let list = FLAG_LISTS.get(bits);
  if (!list) FLAG_LISTS.set(bits, (list = Object.freeze(bitsToFlags(bits))));
  return list;
}

/** Keyword masks to names; bits without a defined name are ignored, as c-client does. */
class KeywordNames {
  private readonly cache = new Map<number, readonly string[]>();

  constructor(private readonly slots: readonly string[]) {}

  of(mask: number): readonly string[] {
    let names = this.cache.get(mask);
    if (!names) {
      const out: string[] = [];
      for (let bit = 0; bit < MAX_KEYWORDS; bit++) {
        const k = (mask & (1 << bit)) !== 0 ? keywordAt(this.slots, bit) : undefined;
        if (k !== undefined) out.push(k);
      }
      this.cache.set(mask, (names = Object.freeze(out)));
    }
    return names;
  }
}

/** What an append writes: keyword bits, UIDs and the header changes they need, and the losses. */
class AppendPlan {
  headerDirty = false;
  readonly uids: number[] = [];
  readonly losses = new Map<LossKind, Map<string, number>>();
  private readonly slots: string[];
  private uidLast: number;
  private readonly keepUids: boolean;
  private readonly strict: boolean;

  constructor(private readonly header: MbxHeader, options: AppendOptions, public lastUid: number, private readonly mailbox: string) {
    this.slots = [...header.slots];
    this.uidLast = header.uidLast;
    this.keepUids = options.keepUids ?? false;
    this.strict = options.strict ?? false;
  }

  headerNow(): { uidValidity: number; uidLast: number; slots: readonly string[] } {
    return { uidValidity: this.header.uidValidity, uidLast: this.uidLast, slots: this.slots };
  }

  entryFor(msg: NewMessage): { line: string; text: Buffer } {
    if (msg.text.length === 0) throw new Unsupported(`${this.mailbox}: Append of zero-length message`);
    let mask = 0;
    for (const name of new Set(msg.keywords)) {
      let bit = keywordBit(this.slots, name);
      if (bit < 0 && isValidKeyword(name) && this.slots.length < MAX_KEYWORDS) {
        bit = this.slots.push(name) - 1;
        this.headerDirty = true;
      }
      if (bit >= 0) mask |= 1 << bit;
      else {
        this.lose('keyword', name, isValidKeyword(name)
          ? `${this.mailbox} can't hold the keyword ${name}: an mbx mailbox has at most ${MAX_KEYWORDS} keywords`
          : `${this.mailbox} can't hold the keyword ${JSON.stringify(name)}: not a valid IMAP keyword`);
      }
    }
    let uid = 0;
    if (this.keepUids) {
      if (msg.uid !== undefined && msg.uid > this.lastUid && msg.uid <= 0xffffffff) uid = msg.uid;
      else {
        if (msg.uid) {
          this.lose('uid', 'not above the previous UID',
            `${this.mailbox} can't keep UID ${msg.uid}: it is not above the UID before it (${this.lastUid})`);
        }
        uid = Math.max(this.lastUid, this.uidLast) + 1;
      }
      // the header's last UID never stays below a stored UID, or c-client would renumber
      if (uid > this.uidLast) {
        this.uidLast = uid;
        this.headerDirty = true;
      }
      this.lastUid = uid;
      this.uids.push(uid);
    }
    const line = formatEntry(msg.internalDate, msg.text.length, mask >>> 0, flagsToBits(msg.flags), uid);
    return { line, text: msg.text };
  }

  private lose(kind: LossKind, detail: string, strictText: string): void {
    if (this.strict) throw new LossyCopy(strictText);
    let perDetail = this.losses.get(kind);
    if (!perDetail) this.losses.set(kind, (perDetail = new Map()));
    perDetail.set(detail, (perDetail.get(detail) ?? 0) + 1);
  }
}
