// mx directories as wholes: probe, create, delete, rename (formats-dir.md 3.1,
// 3.6; c-client's mx_isvalid, mx_create, mx_delete, mx_rename).
import fs from 'node:fs';
import path from 'node:path';
import { BadName, MailsmithError, ioError } from '../../errors.js';
import { isValidKeyword } from '../../mail/flags.js';
import type { CreateOptions, LocalRef, MailboxMeta, StoreContext } from '../../store/types.js';
import { createMailboxDirectory } from '../shared/mailbox-directory.js';
import { givenUids, storableKeywords } from '../shared/new-meta.js';
import { syncDirectory } from '../shared/sync-directory.js';
import { IndexLock } from './index-lock.js';
import { MAX_KEYWORDS, serializeIndex } from './mxindex.js';
import { INDEX_NAME, MAX_UID, isValidMxName } from './names.js';

/** c-client's test: a directory holding a regular file .mxindex. */
export async function probeMx(dir: string): Promise<boolean> {
  try {
    return fs.statSync(path.join(dir, INDEX_NAME)).isFile();
  } catch {
    return false;
  }
}

/**
 * The directory (0700) and its index (0600). c-client leaves the index empty and gives the
 * mailbox its UID validity on first use; mailsmith writes it at once (the given one, else now),
 * with the given last UID and keywords (valid names only, the first 30, case-insensitively unique).
 */
export async function createMx(ref: LocalRef, ctx: StoreContext, options: CreateOptions = {}): Promise<void> {
  if (!isValidMxName(ref.name)) throw new BadName(`Can't create mailbox ${ref.name}: invalid MX-format name`);
  createMailboxDirectory(ref, () => {
    writeNewIndex(ref.path, freshMeta(options.meta ?? {}, ctx));
    syncDirectory(path.dirname(ref.path));
  });
}

function freshMeta(meta: Partial<MailboxMeta>, ctx: StoreContext): MailboxMeta {
  return {
    ...givenUids(meta, Math.floor(ctx.now().getTime() / 1000), MAX_UID),
    keywords: storableKeywords(meta.keywords ?? [], MAX_KEYWORDS, isValidKeyword),
  };
}

function writeNewIndex(dir: string, meta: MailboxMeta): void {
  const bytes = serializeIndex({
    uidValidity: meta.uidValidity, uidLast: meta.uidLast, slots: [...meta.keywords], uids: [], keywords: [], flags: [],
  });
  const file = path.join(dir, INDEX_NAME);
  const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
  try {
    fs.fchmodSync(fd, 0o600);
    fs.writeSync(fd, bytes, 0, bytes.length, 0);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  syncDirectory(dir);
}

/**
 * c-client's order: the index, every all-digit file, then the directory, whose removal only
 * warns when it fails (it may hold child mailboxes). Done holding the index lock, so that no
 * c-client process is half-way through a change.
 */
export async function deleteMx(ref: LocalRef, ctx: StoreContext): Promise<void> {
  const lock = await IndexLock.acquire(ref.path, ref.name, 'write', ctx.lockTimeoutMs);
  try {
    try {
      fs.unlinkSync(path.join(ref.path, INDEX_NAME));
    } catch (e) {
      throw ioError(e, `Can't delete mailbox ${ref.name} index`);
    }
    for (const entry of fs.readdirSync(ref.path)) {
      if (/^\d+$/.test(entry)) unlinkQuietly(path.join(ref.path, entry));
    }
  } finally {
    lock.release();
  }
  try {
    fs.rmdirSync(ref.path);
  } catch (e) {
    ctx.warn(ioError(e, `Can't delete name ${ref.name}`).message);
  }
}

/** c-client's unlink of each message file: one that will not go is left (the rmdir then warns). */
function unlinkQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // as c-client: carry on
  }
}

/**
 * rename(2) of the directory, holding the index lock. INBOX is special (RFC 3501): its messages
 * and index move into the new directory and an empty mx INBOX stays behind.
 */
export async function renameMx(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void> {
  if (to.mh || !isValidMxName(to.name)) throw new BadName(`Can't rename to mailbox ${to.name}: invalid MX-format name`);
  const lock = await IndexLock.acquire(from.path, from.name, 'write', ctx.lockTimeoutMs);
  try {
    if (!from.isInbox) {
      fs.renameSync(from.path, to.path);
      return;
    }
    fs.mkdirSync(to.path, { mode: 0o700 });
    for (const entry of fs.readdirSync(from.path)) {
      if (/^\d+$/.test(entry)) fs.renameSync(path.join(from.path, entry), path.join(to.path, entry));
    }
    fs.renameSync(path.join(from.path, INDEX_NAME), path.join(to.path, INDEX_NAME));
  } catch (e) {
    if (e instanceof MailsmithError) throw e;
    throw ioError(e, `Can't rename mailbox ${from.name} to ${to.name}`);
  } finally {
    lock.release();
  }
  writeNewIndex(from.path, freshMeta({}, ctx));
}
