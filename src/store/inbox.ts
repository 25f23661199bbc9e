// Which file INBOX is, by c-client's rule (naming.md 4.3), when no --inbox or
// MAILSMITH_INBOX names it: ~/mbox when it is a unix-format or empty file,
// else ~/INBOX when it holds a mailbox in a home-directory format, else the
// spool file.
import path from 'node:path';
import { detect } from './detect.js';
import type { LocalRef } from './types.js';

export async function resolveInbox(ref: LocalRef): Promise<LocalRef> {
  const spool = await detect(ref.path);
  const spoolIsUnixLike = spool.kind === 'missing' || spool.kind === 'empty-file'
    || (spool.kind === 'mailbox' && spool.driver.format === 'unix');
  const mbox = path.join(ref.home, 'mbox');
  const mboxFound = await detect(mbox);
  if (spoolIsUnixLike && (mboxFound.kind === 'empty-file'
    || (mboxFound.kind === 'mailbox' && mboxFound.driver.format === 'unix'))) {
    return { ...ref, path: mbox };
  }
  const homeInbox = path.join(ref.home, 'INBOX');
  const found = await detect(homeInbox);
  if (found.kind === 'mailbox') return { ...ref, path: homeInbox };
  return ref;
}
