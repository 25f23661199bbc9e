// The descriptor a mailbox session holds on its file (mbx, mtx, tenex: the
// mailbox file; mix: .mixmeta), flocked for as long as the session is open.
import fs from 'node:fs';
import { MailboxNotFound, MailsmithError, ReadOnlyMailbox, ioError } from '../../errors.js';
import { flockNow } from '../../locks/index.js';
import type { OpenMode } from '../../store/types.js';

export interface SessionOpening {
  /** The file to open. */
  readonly path: string;
  /** The mailbox's name, for errors. */
  readonly name: string;
  readonly mode: OpenMode;
  readonly warn: (text: string) => void;
  /** The error text when the file cannot be opened. */
  readonly cannotOpen: string;
  /** errno codes that mean there is no such mailbox (ENOENT always). */
  readonly missing?: readonly string[];
}

/**
 * Opens the file read-write when asked; when the file or its file system will not be written by
 * us, read-only instead, with c-client's warning.
 */
export function openSessionFile(o: SessionOpening): { fd: number; writable: boolean } {
  const writable = o.mode === 'write';
  try {
    return { fd: fs.openSync(o.path, writable ? fs.constants.O_RDWR : fs.constants.O_RDONLY), writable };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (code === 'ENOENT' || o.missing?.includes(code)) throw new MailboxNotFound(o.name);
    if (!writable || (code !== 'EACCES' && code !== 'EROFS' && code !== 'EPERM')) throw ioError(e, o.cannotOpen);
  }
  let fd: number;
  try {
    fd = fs.openSync(o.path, fs.constants.O_RDONLY);
  } catch (e) {
    throw ioError(e, o.cannotOpen);
  }
  o.warn(`Can't get write access to mailbox, access is readonly`);
  return { fd, writable: false };
}

export class SessionFile {
  private fd: number | undefined;

  constructor(fd: number, private readonly name: string, readonly writable: boolean) {
    this.fd = fd;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /** The descriptor; an error once the session is closed. */
  open(): number {
    if (this.fd === undefined) throw new MailsmithError('io', `${this.name}: the mailbox is closed`);
    return this.fd;
  }

  /** The descriptor, for a change: an error when the session is read-only. */
  forChange(): number {
    const fd = this.open();
    if (!this.writable) throw new ReadOnlyMailbox(this.name);
    return fd;
  }

  /** Releases the flock and closes the descriptor; nothing when already closed. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    flockNow(fd, 'unlock');
    fs.closeSync(fd);
  }
}
