// A mailbox name, resolved: where the mailbox lives and how it was named.
import type { FormatName } from '../store/types.js';

/** Where local names resolve; built once per command from flags and environment. */
export interface NameContext {
  /** The mail home: --home, else MAILSMITH_HOME, else $HOME. */
  readonly home: string;
  /** The INBOX file when set explicitly (--inbox or MAILSMITH_INBOX). */
  readonly inbox?: string;
  /** The login name, for the spool file /var/mail/USER. */
  readonly user: string;
  /** Directory of spool files (default /var/mail). */
  readonly spoolDir: string;
  /** Refuse absolute names, `~user`, and `..`, `//`, `/~` anywhere (c-client's restrictBox). */
  readonly restrict: boolean;
}

export interface LocalRef {
  readonly kind: 'local';
  /** The name as the user typed it (without any #driver. prefix), for messages. */
  readonly name: string;
  /** Absolute file-system path of the mailbox (file or directory). */
  readonly path: string;
  /** Format forced by a #driver.FORMAT/ prefix or --format (used when creating). */
  readonly createFormat?: FormatName;
  /** The name is INBOX (any letter case). */
  readonly isInbox: boolean;
  /**
   * For INBOX: `path` is the INBOX itself: it came from --inbox or MAILSMITH_INBOX, or the name
   * was `#driver.FORMAT/INBOX` on create (~/INBOX, or ~/mbox for mbox, as c-client). Otherwise
   * `path` is the spool file and the store applies c-client's rule (~/mbox, ~/INBOX in a home
   * format, else the spool).
   */
  readonly inboxExplicit: boolean;
  /** The mail home the name was resolved against. */
  readonly home: string;
  /** #mh/NAME or #mhinbox: an MH folder under the Path: of ~/.mh_profile. */
  readonly mh: boolean;
  /** The name ends with the hierarchy delimiter: a plain directory, not a mailbox. */
  readonly directoryOnly: boolean;
}

export type RemoteService = 'imap' | 'pop3' | 'nntp';

export interface RemoteFlags {
  readonly ssl: boolean;
  readonly tls: boolean;
  readonly notls: boolean;
  readonly tryssl: boolean;
  readonly novalidateCert: boolean;
  readonly readonly: boolean;
  readonly anonymous: boolean;
  readonly secure: boolean;
  readonly debug: boolean;
  readonly loser: boolean;
  readonly norsh: boolean;
}

export interface RemoteRef {
  readonly kind: 'remote';
  /** The name as typed. */
  readonly name: string;
  readonly host: string;
  /** Explicit port, if the name gave one. */
  readonly port?: number;
  readonly service: RemoteService;
  readonly user?: string;
  readonly authuser?: string;
  readonly flags: RemoteFlags;
  /** The mailbox on the server; INBOX when the name left it empty. */
  readonly mailbox: string;
  /** Format forced by a #driver. prefix cannot apply to remote names; always undefined. */
  readonly createFormat?: undefined;
}

export type MailboxRef = LocalRef | RemoteRef;
