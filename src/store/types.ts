// The engine's shapes: every driver implements Driver and Mailbox, and every
// operation talks to mailboxes only through them (DESIGN.md).
import type { MailDate } from '../mail/dates.js';
import type { SystemFlag } from '../mail/flags.js';
import type { LocalRef, MailboxRef, RemoteRef } from '../names/types.js';
import type { SearchCriteria } from '../search/index.js';

export type { LocalRef, MailboxRef, RemoteRef } from '../names/types.js';
export type { MailDate } from '../mail/dates.js';
export type { SystemFlag } from '../mail/flags.js';

/** Local formats c-client knows, plus Maildir and the remote stores. */
export type FormatName =
  | 'unix' | 'mmdf' | 'mbx' | 'mix' | 'mtx' | 'tenex' | 'mx' | 'mh' | 'maildir' | 'phile'
  | 'imap' | 'pop3';

/** What a format can keep; the copy operation names whatever falls outside it. */
export interface FormatCapabilities {
  /** Stores keyword names and per-message keyword sets. */
  readonly keywords: boolean;
  /** Stores a UID validity and per-message UIDs that survive a reopen. */
  readonly uids: boolean;
  /** System flags the format stores. */
  readonly flags: readonly SystemFlag[];
  /**
   * Flags every message copied in reads back with, whatever it had: not stored, but what a
   * reader infers (mh: \Seen, from an atime later than the mtime, formats-dir.md 4.5).
   */
  readonly inferredFlags?: readonly SystemFlag[];
  /** Keeps the internal date's zone (mx and mh keep only an instant). */
  readonly dateZone: boolean;
  /** Can be written at all (phile cannot). */
  readonly writable: boolean;
}

export interface MailboxMeta {
  /** UIDVALIDITY; 0 when the format has none. */
  readonly uidValidity: number;
  /** The last UID assigned; the next message gets uidLast + 1. */
  readonly uidLast: number;
  /** Keyword names the mailbox defines, in bit order. */
  readonly keywords: readonly string[];
}

/** What a read-only pass sees of one message. */
export interface MessageRecord {
  /** 1-based position in the mailbox. */
  readonly seq: number;
  readonly uid: number;
  readonly internalDate: MailDate;
  readonly flags: readonly SystemFlag[];
  readonly keywords: readonly string[];
  /** \Recent: no read-write session has seen the message yet. */
  readonly recent: boolean;
  /** RFC822.SIZE: octets of the text with CRLF line ends. */
  readonly size: number;
  /** Bytes of the mailbox file consumed up to the end of this message (for progress). */
  readonly position: number;
  /** RFC 5322 bytes with CRLF line ends, as IMAP BODY[] returns them. */
  text(): Promise<Buffer>;
}

/** A message handed to append(). */
export interface NewMessage {
  /** RFC 5322 bytes with CRLF line ends. */
  readonly text: Buffer;
  readonly internalDate: MailDate;
  readonly flags: readonly SystemFlag[];
  readonly keywords: readonly string[];
  /** UID to keep; honoured only when appending into a mailbox created for this copy. */
  readonly uid?: number;
}

/** Something a destination could not hold or had to change; counted per kind. */
export type LossKind =
  | 'keyword'        // a keyword the destination cannot store
  | 'flag'           // a system flag the destination cannot store
  | 'uid'            // a UID that could not be kept
  | 'bare-cr'        // a CR not followed by LF, which the format cannot store
  | 'delimiter'      // mmdf: ^A bytes ending a line, which would read as the message delimiter
  | 'date-zone';     // the internal date's zone (kept as an instant only)

export type ChangeKind =
  | 'from-quoted'     // a line starting "From " stored as ">From " (unix)
  | 'newline-added'   // a message without a final newline got one (unix)
  | 'header-renamed'  // a header c-client would take as mailbox data (Status:, X-UID:, ...) renamed X-Original-...
  | 'header-nul';     // a NUL ending a header field's name stored as a space, as c-client reads it back (unix)

export interface AppendResult {
  readonly appended: number;
  /** UIDs the destination gave the messages, in order, when it knows them. */
  readonly uids: readonly number[];
  /** Per loss kind, per detail (keyword name, flag name, ...): how many messages. */
  readonly losses: ReadonlyMap<LossKind, ReadonlyMap<string, number>>;
  /** Harmless, documented transformations: how many messages each touched. */
  readonly changes: ReadonlyMap<ChangeKind, number>;
  /**
   * Messages not appended because the destination already held them (a server destination,
   * matched by Message-ID, internal date and size): what an interrupted earlier run delivered.
   */
  readonly present?: number;
}

export interface AppendOptions {
  /** Keep each NewMessage.uid (only for a mailbox this copy has just created). */
  readonly keepUids?: boolean;
  /** Throw LossyCopy at the first loss instead of counting it; nothing stays written. */
  readonly strict?: boolean;
  /** Called after every message is written (for progress). */
  readonly onMessage?: (appended: number) => void;
}

export interface FlagChange {
  readonly add?: { readonly flags?: readonly SystemFlag[]; readonly keywords?: readonly string[] };
  readonly remove?: { readonly flags?: readonly SystemFlag[]; readonly keywords?: readonly string[] };
}

export type OpenMode = 'read' | 'write';

export interface Mailbox {
  readonly ref: MailboxRef;
  readonly format: FormatName;
  /** False when opened read-only (or the format cannot be written). */
  readonly writable: boolean;
  /** Meta as of open; messages() may raise uidLast (see Mailbox.metaAfterScan). */
  readonly meta: MailboxMeta;
  /** Size in bytes of what messages() will read, for progress; undefined if unknown. */
  readonly byteSize?: number;
  /** Streams every message in order. Memory stays flat however large the mailbox. */
  messages(): AsyncIterable<MessageRecord>;
  /**
   * Appends the batch: all or nothing. Flushed to disk (fsync) before it returns;
   * on any failure the mailbox is put back as it was and the error is thrown.
   * Keywords the destination does not define yet are created (where the format can).
   */
  append(batch: AsyncIterable<NewMessage>, options?: AppendOptions): Promise<AppendResult>;
  /** Changes flags of the messages with these UIDs; flushed before it returns. */
  store(uids: readonly number[], change: FlagChange): Promise<void>;
  /** Removes the messages flagged \Deleted (only those in uids, if given); returns how many. */
  expunge(uids?: readonly number[]): Promise<number>;
  /** Releases locks; the mailbox is on disk as it should be. */
  close(): Promise<void>;
  /**
   * Each message's identity (src/mail/identity.ts: Message-ID, internal date, size), in order,
   * where the store can list them without reading every text (a server's headers only).
   */
  identities?(): Promise<string[]>;
  /**
   * The UIDs of the messages that match, in mailbox order, where the store evaluates criteria
   * itself (a server's UID SEARCH); prune then sends the criteria instead of reading every message.
   */
  search?(criteria: SearchCriteria): Promise<number[]>;
}

export interface CreateOptions {
  /** Start the new mailbox with this UID validity, last UID and keyword list. */
  readonly meta?: Partial<MailboxMeta>;
}

export interface ListEntry {
  readonly name: string;
  readonly selectable: boolean;
  readonly hasChildren: boolean;
}

/** What every driver call gets from the command that runs it. */
export interface StoreContext {
  /** A warning for the user (c-client's WARN texts: `Discarding bogus ...`, `Unknown flag: ...`). */
  warn(text: string): void;
  /** An informational note, shown with --verbose (`Expunged 2 messages`). */
  note(text: string): void;
  /** How long to wait for a lock another process holds before failing with MailboxLocked. */
  readonly lockTimeoutMs: number;
  /** Local user and host, for the From_ lines c-client writes (`From user@host ...`). */
  readonly user: string;
  readonly host: string;
  /** The clock (UID validity of new mailboxes, dates of pseudo-messages); tests pin it. */
  now(): Date;
  /**
   * Read mailboxes other programs wrote the way they meant them, where c-client would not
   * (--lenient): mbox "From " lines c-client rejects, Content-Length, mboxrd quoting.
   */
  readonly lenient: boolean;
  /** Logins, trusted certificates and protocol telemetry for remote mailboxes (src/remote). */
  readonly remote?: RemoteAccess;
}

/** What a remote driver needs from the command to connect and log in. */
export interface RemoteAccess {
  /** The login name for the server when the name gives no /user= (~/.netrc, else a prompt). */
  user(ref: RemoteRef): Promise<string>;
  /** The password of `user` on the server of `ref` (asked once per server and user). */
  password(ref: RemoteRef, user: string): Promise<string>;
  /** PEM certificates to trust besides the system's (--ca-file). */
  readonly ca?: readonly Buffer[];
  /** Protocol telemetry (-d): one line at a time, passwords and logins already masked. */
  debug?(line: string): void;
  /** How long to wait for a connection or an answer before giving up. */
  readonly timeoutMs?: number;
}

/** STATUS of a mailbox, for check. */
export interface MailboxStatus {
  /** The name to print: c-client's canonical form for IMAP, the name as typed for POP3. */
  readonly name: string;
  readonly total: number;
  readonly recent: number;
  readonly unseen: number;
}

/** One mailbox a server's LIST returned. */
export interface RemoteListEntry {
  /** Its full name as LIST returned it (modified UTF-7, the server's delimiter). */
  readonly name: string;
  /** The same name decoded to Unicode, for people. */
  readonly displayName: string;
  /** The hierarchy delimiter LIST gave for it; '' when the server has none (NIL). */
  readonly delimiter: string;
  /** LIST attributes as the server sent them (\Noselect, \HasChildren, ...). */
  readonly attributes: readonly string[];
  /** Not \Noselect or \NonExistent: it can be opened. */
  readonly selectable: boolean;
  readonly hasChildren: boolean;
  /** The mailbox as a name mailsmith can open: the listed server's `{...}` with this name. */
  readonly ref: RemoteRef;
}

export interface RemoteListing {
  /** The server's hierarchy delimiter (LIST "" ""); '' when it has none. */
  readonly delimiter: string;
  readonly entries: readonly RemoteListEntry[];
}

/** A store on a server: the same Mailbox as local formats, reached by RemoteRef. */
export interface RemoteDriver {
  readonly format: 'imap' | 'pop3';
  readonly capabilities: FormatCapabilities;
  readonly kind: 'remote';
  /** Makes a new, empty mailbox; MailboxExists if the name is taken. */
  create(ref: RemoteRef, ctx: StoreContext): Promise<void>;
  delete(ref: RemoteRef, ctx: StoreContext): Promise<void>;
  /** Renames on the same server and account; the destination must not exist. */
  rename(from: RemoteRef, to: RemoteRef, ctx: StoreContext): Promise<void>;
  open(ref: RemoteRef, mode: OpenMode, ctx: StoreContext): Promise<Mailbox>;
  /** Whether the name is taken on the server (a mailbox, or a \Noselect node). */
  exists(ref: RemoteRef, ctx: StoreContext): Promise<boolean>;
  status(ref: RemoteRef, ctx: StoreContext): Promise<MailboxStatus>;
  /** LIST reference pattern on the server of `server` (IMAP only; see src/drivers/imap/list.ts). */
  list?(server: RemoteRef, reference: string, pattern: string, ctx: StoreContext): Promise<RemoteListing>;
}

export interface Driver {
  readonly format: FormatName;
  readonly capabilities: FormatCapabilities;
  /** Directory formats hold a directory; flat formats a file. */
  readonly kind: 'file' | 'directory';
  /**
   * c-client's validity test on an existing path; never looks at the name. With a context, a
   * driver may also accept what only a lenient read takes (ctx.lenient), or warn that it does not.
   */
  probe(path: string, ctx?: StoreContext): Promise<boolean>;
  /** Makes a new, empty mailbox; MailboxExists if the path is taken. */
  create(ref: LocalRef, ctx: StoreContext, options?: CreateOptions): Promise<void>;
  delete(ref: LocalRef, ctx: StoreContext): Promise<void>;
  /** Renames within the store; the destination must not exist. */
  rename(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void>;
  open(ref: LocalRef, mode: OpenMode, ctx: StoreContext): Promise<Mailbox>;
  /**
   * Directory formats: whether an entry of the mailbox's directory is the format's own
   * (.mixmeta, .mxindex, a numbered MH message, Maildir's cur/new/tmp ...), which LIST never
   * shows as a mailbox; the other entries are child mailboxes ("dual use").
   */
  isInternal?(entry: string): boolean;
}
