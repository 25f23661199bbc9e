// An open MH folder (formats-dir.md 4). MH stores the text and the file times
// only: the UID is the file number, the UID validity the time of the open, the
// internal date the mtime (UTC), and \Seen is c-client's guess on the first
// scan after an open: the file was read after it was written (atime > mtime).
// Flag changes live in this session's memory, as in c-client, so that a move
// or prune can mark and expunge; nothing but append and expunge writes. No
// locks exist for MH.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxNotFound, MailsmithError, NotAMailbox, ReadOnlyMailbox, Unsupported, ioError } from '../../errors.js';
import { readFullySync } from '../../io/fd.js';
import { NewFileBatch } from '../../io/new-files.js';
import { FLAG_BITS, flagsToBits } from '../../mail/flags.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { hasBareCr, toCrlf, withoutCr } from '../shared/crlf.js';
import { flagList } from '../shared/flag-list.js';
import { syncDirectory } from '../shared/sync-directory.js';
import { MhLosses } from './losses.js';
import { scanNumbers } from './scan.js';

const SEEN = FLAG_BITS['\\Seen'];
const DELETED = FLAG_BITS['\\Deleted'];

/** What a stat says about a message file. */
interface FileFacts {
  readonly size: number;
  readonly atimeMs: number;
  readonly mtimeMs: number;
}

export class MhMailbox implements Mailbox {
  readonly format = 'mh' as const;
  private closed = false;
  private uidLast: number;
  /** Flags set or cleared in this session: MH cannot store them. */
  private readonly memory = new Map<number, number>();
  private listedBytes: number | undefined;
  /** A second listing finds the same oddity again; the user hears of it once. */
  private readonly warned = new Set<string>();
  /** What readFile reads into. */
  private readBuffer = Buffer.alloc(0);

  private constructor(
    readonly ref: LocalRef,
    readonly writable: boolean,
    private readonly uidValidity: number,
    /** The highest number at open: files above it arrived since, are \Recent and not judged by atime. */
    private readonly openUidLast: number,
    private readonly ctx: StoreContext,
  ) {
    this.uidLast = openUidLast;
  }

  static async open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<MhMailbox> {
    const st = fs.statSync(ref.path, { throwIfNoEntry: false });
    if (!st) throw new MailboxNotFound(ref.name);
    if (!st.isDirectory()) throw new NotAMailbox(ref.name, `Not a MH-format mailbox: ${ref.name}`);
    let writable = mode === 'write';
    if (writable && !canWrite(ref.path)) {
      ctx.warn(`Can't get write access to mailbox, access is readonly`);
      writable = false;
    }
    const numbers = scanNumbers(ref.path, ref.name);
    const last = numbers.length > 0 ? numbers[numbers.length - 1]! : 0;
    return new MhMailbox(ref, writable, Math.floor(ctx.now().getTime() / 1000), last, ctx);
  }

  get meta(): MailboxMeta {
    return { uidValidity: this.uidValidity, uidLast: this.uidLast, keywords: [] };
  }

  get byteSize(): number | undefined {
    return this.listedBytes;
  }

  // ---- reading ------------------------------------------------------------------------------

  /**
   * The folder's files in number order: one stat each first (the times for \Seen, before any
   * reading can move an atime; the sizes for progress), then each file read whole, one at a
   * time, since RFC822.SIZE counts its line ends. A file gone by then was expunged by another
   * process and is left out.
   */
  async *messages(): AsyncGenerator<MessageRecord> {
    this.checkOpen();
    const numbers = this.scan();
    // the stat facts in typed arrays, not an object per file: memory stays flat (size -1: not a file)
    const sizes = new Float64Array(numbers.length);
    const atimes = new Float64Array(numbers.length);
    const mtimes = new Float64Array(numbers.length);
    let total = 0;
    for (let i = 0; i < numbers.length; i++) {
      const n = numbers[i]!;
      const st = fs.statSync(this.file(n), { throwIfNoEntry: false });
      if (!st?.isFile()) {
        sizes[i] = -1;
        if (st) this.warnOnce(`${this.ref.name}: ignoring ${n}, which is not a regular file`);
        continue;
      }
      sizes[i] = st.size;
      atimes[i] = st.atimeMs;
      mtimes[i] = st.mtimeMs;
      total += st.size;
    }
    this.listedBytes = total;
    let position = 0;
    let seq = 0;
    for (let i = 0; i < numbers.length; i++) {
      const uid = numbers[i]!;
      if (sizes[i]! < 0) continue;
      const before: FileFacts = { size: sizes[i]!, atimeMs: atimes[i]!, mtimeMs: mtimes[i]! };
      const file = this.readFile(uid);
      if (!file) continue;
      // file is the reused read buffer: a text that needs no CR is copied out of it
      const crlf = toCrlf(file);
      const text = crlf === file ? Buffer.from(file) : crlf;
      position += before.size;
      yield {
        seq: ++seq,
        uid,
        internalDate: { ms: Math.floor(before.mtimeMs / 1000) * 1000, zone: 0 },
        flags: flagList(this.flagsOf(uid, before)),
        keywords: [],
        recent: uid > this.openUidLast,
        size: text.length,
        position,
        text: async () => text,
      };
    }
  }

  /**
   * The file's bytes, read with O_NOATIME where the owner (or root) may, so that reading an
   * unread message does not make the next reader take it for \Seen (c-client's own reads do).
   * undefined when the file has gone. The bytes are a view of a buffer the next read reuses
   * (one buffer for the whole pass rather than one per message).
   */
  private readFile(uid: number): Buffer | undefined {
    const p = this.file(uid);
    let fd: number;
    try {
      try {
        fd = fs.openSync(p, fs.constants.O_RDONLY | fs.constants.O_NOATIME);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
        fd = fs.openSync(p, fs.constants.O_RDONLY);
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw ioError(e, `can't read message ${uid} of ${this.ref.name}`);
    }
    try {
      const size = fs.fstatSync(fd).size;
      if (size > this.readBuffer.length) this.readBuffer = Buffer.allocUnsafe(Math.max(size, 2 * this.readBuffer.length, 1 << 20));
      return this.readBuffer.subarray(0, readFullySync(fd, this.readBuffer, 0, size, 0));
    } catch (e) {
      throw ioError(e, `can't read message ${uid} of ${this.ref.name}`);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** The session's flags for a message, else c-client's guess from the first scan's atime rule. */
  private flagsOf(uid: number, facts: FileFacts | undefined): number {
    const known = this.memory.get(uid);
    if (known !== undefined) return known;
    return uid <= this.openUidLast && facts && seenByTimes(facts) ? SEEN : 0;
  }

  // ---- writing ------------------------------------------------------------------------------

  /**
   * c-client's mh_append: the messages get the numbers after the highest in the folder, each a
   * new file (O_EXCL) holding the text without CRs, mtime = internal date, atime = now. Flags,
   * keywords, UIDs and zones are not kept, and AppendResult says so. All files are flushed
   * together; if anything fails, those written are removed.
   */
  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    this.checkWritable();
    const numbers = this.scan();
    let last = numbers.length > 0 ? numbers[numbers.length - 1]! : 0;
    const losses = new MhLosses(this.ref.name, options.keepUids ?? false, options.strict ?? false);
    const files = new NewFileBatch(this.ref.path);
    const atime = Math.floor(this.ctx.now().getTime() / 1000);
    let appended = 0;
    try {
      for await (const msg of batch) {
        if (msg.text.length === 0) throw new Unsupported(`${this.ref.name}: Append of zero-length message`);
        losses.check(msg);
        const data = withoutCr(msg.text);
        if (hasBareCr(msg.text)) losses.bareCr();
        const n = last + 1;
        try {
          files.add(String(n), [data], { atime, mtime: Math.floor(msg.internalDate.ms / 1000) });
        } catch (e) {
          throw ioError(e, `${this.ref.name}: Can't open append message ${n}`);
        }
        last = n;
        appended++;
        options.onMessage?.(appended);
      }
      files.commit();
    } catch (e) {
      files.abort();
      throw ioError(e, `can't append to ${this.ref.name}`);
    }
    this.uidLast = Math.max(this.uidLast, last);
    // c-client: "Can not return meaningful APPENDUID with this mailbox format"
    return { appended, uids: [], losses: losses.byKind, changes: new Map() };
  }

  /** In memory only (MH has nowhere to keep flags); keywords draw c-client's `Unknown flag` warning. */
  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    this.checkWritable();
    for (const k of new Set([...(change.add?.keywords ?? []), ...(change.remove?.keywords ?? [])])) {
      this.ctx.warn(`Unknown flag: ${k}`);
    }
    const add = flagsToBits(change.add?.flags ?? []);
    const remove = flagsToBits(change.remove?.flags ?? []);
    if (add === 0 && remove === 0) return;
    const present = new Set(this.scan());
    for (const uid of new Set(uids)) {
      if (!present.has(uid)) continue;
      const now = this.flagsOf(uid, this.memory.has(uid) ? undefined : statFacts(this.file(uid)));
      this.memory.set(uid, (now | add) & ~remove);
    }
  }

  /** c-client's mh_expunge: unlink the file of each message marked \Deleted in this session; numbers are never reused for others. */
  async expunge(uids?: readonly number[]): Promise<number> {
    this.checkWritable();
    const wanted = uids ? new Set(uids) : undefined;
    let gone = 0;
    let failure: MailsmithError | undefined;
    const numbers = this.scan();
    for (let i = 0; i < numbers.length; i++) {
      const uid = numbers[i]!;
      if (((this.memory.get(uid) ?? 0) & DELETED) === 0 || (wanted && !wanted.has(uid))) continue;
      try {
        fs.rmSync(this.file(uid), { force: true });
      } catch (e) {
        // c-client counts in message numbers, which shrink as messages go
        failure = ioError(e, `${this.ref.name}: Expunge of message ${i + 1 - gone} failed, aborted`);
        break;
      }
      this.memory.delete(uid);
      gone++;
    }
    if (gone > 0) {
      syncDirectory(this.ref.path);
      this.ctx.note(`Expunged ${gone} messages`);
    }
    if (failure) throw failure;
    return gone;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.memory.clear();
  }

  // ---- internals ----------------------------------------------------------------------------

  private scan(): number[] {
    const numbers = scanNumbers(this.ref.path, this.ref.name);
    if (numbers.length > 0) this.uidLast = Math.max(this.uidLast, numbers[numbers.length - 1]!);
    return numbers;
  }

  private file(uid: number): string {
    return path.join(this.ref.path, String(uid));
  }

  private checkOpen(): void {
    if (this.closed) throw new MailsmithError('io', `${this.ref.name}: the mailbox is closed`);
  }

  private warnOnce(text: string): void {
    if (this.warned.has(text)) return;
    this.warned.add(text);
    this.ctx.warn(text);
  }

  private checkWritable(): void {
    this.checkOpen();
    if (!this.writable) throw new ReadOnlyMailbox(this.ref.name);
  }
}

/** c-client compares whole seconds: st_atime > st_mtime. */
function seenByTimes(f: FileFacts): boolean {
  return Math.floor(f.atimeMs / 1000) > Math.floor(f.mtimeMs / 1000);
}

function statFacts(file: string): FileFacts | undefined {
  const st = fs.statSync(file, { throwIfNoEntry: false });
  return st ? { size: st.size, atimeMs: st.atimeMs, mtimeMs: st.mtimeMs } : undefined;
}

function canWrite(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}
