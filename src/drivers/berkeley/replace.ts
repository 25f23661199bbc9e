// Replacing a mailbox file: the new contents go to a temporary file beside it,
// with the original's mode and owner, are flushed, and renamed over it.
import fs from 'node:fs';
import path from 'node:path';
import { ioError } from '../../errors.js';
import { fsync } from '../../io/fd.js';

export interface TempFile {
  readonly path: string;
  readonly fd: number;
  /** Flushes, renames over target and flushes the directory; the descriptor stays open. Throws only before the rename. */
  commit(target: string): Promise<void>;
  /** Closes and removes the temporary file (after a failure). */
  discard(): void;
}

let counter = 0;

/** A new empty file in target's directory with target's permissions and (when allowed) owner. */
export function tempFileBeside(target: string, name: string): TempFile {
  const st = fs.statSync(target);
  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.mailsmith-${process.pid}-${++counter}`);
  let fd: number;
  try {
    fd = fs.openSync(tmp, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, st.mode & 0o7777);
    fs.fchmodSync(fd, st.mode & 0o7777);
  } catch (e) {
    throw ioError(e, `Can't create a temporary file beside ${name}`);
  }
  try {
    fs.fchownSync(fd, st.uid, st.gid);
  } catch {
    // only root may give a file away; ours already belongs to us, as the original must
  }
  let pending = true;
  return {
    path: tmp,
    fd,
    async commit(to: string) {
      await fsync(fd);
      fs.renameSync(tmp, to);
      pending = false;
      try {
        const dfd = fs.openSync(dir, 'r');
        fs.fsyncSync(dfd);
        fs.closeSync(dfd);
      } catch {
        // the rename has happened; flushing the directory only makes it survive a crash sooner
      }
    },
    discard() {
      if (!pending) return;
      pending = false;
      fs.closeSync(fd);
      try {
        fs.unlinkSync(tmp);
      } catch {
        // already gone
      }
    },
  };
}
