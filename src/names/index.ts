// Mailbox names as users type them (c-client's syntax, naming.md) -> MailboxRef.
import { BadName } from '../errors.js';
import { hasDriverPrefix, parseDriverPrefix } from './driver-prefix.js';
import { resolveLocalName, type NamePurpose } from './local.js';
import { parseRemoteName } from './remote.js';
import type { MailboxRef, NameContext } from './types.js';
import { checkModifiedUtf7 } from './utf7.js';

export { buildNameContext, type NameContextOptions } from './context.js';
export { parseRemoteName } from './remote.js';
export type { NamePurpose } from './local.js';
export type { LocalRef, MailboxRef, NameContext, RemoteFlags, RemoteRef, RemoteService } from './types.js';

/**
 * Resolves a name for opening an existing mailbox ('open') or for making one ('create': create,
 * copy/move destinations, rename's new name), which must also be valid modified UTF-7.
 */
export function resolveName(input: string, ctx: NameContext, purpose: NamePurpose): MailboxRef {
  if (/[\r\n]/.test(input)) throw new BadName(`mailbox names cannot contain CR or LF: ${JSON.stringify(input)}`);
  if (input.startsWith('{')) {
    const ref = parseRemoteName(input);
    if (purpose === 'create') checkModifiedUtf7(ref.mailbox, input);
    return ref;
  }
  if (!hasDriverPrefix(input)) return resolveLocalName(input, ctx, purpose, input);
  const prefix = parseDriverPrefix(input);
  if (prefix.rest.startsWith('{')) {
    throw new BadName(`#driver. applies to local names only: ${input} (the server decides a remote mailbox's format)`);
  }
  if (hasDriverPrefix(prefix.rest)) throw new BadName(`more than one #driver. prefix: ${input}`);
  // c-client refuses the prefix on open, but mailutil's append passes it on so that an empty
  // file gets that format. We accept it: an existing mailbox's format still comes from its bytes,
  // and the prefix only decides what an empty file becomes (`append SRC '#driver.mtx/X'`).
  // On INBOX it means the home-directory INBOX only when creating.
  const keep = purpose === 'create' || !/^inbox$/i.test(prefix.rest);
  return resolveLocalName(prefix.rest, ctx, purpose, input, keep ? prefix : undefined);
}
