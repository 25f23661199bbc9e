// mbx files as wholes: probe, create, delete, rename (formats-flat.md 4.1, 4.2;
// locking.md 5).
import fs from 'node:fs';
import { ioError } from '../../errors.js';
import { isValidKeyword } from '../../mail/flags.js';
import type { CreateOptions, LocalRef, StoreContext } from '../../store/types.js';
import { HEADER_SIZE, looksLikeMbx, MAX_KEYWORDS, serializeHeader } from './header.js';
import { createExclusive, readFully } from '../../io/fd.js';
import * as inode from '../shared/inode-locks.js';
import { givenUids, storableKeywords } from '../shared/new-meta.js';
import { probeFile } from '../shared/probe-file.js';

/** c-client's test: 2048 bytes can be read and they start like an mbx header. */
export function probeMbx(path: string): Promise<boolean> {
  return probeFile(path, async (fd) => {
    const buf = Buffer.alloc(HEADER_SIZE);
    return (await readFully(fd, buf, 0, HEADER_SIZE, 0)) === HEADER_SIZE && looksLikeMbx(buf);
  });
}

/**
 * A new mailbox: the header with the given (else a fresh) UID validity, last UID and keyword
 * list (valid names only, the first 30, case-insensitively unique), mode 0600.
 */
export async function createMbx(ref: LocalRef, ctx: StoreContext, options: CreateOptions = {}): Promise<void> {
  const meta = options.meta ?? {};
  const header = serializeHeader({
    ...givenUids(meta, Math.floor(ctx.now().getTime() / 1000), 0xffffffff),
    slots: storableKeywords(meta.keywords ?? [], MAX_KEYWORDS, isValidKeyword),
    pid: null,
  });
  const fd = createExclusive(ref.path, ref.name);
  try {
    fs.writeSync(fd, header, 0, HEADER_SIZE, 0);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(ref.path, { force: true });
    throw ioError(e, `can't create ${ref.name}`);
  }
  fs.closeSync(fd);
}

/** Runs fn with the file locked against every other session (c-client's mbx_rename). */
function withWholeFile(ref: LocalRef, ctx: StoreContext, what: string, fn: () => void): Promise<void> {
  const failed = `can't ${what} ${ref.name}`;
  return inode.withWholeFile(ref, ctx.lockTimeoutMs, { open: failed, change: failed }, fn);
}

export async function deleteMbx(ref: LocalRef, ctx: StoreContext): Promise<void> {
  await withWholeFile(ref, ctx, 'delete', () => fs.unlinkSync(ref.path));
}

/** Renames the file; renaming INBOX leaves a new, empty mbx INBOX behind, as c-client does. */
export async function renameMbx(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void> {
  await withWholeFile(from, ctx, 'rename', () => fs.renameSync(from.path, to.path));
  if (from.isInbox) await createMbx(from, ctx);
}
