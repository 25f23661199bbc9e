// The message files of an mx directory: names only, sorted numerically, as
// c-client's scandir(mx_select, mx_numsort). Files are not opened or stat'ed.
import fs from 'node:fs';
import { MailboxNotFound, ioError } from '../../errors.js';
import { messageUid } from './names.js';

export function scanUids(dir: string, mailbox: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(mailbox);
    throw ioError(e, `can't read the directory of ${mailbox}`);
  }
  const uids: number[] = [];
  for (const entry of entries) {
    const uid = messageUid(entry);
    if (uid !== undefined) uids.push(uid);
  }
  return uids.sort((a, b) => a - b);
}
