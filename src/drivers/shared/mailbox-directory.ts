import fs from 'node:fs';
import { MailboxExists, ioError } from '../../errors.js';
import type { LocalRef } from '../../store/types.js';

/**
 * Makes a directory mailbox: the directory, mode 0700 whatever the umask (a directory already
 * there is MailboxExists), filled by `fill`; when that fails, the directory goes again.
 */
export function createMailboxDirectory(ref: LocalRef, fill: () => void): void {
  const cannotCreate = `Can't create mailbox ${ref.name}`;
  try {
    fs.mkdirSync(ref.path, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new MailboxExists(ref.name);
    throw ioError(e, cannotCreate);
  }
  try {
    fs.chmodSync(ref.path, 0o700);
    fill();
  } catch (e) {
    fs.rmSync(ref.path, { recursive: true, force: true });
    throw ioError(e, cannotCreate);
  }
}
