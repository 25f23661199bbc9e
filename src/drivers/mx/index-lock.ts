// c-client's mx lock cycle (formats-dir.md 3.5, locking.md 8): open .mxindex,
// flock it, read it whole; whoever changes something rewrites it in place
// (from offset 0, then truncate: never a rename, c-client locks the inode);
// unlock and close. c-client always locks exclusively and always rewrites;
// mailsmith's read-only passes take the lock shared, which still keeps every
// c-client process out, and write nothing.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxLocked, MailboxNotFound, ioError } from '../../errors.js';
import { readFullySync, writeFullySync } from '../../io/fd.js';
import { flockNow, flockWait } from '../../locks/index.js';
import { INDEX_NAME } from './names.js';

export class IndexLock {
  private fd: number | undefined;

  private constructor(fd: number, readonly bytes: Buffer, readonly writable: boolean) {
    this.fd = fd;
  }

  /** Locks the index of the mx directory `dir` (shared to read, exclusive to write) and reads it. */
  static async acquire(dir: string, mailbox: string, mode: 'read' | 'write', timeoutMs: number): Promise<IndexLock> {
    const file = path.join(dir, INDEX_NAME);
    let fd: number;
    try {
      fd = fs.openSync(file, mode === 'write' ? fs.constants.O_RDWR : fs.constants.O_RDONLY);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') throw new MailboxNotFound(mailbox);
      throw ioError(e, `can't open the index of ${mailbox}`);
    }
    try {
      if (!(await flockWait(fd, mode === 'write' ? 'exclusive' : 'shared', timeoutMs))) {
        throw new MailboxLocked(mailbox,
          `Mailbox ${mailbox} is locked by another process (waited ${Math.round(timeoutMs / 1000)} s for ${file})`);
      }
      const size = fs.fstatSync(fd).size;
      const bytes = Buffer.allocUnsafe(size);
      const got = readFullySync(fd, bytes, 0, size, 0);
      return new IndexLock(fd, bytes.subarray(0, got), mode === 'write');
    } catch (e) {
      fs.closeSync(fd);
      throw ioError(e, `can't read the index of ${mailbox}`);
    }
  }

  /** Replaces the index's bytes in place and flushes them. */
  rewrite(bytes: Buffer): void {
    const fd = this.openFd();
    writeFullySync(fd, bytes, 0, bytes.length, 0);
    fs.ftruncateSync(fd, bytes.length);
    fs.fsyncSync(fd);
  }

  /** Puts back the bytes read when the lock was taken (a failed change); never throws. */
  restore(): void {
    try {
      this.rewrite(this.bytes);
    } catch {
      // the change's own error is the one to report
    }
  }

  release(): void {
    if (this.fd === undefined) return;
    flockNow(this.fd, 'unlock');
    fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private openFd(): number {
    if (this.fd === undefined || !this.writable) throw new Error('the index is not locked for writing');
    return this.fd;
  }
}
