// Local names -> LocalRef: INBOX, absolute paths, ~ and ~user, #mh, and names
// relative to the mail home (naming.md 1-4, 7.1), as c-client's mailboxfile.
import path from 'node:path';
import { BadName } from '../errors.js';
import type { DriverPrefix } from './driver-prefix.js';
import { isMhName, mhFolderPath } from './mh.js';
import { userHome } from './passwd.js';
import type { LocalRef, NameContext } from './types.js';
import { checkModifiedUtf7 } from './utf7.js';

/** What the caller will do with the name: 'create' (create, copy/move destination, rename's new name) checks more. */
export type NamePurpose = 'open' | 'create';

/** c-client's NETMAXMBX: a 256-byte local name is accepted, a longer one is not. */
const MAX_NAME_BYTES = 256;
/** Sequences c-client's restrictBox refuses anywhere in a name (naming.md 3.2). */
const RESTRICTED_SEQUENCES = ['..', '//', '/~'] as const;

/**
 * Resolves a local name. `input` is the whole name as typed (with any #driver. prefix), for
 * messages; `prefix` is the #driver. prefix when it should set the create format.
 */
export function resolveLocalName(
  name: string, ctx: NameContext, purpose: NamePurpose, input: string, prefix?: DriverPrefix,
): LocalRef {
  if (name === '') throw new BadName(input === '' ? 'empty mailbox name' : `no mailbox name after the prefix: ${input}`);
  if (name.startsWith('#') && !isMhName(name)) refuseNamespace(name, input);
  checkLength(name, input);
  if (ctx.restrict) checkRestrictedSequences(name, input);
  if (purpose === 'create') checkModifiedUtf7(name, input);

  const ref = {
    kind: 'local' as const,
    name,
    home: ctx.home,
    isInbox: false,
    inboxExplicit: false,
    mh: false,
    directoryOnly: name.endsWith('/'),
    ...(prefix ? { createFormat: prefix.format } : {}),
  };
  if (isMhName(name)) {
    if (prefix && prefix.format !== 'mh') {
      throw new BadName(`MH folders are always in mh format: ${input} (drop the #driver.${prefix.typed}/ prefix)`);
    }
    // An MH folder can only be created as one, so a create needs no prefix.
    const createFormat = purpose === 'create' ? { createFormat: 'mh' as const } : {};
    return { ...ref, ...createFormat, mh: true, path: mhFolderPath(name, ctx.home) };
  }
  if (prefix?.format === 'mh') {
    throw new BadName(`mh format is only for MH folders: ${input} (name the folder #mh/${name})`);
  }
  if (/^inbox$/i.test(name)) return { ...ref, ...inbox(ctx, prefix) };
  return { ...ref, path: localPath(name, ctx, input) };
}

function inbox(ctx: NameContext, prefix: DriverPrefix | undefined): Pick<LocalRef, 'isInbox' | 'inboxExplicit' | 'path'> {
  if (ctx.inbox !== undefined) return { isInbox: true, inboxExplicit: true, path: ctx.inbox };
  if (prefix) {
    // Creating INBOX in a given format makes the home-directory INBOX c-client looks for
    // (naming.md 4.3): ~/mbox for mbox, ~/INBOX otherwise. That path is then the INBOX.
    return { isInbox: true, inboxExplicit: true, path: path.join(ctx.home, prefix.typed === 'mbox' ? 'mbox' : 'INBOX') };
  }
  return { isInbox: true, inboxExplicit: false, path: spoolPath(ctx) };
}

function spoolPath(ctx: NameContext): string {
  return path.join(ctx.spoolDir, ctx.user);
}

/** The file-system path of a name that is not INBOX or #mh; `..` is resolved, a trailing `/` dropped. */
function localPath(name: string, ctx: NameContext, input: string): string {
  if (name.startsWith('/')) {
    if (ctx.restrict && name !== spoolPath(ctx)) {
      throw new BadName(`absolute mailbox names are refused under --restrict: ${input} (only the spool file ${spoolPath(ctx)} is allowed; use a name relative to your mail home)`);
    }
    return path.resolve(name);
  }
  if (name === '~') {
    throw new BadName(`~ alone is not a mailbox name (use ~/NAME for a mailbox in your mail home, ~USER for another user's home)`);
  }
  if (name.startsWith('~/')) return path.resolve(ctx.home, name.slice(2));
  if (name.startsWith('~')) return otherUserPath(name, ctx, input);
  return path.resolve(ctx.home, name);
}

/** `~user/rest`: rest under that user's password-file home; `~user/INBOX` is the file INBOX there. */
function otherUserPath(name: string, ctx: NameContext, input: string): string {
  const slash = name.indexOf('/');
  const user = name.slice(1, slash < 0 ? undefined : slash);
  let rest = slash < 0 ? '' : name.slice(slash + 1);
  if (ctx.restrict) {
    throw new BadName(`~${user} names are refused under --restrict: ${input} (use ~/NAME or NAME for your own mailboxes)`);
  }
  const home = userHome(user);
  if (home === undefined) throw new BadName(`no such user ${user}: ${input}`);
  if (/^inbox$/i.test(rest)) rest = 'INBOX';
  // An empty home in the password file is the root directory, as c-client's "%s/%s".
  return path.resolve(home || '/', rest);
}

function checkLength(name: string, input: string): void {
  const bytes = Buffer.byteLength(name, 'utf8');
  if (bytes > MAX_NAME_BYTES) {
    const shown = input.length > 80 ? `${input.slice(0, 80)}...` : input;
    throw new BadName(`mailbox name too long: ${shown} (${bytes} bytes; at most ${MAX_NAME_BYTES})`);
  }
}

function checkRestrictedSequences(name: string, input: string): void {
  const found = RESTRICTED_SEQUENCES.find((seq) => name.includes(seq));
  if (found) {
    throw new BadName(`"${found}" is not allowed anywhere in a mailbox name under --restrict: ${input}`);
  }
}

/** Namespaces c-client has that mailsmith does not (naming.md 7.2-7.4), and unknown ones. */
function refuseNamespace(name: string, input: string): never {
  const lower = name.toLowerCase();
  // #news. is the one prefix c-client compares case-sensitively.
  if (name.startsWith('#news.')) {
    throw new BadName(`mailsmith does not support the #news. namespace (the local news spool): ${input}`);
  }
  for (const ns of ['#ftp/', '#public/', '#shared/']) {
    if (lower.startsWith(ns)) {
      throw new BadName(`mailsmith does not support the ${ns} namespace: ${input} (give the mailbox's path instead)`);
    }
  }
  if (lower.startsWith('#move')) {
    throw new BadName(`mailsmith does not support the #move namespace: ${input} (use mailsmith move SOURCE DEST)`);
  }
  if (lower.startsWith('#pop')) {
    throw new BadName(`mailsmith does not support the #pop namespace: ${input} (copy from {HOST/pop3}INBOX instead)`);
  }
  throw new BadName(`unknown namespace: ${input} (mailsmith knows #driver.FORMAT/NAME, #mh/NAME and #mhinbox)`);
}
