// mbx files as wholes: probe, create, delete, rename (formats-flat.md 4.1, 4.2;
// locking.md 5).
import fs from 'node:fs';
import { MailboxLocked, MailboxNotFound, ioError } from '../../errors.js';
import { isValidKeyword } from '../../mail/flags.js';
import { flockNow } from '../../locks/index.js';
import type { CreateOptions, LocalRef, StoreContext } from '../../store/types.js';
import { HEADER_SIZE, looksLikeMbx, MAX_KEYWORDS, serializeHeader } from './header.js';
import { createExclusive, readFully } from '../../io/fd.js';
import { withParseLock } from './locking.js';

/** c-client's test: 2048 bytes can be read and they start like an mbx header. */
export async function probeMbx(path: string): Promise<boolean> {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY);
  } catch {
    return false;
  }
  try {
    const buf = Buffer.alloc(HEADER_SIZE);
    return (await readFully(fd, buf, 0, HEADER_SIZE, 0)) === HEADER_SIZE && looksLikeMbx(buf);
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}

const isUid32 = (n: number | undefined): n is number => n !== undefined && Number.isInteger(n) && n >= 0 && n <= 0xffffffff;

/**
 * A new mailbox: the header with the given (else a fresh) UID validity, last UID and keyword
 * list (valid names only, the first 30, case-insensitively unique), mode 0600.
 */
export async function createMbx(ref: LocalRef, ctx: StoreContext, options: CreateOptions = {}): Promise<void> {
  const meta = options.meta ?? {};
  const slots: string[] = [];
  for (const k of meta.keywords ?? []) {
    if (slots.length < MAX_KEYWORDS && isValidKeyword(k) && !slots.some((s) => s.toLowerCase() === k.toLowerCase())) {
      slots.push(k);
    }
  }
  const header = serializeHeader({
    uidValidity: isUid32(meta.uidValidity) && meta.uidValidity > 0 ? meta.uidValidity : Math.floor(ctx.now().getTime() / 1000),
    uidLast: isUid32(meta.uidLast) ? meta.uidLast : 0,
    slots,
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
async function withWholeFile(ref: LocalRef, ctx: StoreContext, what: string, fn: () => void): Promise<void> {
  let fd: number;
  try {
    fd = fs.openSync(ref.path, fs.constants.O_RDWR);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(ref.name);
    throw ioError(e, `can't ${what} ${ref.name}`);
  }
  try {
    await withParseLock(fd, ref.name, ctx.lockTimeoutMs, async () => {
      if (!flockNow(fd, 'exclusive')) throw new MailboxLocked(ref.name, `Mailbox ${ref.name} is in use by another process`);
      try {
        fn();
      } catch (e) {
        throw ioError(e, `can't ${what} ${ref.name}`);
      } finally {
        flockNow(fd, 'unlock');
      }
    });
  } finally {
    fs.closeSync(fd);
  }
}

export async function deleteMbx(ref: LocalRef, ctx: StoreContext): Promise<void> {
  await withWholeFile(ref, ctx, 'delete', () => fs.unlinkSync(ref.path));
}

/** Renames the file; renaming INBOX leaves a new, empty mbx INBOX behind, as c-client does. */
export async function renameMbx(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void> {
  await withWholeFile(from, ctx, 'rename', () => fs.renameSync(from.path, to.path));
  if (from.isInbox) await createMbx(from, ctx);
}
