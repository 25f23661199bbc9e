// Appending to a Maildir folder as Dovecot saves (formats-dir.md 6.2, 6.9):
// every message is written to tmp/ (LF line ends, mtime = internal date, its
// sizes in the name), the batch is flushed to disk with one syncfs, then,
// holding dovecot-uidlist.lock, the files get their UIDs and keyword letters
// and are renamed into cur/ (new/ when they have no flag, as Dovecot does),
// the uidlist gets their lines and both directories are flushed. Until then
// nobody sees them; if anything fails, every file written is removed.
import fs from 'node:fs';
import path from 'node:path';
import { MailsmithError } from '../../errors.js';
import { flagsToBits, bitsToFlags } from '../../mail/flags.js';
import { syncFilesystem } from '../../io/native.js';
import type { AppendOptions, AppendResult, LossKind, NewMessage } from '../../store/types.js';
import { cannotHold, LossTally } from '../shared/loss-tally.js';
import { UniqueNames, withInfo } from './filename.js';
import { storableKeyword, type KeywordTable } from './keywords.js';
import { storedForm } from './text.js';
import type { UidlistRecord } from './uidlist.js';

const MAX_UID = 0xfffffffe;

/** Growable columns of numbers: what the batch must remember per message, a few bytes each. */
class Column {
  private data: Float64Array;
  length = 0;

  constructor() {
    this.data = new Float64Array(1024);
  }

  push(v: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = v;
  }

  at(i: number): number {
    return this.data[i]!;
  }
}

/** What a commit needs to know of the folder, read under the lock. */
export interface CommitTarget {
  readonly keywords: KeywordTable;
  /** UIDs must be above this (the highest listed, or numbered before the batch). */
  readonly highestUid: number;
  /** The next UID for a message without one to keep. */
  readonly nextUid: number;
}

export interface Planned {
  readonly uids: number[];
  /** The keyword table changed (dovecot-keywords must be written before the renames). */
  readonly keywordsChanged: boolean;
}

export class AppendBatch {
  private readonly names: UniqueNames;
  private readonly times = new Column();
  private readonly sizes = new Column();
  private readonly vsizes = new Column();
  private readonly flagBits = new Column();
  /** Index into keywordSets (the message's keyword names, once per distinct list). */
  private readonly keywordSet = new Column();
  private readonly wantedUids = new Column();
  private readonly keywordSets: string[][] = [];
  private readonly keywordSetIds = new Map<string, number>();
  /** After plan(): each message's UID, and its info (index into infos; 0 = none: it goes to new/). */
  private readonly uids = new Column();
  private readonly infoIds = new Column();
  private readonly infos: string[] = [''];
  private readonly infoIdOf = new Map<string, number>([['', 0]]);
  /** Files renamed out of tmp/ so far (for a rollback). */
  private moved = 0;
  private readonly losses: LossTally;
  /** The file system's descriptor for syncfs, opened before the first write so that it reports write-back errors. */
  private readonly syncFd: number;

  constructor(private readonly dir: string, private readonly mailbox: string, host: string, private readonly fileMode: number,
    private readonly options: AppendOptions) {
    this.losses = new LossTally(options.strict ?? false);
    this.names = new UniqueNames(host);
    fs.mkdirSync(path.join(dir, 'tmp'), { recursive: true, mode: 0o700 });
    this.syncFd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  }

  get count(): number {
    return this.times.length;
  }

  /**
   * Writes one message into tmp/. Synchronous calls on purpose: for one small file each, a
   * trip through the thread pool costs more than the system call.
   */
  add(msg: NewMessage): void {
    if (msg.internalDate.zone !== 0) this.lose('date-zone', 'internal date zone', 'the time zones of internal dates');
    const { data, vsize } = storedForm(msg.text);
    const time = this.names.nextTime();
    this.times.push(time);
    this.sizes.push(data.length);
    this.vsizes.push(vsize);
    this.flagBits.push(flagsToBits(msg.flags));
    this.keywordSet.push(this.keywordSetOf(msg.keywords));
    this.wantedUids.push(msg.uid ?? 0);
    const i = this.times.length - 1;
    const file = path.join(this.dir, 'tmp', this.base(i));
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, this.fileMode);
    try {
      let done = 0;
      while (done < data.length) done += fs.writeSync(fd, data, done, data.length - done);
      const seconds = Math.floor(msg.internalDate.ms / 1000);
      fs.futimesSync(fd, seconds, seconds);
    } finally {
      fs.closeSync(fd);
    }
  }

  /** Flushes every file written to disk: one syncfs for the whole batch instead of an fsync per file. */
  flush(): void {
    if (this.count === 0) return;
    const errno = syncFilesystem(this.syncFd);
    if (errno !== 0) throw new MailsmithError('io', `can't append to ${this.mailbox}: writing to disk failed (errno ${errno})`);
  }

  /**
   * Decides every message's UID and keyword letters against the folder as it is now (the
   * caller holds the lock). Keywords the table cannot hold and UIDs that cannot be kept are
   * counted as losses (thrown under --strict).
   */
  plan(target: CommitTarget): Planned {
    const table = target.keywords;
    const before = table.list().length;
    const masks = this.keywordSets.map((names, set) => {
      let mask = 0;
      for (const name of names) {
        const index = storableKeyword(name) ? table.add(name) : -1;
        if (index >= 0) mask |= 1 << index;
        else this.lose('keyword', name, `the keyword ${name}`, this.messagesWithSet(set));
      }
      return mask >>> 0;
    });
    const uids: number[] = [];
    let highest = target.highestUid;
    let next = Math.max(target.nextUid, highest + 1);
    for (let i = 0; i < this.count; i++) {
      const wanted = this.wantedUids.at(i);
      let uid: number;
      if (this.options.keepUids && wanted > highest && wanted <= MAX_UID) uid = wanted;
      else {
        if (this.options.keepUids && wanted > 0) this.lose('uid', 'not above the previous UID', `UID ${wanted}`);
        uid = Math.max(next, highest + 1);
      }
      if (uid > MAX_UID) throw new MailsmithError('io', `can't append to ${this.mailbox}: no UIDs left`);
      highest = uid;
      next = Math.max(next, uid + 1);
      uids.push(uid);
      this.uids.push(uid);
      const flags = bitsToFlags(this.flagBits.at(i));
      const mask = masks[this.keywordSet.at(i)]!;
      // a message without flags goes to new/ (\Recent), as Dovecot saves it
      const info = flags.length === 0 && mask === 0 ? '' : withInfo(':2,', { flags, keywordMask: mask, others: '', extra: '' });
      let id = this.infoIdOf.get(info);
      if (id === undefined) {
        id = this.infos.push(info) - 1;
        this.infoIdOf.set(info, id);
      }
      this.infoIds.push(id);
    }
    return { uids, keywordsChanged: table.list().length !== before };
  }

  /** The batch's uidlist lines (after plan()), in UID order. */
  *records(): Generator<UidlistRecord> {
    for (let i = 0; i < this.count; i++) yield { uid: this.uids.at(i), base: this.base(i), ext: '' };
  }

  /** Renames the files from tmp/ to their places (after plan()); touch() keeps the lock fresh. */
  moveIntoPlace(touch: () => void): void {
    for (let i = this.moved; i < this.count; i++) {
      fs.renameSync(path.join(this.dir, 'tmp', this.base(i)), this.destination(i));
      this.moved = i + 1;
      if ((i & 1023) === 0) touch();
    }
  }

  /** Removes every file of the batch, wherever it got to. */
  rollback(): void {
    for (let i = 0; i < this.count; i++) {
      const file = i < this.moved ? this.destination(i) : path.join(this.dir, 'tmp', this.base(i));
      try {
        fs.unlinkSync(file);
      } catch {
        // not written, or gone already
      }
    }
    this.moved = 0;
  }

  close(): void {
    fs.closeSync(this.syncFd);
  }

  result(uids: number[]): AppendResult {
    return { appended: this.count, uids, losses: this.losses.byKind, changes: new Map() };
  }

  private base(i: number): string {
    return `${this.names.name(this.times.at(i))},S=${this.sizes.at(i)},W=${this.vsizes.at(i)}`;
  }

  private destination(i: number): string {
    const info = this.infos[this.infoIds.at(i)]!;
    return path.join(this.dir, info === '' ? 'new' : 'cur', this.base(i) + info);
  }

  private keywordSetOf(names: readonly string[]): number {
    const list = [...new Set(names)];
    const key = JSON.stringify(list);
    let id = this.keywordSetIds.get(key);
    if (id === undefined) {
      id = this.keywordSets.push(list) - 1;
      this.keywordSetIds.set(key, id);
    }
    return id;
  }

  private messagesWithSet(set: number): number {
    let n = 0;
    for (let i = 0; i < this.count; i++) if (this.keywordSet.at(i) === set) n++;
    return n;
  }

  private lose(kind: LossKind, detail: string, what: string, messages = 1): void {
    this.losses.lose(kind, detail, cannotHold(this.mailbox, 'maildir', what), messages);
  }
}
