// A batch of new files in one directory, as the one-file-per-message formats
// (mx, mh) append: each file created exclusively, written and dated at once,
// and all of them made durable together at the end, or all removed again.
// One fsync per file would cost a journal commit per message (about 4 times
// slower for a 20,000-message copy here); a big batch is flushed with one
// syncfs(2) instead, a small one with an fsync per file.
import fs from 'node:fs';
import path from 'node:path';
import { getSystemErrorName } from 'node:util';
import { writeFullySync } from './fd.js';
import { syncFilesystem } from './native.js';

/** Up to this many files, each is fsync'ed; beyond, the file system is synced once (syncfs). */
const FSYNC_EACH_UP_TO = 64;

export interface FileTimes {
  /** Seconds since the epoch. */
  readonly atime: number;
  readonly mtime: number;
}

export class NewFileBatch {
  private dirFd: number | undefined;
  private readonly created: string[] = [];
  /** Descriptors kept open for their fsync while the batch is small. */
  private readonly openFds: number[] = [];
  private bulk = false;

  /** Opens the directory first: syncfs reports write-back errors that happen after that. */
  constructor(readonly dir: string) {
    this.dirFd = fs.openSync(dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
  }

  get count(): number {
    return this.created.length;
  }

  /**
   * Creates `name` (O_EXCL, mode 0600 less the umask, as c-client), writes the parts and sets
   * the times. On failure the file is removed and the error (a Node system error) thrown.
   */
  add(name: string, parts: readonly Uint8Array[], times: FileTimes): void {
    this.openDir();
    const file = path.join(this.dir, name);
    const fd = fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600);
    try {
      let at = 0;
      for (const part of parts) {
        writeFullySync(fd, part, 0, part.length, at);
        at += part.length;
      }
      fs.futimesSync(fd, times.atime, times.mtime);
    } catch (e) {
      fs.closeSync(fd);
      fs.rmSync(file, { force: true });
      throw e;
    }
    this.created.push(name);
    if (this.bulk) {
      fs.closeSync(fd);
      return;
    }
    this.openFds.push(fd);
    if (this.openFds.length > FSYNC_EACH_UP_TO) {
      this.bulk = true;
      this.closeFds();
    }
  }

  /** Puts every file and the directory entries on disk. The batch can still be aborted after. */
  commit(): void {
    const dirFd = this.openDir();
    try {
      if (this.bulk) {
        const errno = syncFilesystem(dirFd);
        if (errno !== 0) throw systemError(errno, 'syncfs', this.dir);
      } else {
        for (const fd of this.openFds) fs.fsyncSync(fd);
      }
      if (this.created.length > 0) fs.fsyncSync(dirFd);
    } finally {
      this.closeAll();
    }
  }

  /** Removes every file the batch created (committed or not); never throws (the caller has an error to report). */
  abort(): void {
    this.closeAll();
    if (this.created.length === 0) return;
    for (const name of this.created.splice(0)) {
      try {
        fs.rmSync(path.join(this.dir, name), { force: true });
      } catch {
        // nothing better to do: the caller's error is the one to report
      }
    }
    try {
      const fd = fs.openSync(this.dir, fs.constants.O_RDONLY | fs.constants.O_DIRECTORY);
      try {
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      // as above
    }
  }

  private openDir(): number {
    if (this.dirFd === undefined) throw new Error('the batch has been committed or aborted');
    return this.dirFd;
  }

  private closeFds(): void {
    for (const fd of this.openFds.splice(0)) fs.closeSync(fd);
  }

  private closeAll(): void {
    this.closeFds();
    if (this.dirFd !== undefined) fs.closeSync(this.dirFd);
    this.dirFd = undefined;
  }
}

/** An error shaped like Node's own system errors, so that ioError() names the reason. */
function systemError(errno: number, syscall: string, file: string): NodeJS.ErrnoException {
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${syscall} ${file}: ${code}`), { code, errno: -errno, syscall, path: file });
}
