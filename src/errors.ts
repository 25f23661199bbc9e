// Typed errors. Commands map each to one line for people, a JSON object for
// scripts, and an exit code (CLI.md "Exit status"); none prints a stack trace.

export type ErrorCode =
  | 'usage'
  | 'bad-name'
  | 'not-found'
  | 'exists'
  | 'not-selectable'
  | 'not-a-mailbox'
  | 'locked'
  | 'in-use'
  | 'corrupt'
  | 'read-only'
  | 'lossy'
  | 'unsupported'
  | 'io'
  | 'connection'
  | 'tls'
  | 'auth'
  | 'server';

export class MailsmithError extends Error {
  readonly code: ErrorCode;
  /** Exit status a command ends with when this error stops it. */
  readonly exitCode: number;
  constructor(code: ErrorCode, message: string, exitCode = 1) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.exitCode = exitCode;
  }
}

/** A bad command line or a bad mailbox name: exit 2. */
export class UsageError extends MailsmithError {
  constructor(message: string) {
    super('usage', message, 2);
  }
}

/** A mailbox name that cannot be used (syntax, restriction, unknown namespace). */
export class BadName extends MailsmithError {
  constructor(message: string) {
    super('bad-name', message, 2);
  }
}

export class MailboxNotFound extends MailsmithError {
  constructor(readonly mailbox: string, message = `no such mailbox: ${mailbox}`) {
    super('not-found', message);
  }
}

export class MailboxExists extends MailsmithError {
  constructor(readonly mailbox: string, message = `mailbox already exists: ${mailbox}`) {
    super('exists', message);
  }
}

/** A directory or other node that is not a mailbox. */
export class NotSelectable extends MailsmithError {
  constructor(readonly mailbox: string, message = `not a selectable mailbox: ${mailbox}`) {
    super('not-selectable', message);
  }
}

/** A file that exists but is in no format that can take the operation. */
export class NotAMailbox extends MailsmithError {
  constructor(readonly mailbox: string, message: string) {
    super('not-a-mailbox', message);
  }
}

/** Another process holds the mailbox's lock and did not let go in time. */
export class MailboxLocked extends MailsmithError {
  constructor(readonly mailbox: string, message: string) {
    super('locked', message);
  }
}

/** Damage in a mailbox file; the message is c-client's text, which names the offset. */
export class CorruptMailbox extends MailsmithError {
  constructor(readonly mailbox: string, readonly offset: number, readonly detail: string) {
    super('corrupt', `${mailbox}: ${detail}`);
  }
}

export class ReadOnlyMailbox extends MailsmithError {
  constructor(readonly mailbox: string, message = `mailbox is read-only: ${mailbox}`) {
    super('read-only', message);
  }
}

/** --strict: the destination cannot hold something the source has. */
export class LossyCopy extends MailsmithError {
  constructor(message: string) {
    super('lossy', message);
  }
}

export class Unsupported extends MailsmithError {
  constructor(message: string) {
    super('unsupported', message);
  }
}

/** A server could not be reached, or went away in the middle of the work. */
export class ConnectionFailed extends MailsmithError {
  constructor(message: string) {
    super('connection', message);
  }
}

/** TLS could not be set up as the name asks: a certificate not trusted, no STARTTLS, no encryption. */
export class TlsFailed extends MailsmithError {
  constructor(message: string) {
    super('tls', message);
  }
}

/** The server did not accept the login (wrong password, unknown user, no usable mechanism). */
export class AuthFailed extends MailsmithError {
  constructor(message: string) {
    super('auth', message);
  }
}

/** The server refused a command; the message carries the server's own words. */
export class ServerRefused extends MailsmithError {
  constructor(message: string) {
    super('server', message);
  }
}

/** Turns a Node system error into one line that names the file and the reason. */
export function ioError(err: unknown, what: string): MailsmithError {
  const e = err as NodeJS.ErrnoException;
  if (e instanceof MailsmithError) return e;
  const reason = e?.code ? describeErrno(e.code, e.message) : String(e?.message ?? e);
  const out = new MailsmithError('io', `${what}: ${reason}`);
  (out as { cause?: unknown }).cause = err;
  return out;
}

const ERRNO_TEXT: Readonly<Record<string, string>> = {
  ENOSPC: 'No space left on device',
  EFBIG: 'File too large',
  EDQUOT: 'Disk quota exceeded',
  EACCES: 'Permission denied',
  EPERM: 'Operation not permitted',
  ENOENT: 'No such file or directory',
  EEXIST: 'File exists',
  ENOTDIR: 'Not a directory',
  EISDIR: 'Is a directory',
  ENOTEMPTY: 'Directory not empty',
  EXDEV: 'Invalid cross-device link',
  EROFS: 'Read-only file system',
  EIO: 'Input/output error',
  ENAMETOOLONG: 'File name too long',
};

function describeErrno(code: string, fallback: string): string {
  return ERRNO_TEXT[code] ?? fallback;
}
