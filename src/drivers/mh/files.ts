// MH folders as wholes: create, delete, rename (formats-dir.md 4.6; c-client's
// mh_create, mh_delete, mh_rename). MH takes no locks at all.
import fs from 'node:fs';
import path from 'node:path';
import { BadName, MailboxExists, ioError } from '../../errors.js';
import type { LocalRef, StoreContext } from '../../store/types.js';
import { syncDirectory } from '../shared/sync-directory.js';
import { isMhInternal } from './names.js';

/**
 * MH folders are known by their names (#mh/NAME, #mhinbox, or a name inside the MH root),
 * not by their content: any directory can be one (c-client's mh_isvalid). The store routes
 * such names here; no path on its own is an MH folder.
 */
export async function probeMh(_dir: string): Promise<boolean> {
  return false;
}

/** The folder's directory, mode 0700 (its parents, up to the MH root, are made by the store). */
export async function createMh(ref: LocalRef, _ctx: StoreContext): Promise<void> {
  if (!ref.mh) throw new BadName(`Can't create mailbox ${ref.name}: invalid MH-format name (MH folders are named #mh/NAME)`);
  try {
    fs.mkdirSync(ref.path, { mode: 0o700 });
    fs.chmodSync(ref.path, 0o700);
    syncDirectory(path.dirname(ref.path));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new MailboxExists(ref.name);
    throw ioError(e, `Can't create mailbox ${ref.name}`);
  }
}

/** Every file MH owns (messages, ",N" backups, sequences), then the directory; its removal only warns. */
export async function deleteMh(ref: LocalRef, ctx: StoreContext): Promise<void> {
  let entries: string[];
  try {
    entries = fs.readdirSync(ref.path);
  } catch (e) {
    throw ioError(e, `Can't delete mailbox ${ref.name}`);
  }
  for (const entry of entries) {
    if (!isMhInternal(entry)) continue;
    try {
      fs.unlinkSync(path.join(ref.path, entry));
    } catch {
      // as c-client: what will not go keeps the directory, and the rmdir below says so
    }
  }
  try {
    fs.rmdirSync(ref.path);
  } catch (e) {
    ctx.warn(ioError(e, `Can't delete mailbox ${ref.name}`).message);
  }
}

/** rename(2); the new name must be an MH name too (c-client's mh_namevalid). */
export async function renameMh(from: LocalRef, to: LocalRef, _ctx: StoreContext): Promise<void> {
  if (!to.mh) throw new BadName(`Can't rename to mailbox ${to.name}: invalid MH-format name (MH folders are named #mh/NAME)`);
  try {
    fs.renameSync(from.path, to.path);
  } catch (e) {
    throw ioError(e, `Can't rename mailbox ${from.name} to ${to.name}`);
  }
}
