// The only door into the drivers: open, create, delete and rename mailboxes by
// reference, whatever their format. Formats are detected from the bytes in
// c-client's probe order.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import {
  BadName, MailboxExists, MailboxNotFound, MailsmithError, NotAMailbox, NotSelectable, Unsupported, ioError,
} from '../errors.js';
import { resolveInbox } from './inbox.js';
import { detectRef, type Detected } from './detect.js';
import { DEFAULT_CREATE_FORMAT, driverFor } from './registry.js';
import type {
  FormatName, LocalRef, Mailbox, MailboxMeta, MailboxRef, OpenMode, StoreContext,
} from './types.js';

export { detect, type Detected } from './detect.js';
export { availableFormats, driverFor, DEFAULT_CREATE_FORMAT, FORMAT_NAMES } from './registry.js';
export { makeStoreContext } from './context.js';

function local(ref: MailboxRef): LocalRef {
  if (ref.kind === 'remote') throw new Unsupported(`remote mailboxes are not supported yet: ${ref.name}`);
  return ref;
}

/** The reference with INBOX resolved to the file c-client would use. */
async function resolved(ref: MailboxRef): Promise<LocalRef> {
  const l = local(ref);
  return l.isInbox && !l.inboxExplicit ? resolveInbox(l) : l;
}

/** What a local name holds: a mailbox in some format, a directory, nothing, ... (ctx: see Driver.probe) */
export async function inspect(ref: MailboxRef, ctx?: StoreContext): Promise<{ ref: LocalRef; found: Detected }> {
  const r = await resolved(ref);
  return { ref: r, found: await detectRef(r, ctx) };
}

export async function openMailbox(ref: MailboxRef, mode: OpenMode, ctx: StoreContext): Promise<Mailbox> {
  const { ref: r, found } = await inspect(ref, ctx);
  switch (found.kind) {
    case 'missing':
      throw new MailboxNotFound(r.name);
    case 'directory':
      throw new NotSelectable(r.name);
    case 'unknown-file':
      throw new NotAMailbox(r.name, `not in a mailbox format mailsmith can read: ${r.name}`);
    case 'empty-file':
      // c-client's dummy driver: an empty mailbox whose first append gives it the format the
      // name asks for (#driver.FORMAT/), else the default one
      return driverFor(r.createFormat ?? DEFAULT_CREATE_FORMAT).open(r, mode, ctx);
    case 'mailbox':
      return found.driver.open(r, mode, ctx);
  }
}

export interface CreateMailboxOptions {
  /** Format of the new mailbox; else the name's #driver. prefix; else unix. */
  readonly format?: FormatName;
  /** UID validity, last UID and keywords to start with (a copy keeps the source's). */
  readonly meta?: Partial<MailboxMeta>;
}

/** Creates a mailbox (or, for a name ending in "/", a directory); returns its format. */
export async function createMailbox(
  ref: MailboxRef, ctx: StoreContext, options: CreateMailboxOptions = {},
): Promise<FormatName | 'directory'> {
  const r = local(ref);
  // INBOX always exists, except that #driver.FORMAT/INBOX makes a home-directory INBOX, as in c-client
  if (r.isInbox && !r.createFormat) throw new BadName(`can't create INBOX: it always exists`);
  if (await exists(r.path)) throw new MailboxExists(r.name);
  await makeParents(r);
  if (r.directoryOnly) {
    await fsp.mkdir(r.path, { mode: 0o700 }).catch((e: unknown) => { throw ioError(e, `can't create ${r.name}`); });
    return 'directory';
  }
  const format = options.format ?? r.createFormat ?? DEFAULT_CREATE_FORMAT;
  await driverFor(format).create(r, ctx, { meta: options.meta });
  return format;
}

export async function deleteMailbox(ref: MailboxRef, ctx: StoreContext): Promise<void> {
  const { ref: r, found } = await inspect(ref, ctx);
  if (r.isInbox) throw new BadName(`can't delete INBOX`);
  switch (found.kind) {
    case 'missing':
      throw new MailboxNotFound(r.name);
    case 'directory':
      await fsp.rmdir(r.path).catch((e: unknown) => { throw ioError(e, `can't delete ${r.name}`); });
      return;
    case 'empty-file':
    case 'unknown-file':
      throw new NotAMailbox(r.name, `not a mailbox, not deleted: ${r.name}`);
    case 'mailbox':
      await found.driver.delete(r, ctx);
  }
}

export async function renameMailbox(from: MailboxRef, to: MailboxRef, ctx: StoreContext): Promise<void> {
  const { ref: src, found } = await inspect(from, ctx);
  const dst = local(to);
  if (dst.isInbox) throw new BadName(`can't rename to INBOX`);
  if (found.kind === 'missing') throw new MailboxNotFound(src.name);
  if (await exists(dst.path)) throw new MailboxExists(dst.name);
  await makeParents(dst);
  if (found.kind === 'mailbox') return found.driver.rename(src, dst, ctx);
  await fsp.rename(src.path, dst.path).catch((e: unknown) => {
    throw ioError(e, `can't rename ${src.name} to ${dst.name}`);
  });
}

async function exists(p: string): Promise<boolean> {
  try {
    await fsp.lstat(p);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw ioError(e, `can't look at ${p}`);
  }
}

/** Creates missing parent directories (0700); an ancestor that is a file is an error, as in c-client. */
async function makeParents(ref: LocalRef): Promise<void> {
  const parent = path.dirname(ref.path);
  try {
    await fsp.mkdir(parent, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') {
      throw new MailsmithError('exists', `can't create ${ref.name}: a part of its path is a file, not a directory`);
    }
    throw ioError(e, `can't create the directories for ${ref.name}`);
  }
}
