// An open Maildir folder (formats-dir.md 6). Opening reads the folder (both
// directories, dovecot-uidlist, dovecot-keywords) and writes nothing. Every
// change (append, flag change, expunge) is made holding dovecot-uidlist.lock
// against the folder as it is at that moment, as Dovecot does; UIDs that only
// this session gave (files the uidlist does not list yet) are written into the
// uidlist with the first change. Files are never moved from new/ to cur/: a
// message stays \Recent until the user's mail reader has seen it.
import fs from 'node:fs';
import path from 'node:path';
import { CorruptMailbox, MailboxNotFound, MailsmithError, NotAMailbox, ReadOnlyMailbox, ioError } from '../../errors.js';
import { sortFlags, type SystemFlag } from '../../mail/flags.js';
import type {
  AppendOptions, AppendResult, FlagChange, LocalRef, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { crlfLength, toCrlf } from '../shared/crlf.js';
import { AppendBatch } from './append.js';
import { infoOf, sizeField, withInfo, type Info } from './filename.js';
import { syncDirectory } from '../shared/sync-directory.js';
import { isMaildir } from './folders.js';
import { storableKeyword, writeKeywords } from './keywords.js';
import { listFiles, locate, scanFolder, MessageIndex, type FolderState } from './scan.js';
import { UidlistLock } from './uidlist-lock.js';
import {
  appendUidlist, newGuid, rewriteUidlist, UIDLIST_FILE, writeUidlist, type UidlistRecord,
} from './uidlist.js';

export class MaildirMailbox implements Mailbox {
  readonly format = 'maildir' as const;
  readonly byteSize: number | undefined;
  private state: FolderState;
  private closed = false;
  /** An append added files the session's index does not have yet: the next use reads the folder again. */
  private stale = false;
  /** The UID validity of a folder without a uidlist: chosen once (from the clock), written with the first change. */
  private readonly validityIfNone: number;
  private readonly keywordLists = new Map<number, readonly string[]>();
  private readonly warned = new Set<string>();
  /** The bases found in the last listing made to find renamed files: one missing from it is gone for good. */
  private lastListing: ReadonlySet<string> | undefined;

  private constructor(
    readonly ref: LocalRef,
    readonly writable: boolean,
    private readonly ctx: StoreContext,
    /** Mode of the files made here: the folder directory's, without execute bits (as Dovecot). */
    private readonly fileMode: number,
    state: FolderState,
  ) {
    this.state = state;
    this.validityIfNone = Math.floor(ctx.now().getTime() / 1000);
    this.byteSize = totalSize(state.index);
    this.reportDamage(state);
  }

  static async open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<MaildirMailbox> {
    let st: fs.Stats;
    try {
      st = fs.statSync(ref.path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(ref.name);
      throw ioError(e, `can't open ${ref.name}`);
    }
    if (!st.isDirectory() || !isMaildir(ref.path)) throw new NotAMailbox(ref.name, `Not a Maildir mailbox: ${ref.name}`);
    let writable = mode === 'write';
    if (writable) {
      try {
        fs.accessSync(ref.path, fs.constants.W_OK);
      } catch {
        ctx.warn(`Can't get write access to mailbox, access is readonly`);
        writable = false;
      }
    }
    const warned = new Set<string>();
    let state: FolderState;
    try {
      state = scanFolder(ref.path, (t) => warnOnce(ctx, warned, t));
    } catch (e) {
      throw ioError(e, `can't open ${ref.name}`);
    }
    const mb = new MaildirMailbox(ref, writable, ctx, st.mode & 0o666, state);
    for (const t of warned) mb.warned.add(t);
    return mb;
  }

  get meta(): MailboxMeta {
    const s = this.state;
    const last = s.index.count > 0 ? s.index.uids[s.index.count - 1]! : 0;
    return {
      uidValidity: s.header?.uidValidity ?? this.validityIfNone,
      uidLast: Math.max(s.nextUid - 1, last),
      keywords: s.keywords.list(),
    };
  }

  // ---- reading ------------------------------------------------------------------------------

  async *messages(): AsyncGenerator<MessageRecord> {
    this.openCheck();
    if (this.stale) this.reread();
    const index = this.state.index;
    let position = 0;
    let seq = 0;
    for (let i = 0; i < index.count; i++) {
      this.openCheck();
      const st = this.statMessage(index, i);
      if (!st) continue; // expunged by another process since the folder was read
      const name = index.names[i]!;
      const info = infoOf(name);
      let loaded: Buffer | undefined;
      let size = sizeField(name, 'W');
      if (size === undefined) {
        loaded = this.readMessage(index, i);
        size = crlfLength(loaded);
      }
      position += st.size;
      const at = i;
      yield {
        seq: ++seq,
        uid: index.uids[i]!,
        internalDate: { ms: Math.floor(st.mtimeMs / 1000) * 1000, zone: 0 },
        flags: info.flags,
        keywords: this.keywordList(info.keywordMask),
        recent: index.inNew[i] === 1,
        size,
        position,
        text: async () => {
          const data = loaded ?? this.readMessage(index, at);
          loaded = undefined;
          return toCrlf(data);
        },
      };
    }
  }

  // ---- writing ------------------------------------------------------------------------------

  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    this.writableCheck();
    const dir = this.ref.path;
    const files = new AppendBatch(dir, this.ref.name, this.ctx.host, this.fileMode, options);
    try {
      for await (const msg of batch) {
        files.add(msg);
        options.onMessage?.(files.count);
      }
      if (files.count === 0) return files.result([]);
      files.flush();
      const uids = await this.locked((lock) => {
        const s = this.readForChange();
        try {
          const last = s.index.count > 0 ? s.index.uids[s.index.count - 1]! : 0;
          const planned = files.plan({ keywords: s.keywords, highestUid: Math.max(s.highestListed, last), nextUid: s.nextUid });
          if (planned.keywordsChanged || s.unnamedLetters) this.saveKeywords(s);
          files.moveIntoPlace(() => lock.touch());
          this.saveNumbering(s, {
            added: concat(unlistedRecords(s.index), files.records()),
            nextUid: planned.uids[planned.uids.length - 1]! + 1,
          });
          syncDirectory(path.join(dir, 'new'));
          syncDirectory(path.join(dir, 'cur'));
          return planned.uids;
        } catch (e) {
          files.rollback();
          throw e;
        }
      });
      this.stale = true;
      return files.result(uids);
    } catch (e) {
      files.rollback();
      // a system call's error names this folder; anything else (the source's own error) goes on as it is
      throw (e as { code?: unknown }).code !== undefined ? ioError(e, `can't append to ${this.ref.name}`) : e;
    } finally {
      files.close();
    }
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    this.writableCheck();
    const wanted = this.basesOf(uids);
    if (wanted.size === 0) return;
    const dir = this.ref.path;
    await this.locked(() => {
      const s = this.readForChange();
      const table = s.keywords;
      const before = table.list().length;
      let addMask = 0;
      for (const k of change.add?.keywords ?? []) {
        if (!storableKeyword(k)) {
          this.ctx.warn(`Invalid flag: ${k}`);
          continue;
        }
        const index = table.add(k);
        if (index < 0) this.ctx.warn(`Unknown flag: ${k}`);
        else addMask |= 1 << index;
      }
      let removeMask = 0;
      for (const k of change.remove?.keywords ?? []) {
        const index = table.indexOf(k);
        if (index >= 0) removeMask |= 1 << index;
      }
      if (table.list().length !== before || s.unnamedLetters) this.saveKeywords(s);
      this.saveNumbering(s, { added: unlistedRecords(s.index) });
      const add = change.add?.flags ?? [];
      const remove = new Set<SystemFlag>(change.remove?.flags ?? []);
      const touched = new Set<string>();
      const index = s.index;
      const apply = (info: Info): Info => ({
        ...info,
        flags: sortFlags([...info.flags, ...add].filter((f) => !remove.has(f))),
        keywordMask: ((info.keywordMask | addMask) & ~removeMask) >>> 0,
      });
      for (let i = 0; i < index.count; i++) {
        if (!wanted.has(index.bases[i]!)) continue;
        // a message keeps its directory: one in new/ stays \Recent (Dovecot renames in new/ too)
        const sub = this.renameInPlace(index, i, apply);
        if (sub) touched.add(sub);
      }
      for (const sub of touched) syncDirectory(path.join(dir, sub));
      this.adopt(s);
    });
  }

  async expunge(uids?: readonly number[]): Promise<number> {
    this.writableCheck();
    const wanted = uids ? this.basesOf(uids) : undefined;
    const dir = this.ref.path;
    return this.locked(() => {
      const s = this.readForChange();
      const index = s.index;
      const gone = new Set<number>();
      const touched = new Set<string>();
      for (let i = 0; i < index.count; i++) {
        if (wanted && !wanted.has(index.bases[i]!)) continue;
        if (!infoOf(index.names[i]!).flags.includes('\\Deleted')) continue;
        if (this.unlinkMessage(index, i)) {
          gone.add(index.uids[i]!);
          touched.add(index.inNew[i] ? 'new' : 'cur');
        }
      }
      const listedGone = [...gone].some((uid) => index.listed[index.find(uid)] === 1);
      this.saveNumbering(s, {
        added: [...unlistedRecords(index)].filter((r) => !gone.has(r.uid)),
        ...(listedGone ? { drop: (uid: number) => gone.has(uid) } : {}),
      });
      for (const sub of touched) syncDirectory(path.join(dir, sub));
      this.adopt({ ...s, index: without(index, gone) });
      if (gone.size > 0) this.ctx.note(`Expunged ${gone.size} messages`);
      return gone.size;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  // ---- internals ----------------------------------------------------------------------------

  private openCheck(): void {
    if (this.closed) throw new MailsmithError('io', `${this.ref.name}: the mailbox is closed`);
  }

  private writableCheck(): void {
    this.openCheck();
    if (!this.writable) throw new ReadOnlyMailbox(this.ref.name);
  }

  private warn(text: string): void {
    warnOnce(this.ctx, this.warned, text);
  }

  private reportDamage(s: FolderState): void {
    if (s.damage) this.warn(`${damageText(this.ref.path, s)}; reading the messages it lists before that line`);
  }

  /** The folder read again (after an append, whose files the index lacks). */
  private reread(): void {
    this.adopt(scanFolder(this.ref.path, (t) => this.warn(t)));
    this.reportDamage(this.state);
  }

  private adopt(s: FolderState): void {
    this.state = s;
    this.stale = false;
    this.lastListing = undefined;
    this.keywordLists.clear();
  }

  /**
   * The folder as it is now, for a change (under the lock), the files this session numbered
   * in memory keeping their UIDs where they can; a damaged uidlist stops the change.
   */
  private readForChange(): FolderState {
    const own = new Map<string, number>();
    const index = this.state.index;
    for (let i = 0; i < index.count; i++) if (index.listed[i] === 0) own.set(index.bases[i]!, index.uids[i]!);
    const s = scanFolder(this.ref.path, (t) => this.warn(t), (base) => own.get(base));
    if (s.damage) {
      throw new CorruptMailbox(this.ref.name, s.damage.offset,
        `${damageText(this.ref.path, s)}: mailsmith changes nothing in this folder until it is repaired (doveadm force-resync)`);
    }
    return s;
  }

  private async locked<T>(fn: (lock: UidlistLock) => T): Promise<T> {
    const lock = await UidlistLock.acquire(this.ref.path, this.ref.name, {
      timeoutMs: this.ctx.lockTimeoutMs, warn: (t) => this.ctx.warn(t),
    });
    try {
      return fn(lock);
    } finally {
      lock.release();
    }
  }

  /** The messages of the session's UIDs, by base (their names may change under a lock; bases do not). */
  private basesOf(uids: readonly number[]): Set<string> {
    if (this.stale) this.reread();
    const index = this.state.index;
    const bases = new Set<string>();
    for (const uid of uids) {
      const i = index.find(uid);
      if (i >= 0) bases.add(index.bases[i]!);
    }
    return bases;
  }

  private keywordList(mask: number): readonly string[] {
    let list = this.keywordLists.get(mask);
    if (!list) this.keywordLists.set(mask, (list = Object.freeze(this.state.keywords.namesOf(mask))));
    return list;
  }

  /** stat of the message's file, finding it again if another process renamed it; undefined when it is gone. */
  private statMessage(index: MessageIndex, i: number): fs.Stats | undefined {
    for (let attempt = 0; ; attempt++) {
      try {
        return fs.statSync(index.path(this.ref.path, i));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, `can't read ${this.ref.name}`);
        if (attempt > 0 || !this.findRenamed(index, i)) return undefined;
      }
    }
  }

  private readMessage(index: MessageIndex, i: number): Buffer {
    for (let attempt = 0; ; attempt++) {
      try {
        return fs.readFileSync(index.path(this.ref.path, i));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, `can't read ${this.ref.name}`);
        if (attempt > 0 || !this.findRenamed(index, i)) {
          throw new MailsmithError('io', `${this.ref.name}: message ${index.uids[i]} was expunged by another process`);
        }
      }
    }
  }

  /**
   * Message i's file is not where the index says: another process renamed files (a flag
   * change, a move from new/ to cur/) or expunged it. The current names of every message come
   * from one new listing, which also tells later misses that a file is gone without listing
   * again. True when message i's file was found under another name.
   */
  private findRenamed(index: MessageIndex, i: number): boolean {
    if (this.lastListing && !this.lastListing.has(index.bases[i]!)) return false;
    const { files } = listFiles(this.ref.path, (t) => this.warn(t));
    this.lastListing = new Set(files.keys());
    for (let j = 0; j < index.count; j++) {
      const f = files.get(index.bases[j]!);
      if (f && (f.name !== index.names[j] || (index.inNew[j] === 1) !== f.inNew)) {
        index.names[j] = f.name;
        index.inNew[j] = f.inNew ? 1 : 0;
      }
    }
    return files.has(index.bases[i]!);
  }

  /**
   * Gives a message's file the flags `apply` makes of its present ones, within its directory;
   * returns the directory, or undefined when nothing changed or the file is gone. A file that
   * a program not taking the lock renamed meanwhile is found again and changed from there.
   */
  private renameInPlace(index: MessageIndex, i: number, apply: (info: Info) => Info): string | undefined {
    const dir = this.ref.path;
    for (let attempt = 0; attempt < 2; attempt++) {
      const name = index.names[i]!;
      const renamed = withInfo(name, apply(infoOf(name)));
      if (renamed === name) return undefined;
      const sub = index.inNew[i] ? 'new' : 'cur';
      try {
        fs.renameSync(path.join(dir, sub, name), path.join(dir, sub, renamed));
        index.names[i] = renamed;
        return sub;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, `can't change flags in ${this.ref.name}`);
      }
      const now = locate(dir, index.bases[i]!);
      if (!now) return undefined;
      index.names[i] = now.name;
      index.inNew[i] = now.inNew ? 1 : 0;
    }
    return undefined;
  }

  private unlinkMessage(index: MessageIndex, i: number): boolean {
    for (let attempt = 0; ; attempt++) {
      try {
        fs.unlinkSync(index.path(this.ref.path, i));
        return true;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(e, `can't expunge from ${this.ref.name}`);
        const now = attempt === 0 ? locate(this.ref.path, index.bases[i]!) : undefined;
        // renamed meanwhile by a program that does not take the lock: still \Deleted?
        if (!now || !infoOf(now.name).flags.includes('\\Deleted')) return false;
        index.names[i] = now.name;
        index.inNew[i] = now.inNew ? 1 : 0;
      }
    }
  }

  private saveKeywords(s: FolderState): void {
    writeKeywords(this.ref.path, s.keywords, s.keywordsMtime, this.fileMode);
  }

  /**
   * Writes UIDs into dovecot-uidlist: `added` (ascending, above every listed UID) after the
   * listed ones, without those `drop` names. Appended to the file when it can be (version 3,
   * ends with a whole line, nothing dropped), else the whole file is written anew and renamed
   * over it. The header's next UID never goes down.
   */
  private saveNumbering(s: FolderState, change: {
    added: Iterable<UidlistRecord>; drop?: (uid: number) => boolean; nextUid?: number;
  }): void {
    const added = peekable(change.added);
    if (added.empty && !change.drop) return;
    const dir = this.ref.path;
    const nextUid = Math.max(s.nextUid, change.nextUid ?? 0);
    if (!s.header) {
      writeUidlist(dir, { version: 3, uidValidity: this.validityIfNone, nextUid, guid: newGuid(), extra: [] }, added.all, this.fileMode);
    } else if (!change.drop && s.header.version === 3 && !s.partial) {
      appendUidlist(dir, added.all);
    } else {
      rewriteUidlist(dir, s.header, nextUid, change.drop ?? (() => false), added.all, this.fileMode);
    }
    for (let i = 0; i < s.index.count; i++) s.index.listed[i] = 1;
  }
}

function* concat<T>(...parts: Iterable<T>[]): Generator<T> {
  for (const p of parts) yield* p;
}

/** An iterable whose emptiness is known before it is used. */
function peekable<T>(items: Iterable<T>): { empty: boolean; all: Iterable<T> } {
  const it = items[Symbol.iterator]();
  const first = it.next();
  return {
    empty: first.done === true,
    all: (function* () {
      if (first.done) return;
      yield first.value;
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    })(),
  };
}

function warnOnce(ctx: StoreContext, warned: Set<string>, text: string): void {
  if (warned.has(text)) return;
  warned.add(text);
  ctx.warn(text);
}

function damageText(dir: string, s: FolderState): string {
  return `Broken file ${path.join(dir, UIDLIST_FILE)} line ${s.damage!.line}: ${s.damage!.detail}`;
}

/** The uidlist lines for the messages numbered in memory only. */
function* unlistedRecords(index: MessageIndex): Generator<UidlistRecord> {
  for (let i = 0; i < index.count; i++) if (index.listed[i] === 0) yield { uid: index.uids[i]!, base: index.bases[i]!, ext: '' };
}

function without(index: MessageIndex, gone: ReadonlySet<number>): MessageIndex {
  if (gone.size === 0) return index;
  const kept = new MessageIndex();
  for (let i = 0; i < index.count; i++) {
    if (!gone.has(index.uids[i]!)) kept.push(index.uids[i]!, index.bases[i]!, index.names[i]!, index.inNew[i] === 1, index.listed[i] === 1);
  }
  return kept;
}

/** What messages() reads, from the S= sizes of the names; undefined when a name lacks one. */
function totalSize(index: MessageIndex): number | undefined {
  let total = 0;
  for (const name of index.names) {
    const s = sizeField(name, 'S');
    if (s === undefined) return undefined;
    total += s;
  }
  return total;
}
