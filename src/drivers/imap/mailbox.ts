// An IMAP mailbox behind the same Mailbox interface as a local one. One
// connection per open mailbox, closed by close(). The mailbox is EXAMINEd
// (read-only: no \Recent taken from the user's mail reader) and only SELECTed
// when flags are changed or messages expunged. Messages are fetched in
// batches of a few MB; appends go out in MULTIAPPEND batches with LITERAL+,
// so a copy is not one round trip per message, and the next batch is read
// from the source while the server stores the one before. What the
// server did with each appended message (flags, keywords, date, UID) is read
// back and any difference named. A mailbox that already holds some of the
// messages (an interrupted earlier run) gets only the ones it lacks.
import { ConnectionFailed, LossyCopy, MailsmithError, ReadOnlyMailbox } from '../../errors.js';
import { EPOCH_DATE, parseCClientDate, type MailDate } from '../../mail/dates.js';
import { sortFlags, type SystemFlag } from '../../mail/flags.js';
import { IdentityCounts, identity, identityOfText, messageIdOf } from '../../mail/identity.js';
import type { RemoteRef } from '../../names/types.js';
import type { SearchCriteria } from '../../search/index.js';
import type {
  AppendOptions, AppendResult, FlagChange, LossKind, Mailbox, MailboxMeta, MessageRecord, NewMessage, OpenMode,
  StoreContext,
} from '../../store/types.js';
import { uidSet } from './args.js';
import { appendBatch, type Outgoing } from './commands/append.js';
import type { ImapNode } from './client.js';
import { expungeAll, uidExpunge } from './commands/expunge.js';
import { fetch } from './commands/fetch.js';
import { uidSearch } from './commands/search.js';
import { select, type Selection } from './commands/select.js';
import { storeFlags } from './commands/store.js';
import { connectImap, type ImapConnection } from './connect.js';
import { Handoff } from './handoff.js';
import { refusal } from './refusal.js';
import { bytesOf, flagsOf, num, text, type FetchItems } from './values.js';

/** A fetch batch: at most this many bytes of text, or messages. */
const FETCH_BATCH_BYTES = 16 << 20;
const FETCH_BATCH_MESSAGES = 2000;
/**
 * An append batch (one MULTIAPPEND command). The first is smaller, so that the server starts
 * storing early; each next one is twice the size up to the largest. Two are in memory at once.
 */
const FIRST_APPEND_BATCH_BYTES = 1 << 20;
const APPEND_BATCH_BYTES = 4 << 20;
const APPEND_BATCH_MESSAGES = 1000;

/** What is kept of a message sent, to compare it with what the server stored. */
type Sent = Pick<NewMessage, 'internalDate' | 'flags' | 'keywords' | 'uid'>;

interface Index {
  readonly uids: number[];
  readonly sizes: number[];
}

function internalDate(node: ImapNode | undefined): MailDate {
  return parseCClientDate(text(node), 0) || EPOCH_DATE;
}

function splitFlags(raw: readonly string[]): { flags: SystemFlag[]; keywords: string[]; recent: boolean } {
  const flags: SystemFlag[] = [];
  const keywords: string[] = [];
  let recent = false;
  for (const f of raw) {
    const system = SYSTEM_BY_LOWER.get(f.toLowerCase());
    if (system) flags.push(system);
    else if (f.toLowerCase() === '\\recent') recent = true;
    else if (!f.startsWith('\\')) keywords.push(f);
  }
  return { flags: sortFlags(flags), keywords, recent };
}

const SYSTEM_BY_LOWER = new Map<string, SystemFlag>(
  (['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'] as const).map((f) => [f.toLowerCase(), f]),
);

/** A buffer that holds on to a much larger one (a socket chunk) is copied, so the chunk can go. */
function own(b: Buffer): Buffer {
  return b.length * 2 < b.buffer.byteLength ? Buffer.from(b) : b;
}

export class ImapMailbox implements Mailbox {
  readonly format = 'imap' as const;
  readonly meta: MailboxMeta;
  private index: Index | undefined;
  private readWrite = false;

  private constructor(
    readonly ref: RemoteRef,
    private readonly conn: ImapConnection,
    private selection: Selection,
    readonly writable: boolean,
    private readonly ctx: StoreContext,
    uidLast: number,
  ) {
    this.meta = {
      uidValidity: selection.uidValidity,
      uidLast,
      keywords: selection.flags.filter((f) => !f.startsWith('\\')),
    };
  }

  static async open(ref: RemoteRef, mode: OpenMode, ctx: StoreContext): Promise<ImapMailbox> {
    const conn = await connectImap(ref, ctx);
    try {
      const selection = await select(conn.session, ref.mailbox, true, ref.name);
      let uidLast = selection.uidNext - 1;
      if (selection.uidNext === 0 && selection.exists > 0) {
        await fetch(conn.session, {
          byUid: false, set: String(selection.exists), items: '(UID)', required: ['UID'],
          onMessage: (m) => {
            uidLast = num(m.get('UID'));
          },
        }, `can't read ${ref.name}`);
      }
      return new ImapMailbox(ref, conn, selection, mode === 'write' && !ref.flags.readonly, ctx, Math.max(0, uidLast));
    } catch (e) {
      await conn.session.logout();
      throw e;
    }
  }

  private get session(): ImapConnection['session'] {
    return this.conn.session;
  }

  /** Bytes of text messages() reads (known once it has started). */
  get byteSize(): number | undefined {
    return this.index?.sizes.reduce((a, b) => a + b, 0);
  }

  /** UIDs and sizes of the messages, in order (one small FETCH). */
  private async loadIndex(): Promise<Index> {
    if (this.index) return this.index;
    const uids: number[] = [];
    const sizes: number[] = [];
    const count = this.session.exists;
    if (count > 0) {
      await fetch(this.session, {
        byUid: false, set: `1:${count}`, items: '(UID RFC822.SIZE)', required: ['UID', 'RFC822.SIZE'],
        onMessage: (m) => {
          uids.push(num(m.get('UID')));
          sizes.push(num(m.get('RFC822.SIZE')));
        },
      }, `can't read ${this.ref.name}`);
    }
    this.index = { uids, sizes };
    return this.index;
  }

  async *messages(): AsyncIterable<MessageRecord> {
    const index = await this.loadIndex();
    const batches = batchesOf(index);
    const handoff = new Handoff<MessageRecord>();
    let position = 0;
    let seq = 0;
    const read = async (): Promise<void> => {
      for (const uids of batches) {
        await fetch(this.session, {
          byUid: true, set: uidSet(uids), items: '(UID FLAGS INTERNALDATE RFC822.SIZE BODY.PEEK[])',
          required: ['UID', 'BODY[]'],
          onMessage: (m) => {
            const record = this.record(m, ++seq, (position += num(m.get('RFC822.SIZE'))));
            return handoff.push(record, record.size);
          },
        }, `can't read ${this.ref.name}`);
      }
      handoff.end();
    };
    read().catch((e: Error) => handoff.fail(e));
    let finished = false;
    try {
      for (let r = await handoff.next(); r; r = await handoff.next()) yield r;
      finished = true;
    } finally {
      // a consumer that stops early leaves answers on the wire: this connection is done
      if (!finished) this.session.abort();
    }
  }

  private record(m: FetchItems, seq: number, position: number): MessageRecord {
    const { flags, keywords, recent } = splitFlags(flagsOf(m.get('FLAGS')));
    const body = own(bytesOf(m.get('BODY[]')));
    return {
      seq,
      uid: num(m.get('UID')),
      internalDate: internalDate(m.get('INTERNALDATE')),
      flags,
      keywords,
      recent,
      size: m.has('RFC822.SIZE') ? num(m.get('RFC822.SIZE')) : body.length,
      position,
      text: () => Promise.resolve(body),
    };
  }

  async identities(): Promise<string[]> {
    const out: string[] = [];
    const count = this.session.exists;
    if (count === 0) return out;
    await fetch(this.session, {
      byUid: false, set: `1:${count}`, items: '(UID INTERNALDATE RFC822.SIZE BODY.PEEK[HEADER.FIELDS (MESSAGE-ID)])',
      required: ['UID', 'RFC822.SIZE'],
      onMessage: (m) => {
        const header = [...m.keys()].find((k) => k.startsWith('BODY[HEADER.FIELDS'));
        out.push(identity(messageIdOf(bytesOf(header ? m.get(header) : null)), internalDate(m.get('INTERNALDATE')), num(m.get('RFC822.SIZE'))));
      },
    }, `can't read ${this.ref.name}`);
    return out;
  }

  async append(batch: AsyncIterable<NewMessage>, options: AppendOptions = {}): Promise<AppendResult> {
    this.mustWrite('append to');
    if (options.strict && options.keepUids) {
      throw new LossyCopy(`--strict: ${this.ref.name} can't keep UIDs: an IMAP server gives appended messages UIDs of its own`);
    }
    const present = this.session.exists > 0 ? new IdentityCounts(await this.identities()) : undefined;
    const uidNextBefore = this.selection.uidNext;
    // what compare() needs of each message sent, without its text: that would keep the whole copy in memory
    const sent: Sent[] = [];
    const gotUids: number[] = [];
    let uidsKnown = true;
    let skipped = 0;
    let accepted = 0;
    let pending: Outgoing[] = [];
    let pendingBytes = 0;
    let batchBytes = FIRST_APPEND_BATCH_BYTES;
    // One batch is on the wire while the next is gathered: the server stores the one while the
    // source is read for the other. A batch goes out only once the one before it is answered,
    // so nothing is sent after a refusal or a broken connection.
    let inFlight: Promise<void> | undefined;
    const send = async (batch: Outgoing[]): Promise<void> => {
      const done = await appendBatch(this.session, this.ref.mailbox, batch);
      accepted += done.accepted;
      if (done.uids) gotUids.push(...done.uids);
      else if (done.accepted > 0) uidsKnown = false;
      if (done.broken) throw done.broken;
      if (done.refused) throw refusal(done.refused, `can't append to ${this.ref.name}`, this.ref.name);
      for (let i = accepted - batch.length; i < accepted; i++) options.onMessage?.(i + 1);
    };
    const dispatch = async (): Promise<void> => {
      await inFlight;
      inFlight = undefined;
      if (pending.length === 0) return;
      inFlight = send(pending);
      // awaited later (the next dispatch, the end, or the catch below); not an unhandled rejection meanwhile
      inFlight.catch(() => undefined);
      pending = [];
      pendingBytes = 0;
      batchBytes = Math.min(2 * batchBytes, APPEND_BATCH_BYTES);
    };
    try {
      for await (const m of batch) {
        if (present?.take(identityOfText(m.text, m.internalDate))) {
          skipped++;
          continue;
        }
        sent.push({ internalDate: m.internalDate, flags: m.flags, keywords: m.keywords, uid: m.uid });
        pending.push(m);
        pendingBytes += m.text.length;
        if (pendingBytes >= batchBytes || pending.length >= APPEND_BATCH_MESSAGES) await dispatch();
      }
      await dispatch();
      await inFlight;
    } catch (e) {
      // a batch still on the wire counts in what stays (or is taken back)
      await inFlight?.catch(() => undefined);
      throw await this.undo(e as Error, uidsKnown ? gotUids : undefined, accepted, sent.length > 0);
    }
    const uids = uidsKnown ? gotUids : await this.newUids(uidNextBefore, accepted);
    const losses = await this.compare(sent, uids, options.keepUids ?? false);
    if (options.strict && losses.size > 0) {
      const first = [...losses].map(([kind, d]) => `${kind} ${[...d.keys()].join(' ')}`).join('; ');
      throw await this.undo(new LossyCopy(`--strict: ${this.ref.name} did not keep what was sent (${first})`), uids, accepted, true);
    }
    return { appended: accepted, uids: uids ?? [], losses, changes: new Map(), present: skipped };
  }

  /**
   * After a failed append: takes back what this append added when the server lets us
   * (UIDs known, connection alive), else says what stays, so that a new run finishes the job.
   */
  private async undo(error: Error, uids: readonly number[] | undefined, accepted: number, sentAny: boolean): Promise<Error> {
    if (!sentAny) return error;
    const broken = this.session.broken !== undefined;
    if (!broken && accepted > 0 && uids && uids.length === accepted && this.session.has('UIDPLUS')) {
      try {
        await this.selectReadWrite();
        await storeFlags(this.session, uids, '+', ['\\Deleted'], [], `can't undo the append to ${this.ref.name}`);
        await uidExpunge(this.session, uids, `can't undo the append to ${this.ref.name}`);
        return error;
      } catch {
        // fall through: say what is left
      }
    }
    if (!broken && accepted === 0) return error;
    const what = broken ? `what reached ${this.ref.name} before the connection broke` : `${accepted} message(s) that reached ${this.ref.name}`;
    const note = ` (${what} stays there; running the same command again skips it and copies the rest)`;
    if (error instanceof MailsmithError) {
      error.message += note;
      return error;
    }
    return new ConnectionFailed(error.message + note);
  }

  /** Without UIDPLUS: the UIDs from the one before the append, if exactly our messages arrived. */
  private async newUids(uidNextBefore: number, accepted: number): Promise<number[] | undefined> {
    if (accepted === 0 || uidNextBefore === 0) return accepted === 0 ? [] : undefined;
    const found: number[] = [];
    await fetch(this.session, {
      byUid: true, set: `${uidNextBefore}:*`, items: '(UID)', required: ['UID'],
      onMessage: (m) => {
        const u = num(m.get('UID'));
        if (u >= uidNextBefore) found.push(u);
      },
    }, `can't read ${this.ref.name}`);
    return found.length === accepted ? found : undefined;
  }

  /** Reads back flags, keywords and dates of what was appended, and names every difference. */
  private async compare(sent: readonly Sent[], uids: readonly number[] | undefined, keepUids: boolean): Promise<Map<LossKind, Map<string, number>>> {
    const losses = new Map<LossKind, Map<string, number>>();
    const lose = (kind: LossKind, detail: string): void => {
      let d = losses.get(kind);
      if (!d) losses.set(kind, (d = new Map()));
      d.set(detail, (d.get(detail) ?? 0) + 1);
    };
    if (!uids || uids.length !== sent.length) {
      if (keepUids) for (const m of sent) if (m.uid !== undefined) lose('uid', 'the server gives UIDs of its own');
      return losses;
    }
    // only what is compared is kept of each answer, not imapflow's parse of it
    const stored = new Map<number, { flags: Set<string>; date: string }>();
    if (uids.length > 0) {
      await fetch(this.session, {
        byUid: true, set: uidSet(uids), items: '(UID FLAGS INTERNALDATE)', required: ['UID', 'FLAGS'],
        onMessage: (m) => {
          stored.set(num(m.get('UID')), { flags: new Set(flagsOf(m.get('FLAGS')).map((f) => f.toLowerCase())), date: text(m.get('INTERNALDATE')) });
        },
      }, `can't read back what was appended to ${this.ref.name}`);
    }
    sent.forEach((m, i) => {
      const uid = uids[i]!;
      if (keepUids && m.uid !== undefined && m.uid !== uid) lose('uid', 'the server gives UIDs of its own');
      const got = stored.get(uid);
      if (!got) return;
      for (const f of m.flags) if (!got.flags.has(f.toLowerCase())) lose('flag', f);
      for (const k of m.keywords) if (!got.flags.has(k.toLowerCase())) lose('keyword', k);
      const date = parseCClientDate(got.date, 0) || EPOCH_DATE;
      if (date.zone !== m.internalDate.zone && Math.floor(date.ms / 1000) === Math.floor(m.internalDate.ms / 1000)) {
        lose('date-zone', `the server keeps ${got.date.slice(-5)}`);
      }
    });
    return losses;
  }

  /** UID SEARCH with the criteria: the server decides what matches. */
  async search(criteria: SearchCriteria): Promise<number[]> {
    const found = await uidSearch(this.session, criteria.toImapParts(), `can't search ${this.ref.name}`);
    return found.sort((a, b) => a - b);
  }

  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    this.mustWrite('change flags in');
    if (uids.length === 0) return;
    await this.selectReadWrite();
    const what = `can't change flags in ${this.ref.name}`;
    await storeFlags(this.session, uids, '+', change.add?.flags ?? [], change.add?.keywords ?? [], what);
    await storeFlags(this.session, uids, '-', change.remove?.flags ?? [], change.remove?.keywords ?? [], what);
  }

  /**
   * Removes the \Deleted messages among `uids` (all \Deleted ones without). With UIDPLUS that
   * is UID EXPUNGE; without it, other \Deleted messages are undeleted around a plain EXPUNGE and
   * deleted again, so that they stay.
   */
  async expunge(uids?: readonly number[]): Promise<number> {
    this.mustWrite('expunge');
    await this.selectReadWrite();
    const what = `can't expunge ${this.ref.name}`;
    let n: number;
    if (uids === undefined) {
      n = await expungeAll(this.session, what);
    } else if (uids.length === 0) {
      n = 0;
    } else if (this.session.has('UIDPLUS')) {
      n = await uidExpunge(this.session, uids, what);
    } else {
      const wanted = new Set(uids);
      const others = (await uidSearch(this.session, ['DELETED'], what)).filter((u) => !wanted.has(u));
      await storeFlags(this.session, others, '-', ['\\Deleted'], [], what);
      try {
        n = await expungeAll(this.session, what);
      } finally {
        await storeFlags(this.session, others, '+', ['\\Deleted'], [], what);
      }
    }
    if (n > 0) this.ctx.note(`Expunged ${n} messages`);
    return n;
  }

  private mustWrite(what: string): void {
    if (!this.writable) {
      throw new ReadOnlyMailbox(this.ref.name, `can't ${what} ${this.ref.name}: ${this.ref.flags.readonly ? 'the name says /readonly' : 'it was opened read-only'}`);
    }
  }

  /** SELECTs the mailbox (once) for changes; its UIDs must still mean what they meant at open. */
  private async selectReadWrite(): Promise<void> {
    if (this.readWrite) return;
    const s = await select(this.session, this.ref.mailbox, false, this.ref.name);
    if (s.readOnly) throw new ReadOnlyMailbox(this.ref.name, `can't change ${this.ref.name}: the server opens it read-only`);
    if (s.uidValidity !== this.selection.uidValidity) {
      throw new MailsmithError('io', `${this.ref.name} changed its UID validity while open; nothing was changed`);
    }
    this.selection = s;
    this.readWrite = true;
  }

  async close(): Promise<void> {
    await this.session.logout();
  }
}

/** Consecutive runs of the index of at most FETCH_BATCH_BYTES or FETCH_BATCH_MESSAGES. */
function batchesOf(index: Index): number[][] {
  const out: number[][] = [];
  let current: number[] = [];
  let bytes = 0;
  index.uids.forEach((uid, i) => {
    const size = index.sizes[i]!;
    if (current.length > 0 && (bytes + size > FETCH_BATCH_BYTES || current.length >= FETCH_BATCH_MESSAGES)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(uid);
    bytes += size;
  });
  if (current.length > 0) out.push(current);
  return out;
}
