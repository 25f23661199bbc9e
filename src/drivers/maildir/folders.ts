// Maildir folders as wholes (formats-dir.md 6.1, 6.7, 6.9): probe, create,
// delete, rename, and which directory entries are the folder's own. A folder
// is named by its path; a name whose last part starts with "." inside a
// Maildir is a Maildir++ folder (Maildir/.Sent, Maildir/.Lists.linux), which
// gets the maildirfolder marker and takes its ".Name.*" children along on rename.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxExists, ioError } from '../../errors.js';
import type { CreateOptions, LocalRef, MailboxMeta, StoreContext } from '../../store/types.js';
import { createMailboxDirectory } from '../shared/mailbox-directory.js';
import { givenUids } from '../shared/new-meta.js';
import { syncDirectory } from '../shared/sync-directory.js';
import { KeywordTable, writeKeywords } from './keywords.js';
import { LOCK_FILE, UidlistLock } from './uidlist-lock.js';
import { newGuid, writeUidlist } from './uidlist.js';

const MARKER = 'maildirfolder';
const FILE_MODE = 0o600;

/** A Maildir: a directory with the subdirectories cur/ and new/ (tmp/ is made when writing). */
export async function probeMaildir(dir: string): Promise<boolean> {
  return isMaildir(dir);
}

export function isMaildir(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, 'cur')).isDirectory() && fs.statSync(path.join(dir, 'new')).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Entries of a Maildir directory that are the folder's own, not child mailboxes: cur, new,
 * tmp, Dovecot's files (dovecot-uidlist, dovecot-keywords, dovecot.index*, their locks ...),
 * Courier's (courierimapuiddb, courierimapkeywords/ ...), the Maildir++ marker, quota file
 * and Dovecot's subscriptions file in the root. Maildir++ folders (".Sent") are children.
 */
export function isMaildirInternal(entry: string): boolean {
  return entry === 'cur' || entry === 'new' || entry === 'tmp' || entry === MARKER || entry === 'maildirsize'
    || entry === 'subscriptions' || entry.startsWith('dovecot-') || entry.startsWith('dovecot.')
    || entry.startsWith('courier');
}

/** A Maildir++ folder: its last part starts with "." and its parent directory is a Maildir. */
function isMaildirPlusPlusFolder(dir: string): boolean {
  const name = path.basename(dir);
  return name.length > 1 && name.startsWith('.') && name !== '..' && isMaildir(path.dirname(dir));
}

/**
 * The directory with tmp/, new/ and cur/ (0700), the maildirfolder marker for a Maildir++
 * folder, and dovecot-uidlist with the given (else a fresh) UID validity and next UID, and
 * dovecot-keywords with the given keywords (the first 26 storable ones), so that what a copy
 * keeps is there before the first message.
 */
export async function createMaildir(ref: LocalRef, ctx: StoreContext, options: CreateOptions = {}): Promise<void> {
  createMailboxDirectory(ref, () => {
    for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(ref.path, sub), { mode: 0o700 });
    if (isMaildirPlusPlusFolder(ref.path)) writeEmpty(path.join(ref.path, MARKER));
    const meta = freshMeta(options.meta ?? {}, ctx);
    writeUidlist(ref.path, { version: 3, uidValidity: meta.uidValidity, nextUid: meta.uidLast + 1, guid: newGuid(), extra: [] }, [], FILE_MODE);
    const keywords = KeywordTable.of(meta.keywords);
    if (keywords.list().length > 0) writeKeywords(ref.path, keywords, 0, FILE_MODE);
    syncDirectory(ref.path);
    syncDirectory(path.dirname(ref.path));
  });
}

function freshMeta(meta: Partial<MailboxMeta>, ctx: StoreContext): MailboxMeta {
  return {
    // Dovecot's UIDs stop one short of 2^32
    ...givenUids(meta, Math.floor(ctx.now().getTime() / 1000), 0xfffffffe),
    keywords: meta.keywords ?? [],
  };
}

function writeEmpty(file: string): void {
  fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, FILE_MODE));
}

/** Files of a Maildir root that serve the whole tree (subscriptions, quota, Dovecot's mailbox list and UID validity counter). */
function servesTree(entry: string): boolean {
  return entry === 'subscriptions' || entry === 'maildirsize' || entry === 'courierimapsubscribed'
    || entry.startsWith('dovecot-uidvalidity') || entry.startsWith('dovecot.list.index');
}

/**
 * Removes the messages and the folder's own files holding dovecot-uidlist.lock, then the
 * directory. A directory that still holds other entries (Maildir++ folders or other
 * mailboxes inside a Maildir root) stays, as a plain directory with the files that serve
 * them, and a warning says so: they are not deleted with it.
 */
export async function deleteMaildir(ref: LocalRef, ctx: StoreContext): Promise<void> {
  const lock = await UidlistLock.acquire(ref.path, ref.name, { timeoutMs: ctx.lockTimeoutMs, warn: (t) => ctx.warn(t) });
  try {
    const entries = fs.readdirSync(ref.path);
    const alone = entries.every((e) => isMaildirInternal(e));
    for (const entry of entries) {
      if (!isMaildirInternal(entry) || entry === LOCK_FILE || (!alone && servesTree(entry))) continue;
      fs.rmSync(path.join(ref.path, entry), { recursive: true, force: true });
    }
  } catch (e) {
    throw ioError(e, `Can't delete mailbox ${ref.name}`);
  } finally {
    lock.release();
  }
  try {
    fs.rmdirSync(ref.path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw ioError(e, `Can't delete mailbox ${ref.name}`);
    ctx.warn(`${ref.name} holds other mailboxes: its messages are deleted, the directory and what else it holds stay`);
  }
}

/**
 * rename(2) of the directory. A Maildir++ folder renamed to another Maildir++ name takes its
 * children (".Old.x" becomes ".New.x", as Dovecot's layout has them beside it); the marker
 * is added when the folder becomes a Maildir++ folder and removed when it stops being one.
 * Renaming INBOX leaves an empty Maildir INBOX behind, as for the other formats.
 */
export async function renameMaildir(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void> {
  const fromBase = path.basename(from.path);
  const toBase = path.basename(to.path);
  const wasFolder = isMaildirPlusPlusFolder(from.path);
  const moves: [string, string][] = [[from.path, to.path]];
  if (fromBase.startsWith('.') && toBase.startsWith('.')) {
    for (const child of childFolders(from.path)) {
      const target = path.join(path.dirname(to.path), toBase + child.slice(fromBase.length));
      if (fs.existsSync(target)) {
        throw new MailboxExists(to.name, `can't rename ${from.name}: its folder ${child} would replace ${target}`);
      }
      moves.push([path.join(path.dirname(from.path), child), target]);
    }
  }
  const done: [string, string][] = [];
  try {
    for (const [a, b] of moves) {
      fs.renameSync(a, b);
      done.push([a, b]);
    }
    const marker = path.join(to.path, MARKER);
    if (isMaildirPlusPlusFolder(to.path)) {
      if (!fs.existsSync(marker)) writeEmpty(marker);
    } else if (wasFolder) {
      fs.rmSync(marker, { force: true });
    }
    syncDirectory(path.dirname(to.path));
    if (path.dirname(to.path) !== path.dirname(from.path)) syncDirectory(path.dirname(from.path));
  } catch (e) {
    for (const [a, b] of done.reverse()) {
      try {
        fs.renameSync(b, a);
      } catch {
        // the error below names the rename that failed; the rest went back
      }
    }
    throw ioError(e, `Can't rename mailbox ${from.name} to ${to.name}`);
  }
  if (from.isInbox) await createMaildir(from, ctx);
}

/** The Maildir++ children of a folder: ".Name.*" directories beside it. */
function childFolders(dir: string): string[] {
  const prefix = `${path.basename(dir)}.`;
  return fs.readdirSync(path.dirname(dir), { withFileTypes: true })
    .filter((e) => e.isDirectory() && e.name.startsWith(prefix) && e.name.length > prefix.length)
    .map((e) => e.name)
    .sort();
}
