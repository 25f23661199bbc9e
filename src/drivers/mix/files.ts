// mix mailboxes as wholes (formats-dir.md 2.1, 2.9, 2.14): probe, create,
// delete, rename.
import fs, { promises as fsp } from 'node:fs';
import path from 'node:path';
import { BadName, MailboxExists, MailboxLocked, MailboxNotFound, ioError } from '../../errors.js';
import { createExclusive } from '../../io/fd.js';
import { flockNow } from '../../locks/index.js';
import type { CreateOptions, LocalRef, StoreContext } from '../../store/types.js';
import { givenUids, storableKeywords } from '../shared/new-meta.js';
import { isStorableKeyword, MAX_KEYWORDS, serializeMeta } from './meta.js';
import { dataFileName, INDEX_FILE, isMixName, META_FILE, STATUS_FILE } from './names.js';
import { syncDirectory } from './persist.js';

/** c-client's test: a directory holding a regular file .mixmeta (nothing is read). */
export async function probeMix(dir: string): Promise<boolean> {
  try {
    if (!(await fsp.stat(dir)).isDirectory()) return false;
    return (await fsp.stat(path.join(dir, META_FILE))).isFile();
  } catch {
    return false;
  }
}

/**
 * A new mailbox: the directory (mode 0700), empty .mixindex, .mixstatus and data file named
 * after the clock, and last .mixmeta (so that a mailbox half made is no mailbox), with the
 * given UID validity, last UID and keywords (valid names, the first 30, case-insensitively
 * unique), else a fresh validity, 0 and none. Files are mode 0600.
 */
export async function createMix(ref: LocalRef, ctx: StoreContext, options: CreateOptions = {}): Promise<void> {
  if (isMixName(path.basename(ref.path))) throw new BadName(`Can't create mailbox ${ref.name}: invalid MIX-format name`);
  try {
    fs.mkdirSync(ref.path, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new MailboxExists(ref.name);
    throw ioError(e, `can't create ${ref.name}`);
  }
  try {
    await writeNewMix(ref, ctx, options);
  } catch (e) {
    await fsp.rm(ref.path, { recursive: true, force: true });
    throw e;
  }
}

/** Fills an empty directory with a new mix mailbox's files; on failure removes the ones it made. */
async function writeNewMix(ref: LocalRef, ctx: StoreContext, options: CreateOptions): Promise<void> {
  const meta = options.meta ?? {};
  const now = Math.floor(ctx.now().getTime() / 1000);
  const keywords = storableKeywords(meta.keywords ?? [], MAX_KEYWORDS, isStorableKeyword);
  const made: string[] = [];
  const make = (file: string, contents?: Buffer): void => {
    const p = path.join(ref.path, file);
    const fd = createExclusive(p, ref.name);
    made.push(p);
    try {
      if (contents) {
        fs.writeSync(fd, contents, 0, contents.length, 0);
        fs.fsyncSync(fd);
      }
    } finally {
      fs.closeSync(fd);
    }
  };
  try {
    make(INDEX_FILE);
    make(STATUS_FILE);
    make(dataFileName(now));
    make(META_FILE, serializeMeta({
      seq: now,
      ...givenUids(meta, now, 0xffffffff),
      current: now,
      keywords,
    }));
    await syncDirectory(ref.path);
  } catch (e) {
    for (const p of made) fs.rmSync(p, { force: true });
    throw ioError(e, `can't create ${ref.name}`);
  }
}

/** Runs fn holding the exclusive .mixmeta lock, which nobody else holds while they have the mailbox open. */
async function withMailboxLocked(ref: LocalRef, what: 'delete' | 'rename', fn: () => Promise<void>): Promise<void> {
  const metaPath = path.join(ref.path, META_FILE);
  let fd: number;
  try {
    fd = fs.openSync(metaPath, fs.constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(ref.name);
    throw new MailboxLocked(ref.name, `Can't lock mailbox for ${what}: ${ref.name}`);
  }
  try {
    if (!flockNow(fd, 'exclusive')) throw new MailboxLocked(ref.name, `Can't lock mailbox for ${what}: ${ref.name}`);
    await fn();
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Removes .mixmeta first (the directory stops being a mailbox at once), then every other .mix
 * entry, then the directory. A directory that still holds child mailboxes or other files stays,
 * as a plain directory, with c-client's warning.
 */
export async function deleteMix(ref: LocalRef, ctx: StoreContext): Promise<void> {
  await withMailboxLocked(ref, 'delete', async () => {
    try {
      await fsp.unlink(path.join(ref.path, META_FILE));
      for (const entry of await fsp.readdir(ref.path)) {
        if (isMixName(entry)) await fsp.rm(path.join(ref.path, entry), { force: true });
      }
    } catch (e) {
      throw ioError(e, `Can't delete mailbox ${ref.name}`);
    }
  });
  try {
    await fsp.rmdir(ref.path);
  } catch (e) {
    ctx.warn(ioError(e, `Can't delete name ${ref.name}`).message);
  }
}

/**
 * Renames the directory (UID validity unchanged). INBOX keeps its directory, which may hold
 * child mailboxes: its .mix files move into the new one, and a fresh, empty mix INBOX is made.
 */
export async function renameMix(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void> {
  if (isMixName(path.basename(to.path))) throw new BadName(`Can't rename to mailbox ${to.name}: invalid MIX-format name`);
  await withMailboxLocked(from, 'rename', async () => {
    try {
      if (!from.isInbox) {
        await fsp.rename(from.path, to.path);
        return;
      }
      await fsp.mkdir(to.path, { mode: 0o700 });
      for (const entry of await fsp.readdir(from.path)) {
        if (isMixName(entry)) await fsp.rename(path.join(from.path, entry), path.join(to.path, entry));
      }
    } catch (e) {
      throw ioError(e, `Can't rename mailbox ${from.name} to ${to.name}`);
    }
  });
  if (from.isInbox) await writeNewMix(from, ctx, {});
}
