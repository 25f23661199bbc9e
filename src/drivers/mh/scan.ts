// The message files of an MH folder: names only, sorted numerically, as
// c-client's scandir(mh_select, mh_numsort). Files are not opened or stat'ed.
import fs from 'node:fs';
import { MailboxNotFound, ioError } from '../../errors.js';
import { messageNumber } from './names.js';

export function scanNumbers(dir: string, mailbox: string): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(mailbox);
    throw ioError(e, `can't read the folder ${mailbox}`);
  }
  const numbers: number[] = [];
  for (const entry of entries) {
    const n = messageNumber(entry);
    if (n !== undefined) numbers.push(n);
  }
  return numbers.sort((a, b) => a - b);
}
