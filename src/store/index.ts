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
import { DEFAULT_CREATE_FORMAT, driverFor, remoteDriverFor } from './registry.js';
import type {
  FormatName, LocalRef, Mailbox, MailboxMeta, MailboxRef, MailboxStatus, OpenMode, RemoteListing, RemoteRef, StoreContext,
} from './types.js';

export { detect, type Detected } from './detect.js';
export { availableFormats, capabilitiesOf, driverFor, DEFAULT_CREATE_FORMAT, FORMAT_NAMES } from './registry.js';
export { makeStoreContext } from './context.js';
export { listLocal, MAX_DEPTH, type ListLocalOptions, type LocalListEntry, type LocalListKind } from './list.js';

/** Names that only a local store understands (a path to inspect). */
function local(ref: MailboxRef): LocalRef {
  if (ref.kind === 'remote') throw new Unsupported(`not a local mailbox: ${ref.name}`);
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
  if (ref.kind === 'remote') return remoteDriverFor(ref.service).open(ref, mode, ctx);
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
  if (ref.kind === 'remote') {
    const driver = remoteDriverFor(ref.service);
    await driver.create(ref, ctx);
    return driver.format;
  }
  const r = ref;
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
  if (ref.kind === 'remote') return remoteDriverFor(ref.service).delete(ref, ctx);
  const { ref: r, found } = await inspect(ref, ctx);
  if (r.isInbox) throw new BadName(`can't delete INBOX`);
  switch (found.kind) {
    case 'missing':
      throw new MailboxNotFound(r.name);
    case 'directory':
      await fsp.rmdir(r.path).catch((e: unknown) => { throw ioError(e, `can't delete ${r.name}`); });
      return;
    case 'empty-file':
      // c-client's dummy driver: an empty file is an empty mailbox (mtx and tenex create one), deleted as it is
      await fsp.unlink(r.path).catch((e: unknown) => { throw ioError(e, `can't delete ${r.name}`); });
      return;
    case 'unknown-file':
      throw new NotAMailbox(r.name, `not a mailbox, not deleted: ${r.name}`);
    case 'mailbox':
      await found.driver.delete(r, ctx);
  }
}

export async function renameMailbox(from: MailboxRef, to: MailboxRef, ctx: StoreContext): Promise<void> {
  if (from.kind === 'remote' || to.kind === 'remote') {
    if (from.kind !== 'remote' || to.kind !== 'remote' || !sameAccount(from, to)) {
      throw new BadName(`rename works within one store: ${from.name} and ${to.name} must both be on the same server and account (copy or move between stores)`);
    }
    return remoteDriverFor(from.service).rename(from, to, ctx);
  }
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

/** The same server, port, protocol and login: one store. */
function sameAccount(a: RemoteRef, b: RemoteRef): boolean {
  return a.host.toLowerCase() === b.host.toLowerCase() && a.port === b.port && a.service === b.service && a.user === b.user;
}

/** Whether the name is taken: a mailbox, a directory or any other file, or a name on a server. */
export async function mailboxExists(ref: MailboxRef, ctx: StoreContext): Promise<boolean> {
  if (ref.kind === 'remote') return remoteDriverFor(ref.service).exists(ref, ctx);
  return (await inspect(ref, ctx)).found.kind !== 'missing';
}

/** The format of a remote name: the driver that serves its service (nntp: Unsupported). */
export function remoteFormat(ref: RemoteRef): FormatName {
  return remoteDriverFor(ref.service).format;
}

/** Counts of a remote mailbox, from the server (STATUS, STAT) without reading its messages. */
export function remoteStatus(ref: RemoteRef, ctx: StoreContext): Promise<MailboxStatus> {
  return remoteDriverFor(ref.service).status(ref, ctx);
}

/**
 * A server's hierarchy: its delimiter and the mailboxes LIST reference pattern returns (for
 * transfer; see src/drivers/imap/list.ts for the details).
 */
export function listRemote(server: RemoteRef, reference: string, pattern: string, ctx: StoreContext): Promise<RemoteListing> {
  const driver = remoteDriverFor(server.service);
  if (!driver.list) throw new Unsupported(`${server.service} has no mailbox hierarchy to list: ${server.name}`);
  return driver.list(server, reference, pattern, ctx);
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
