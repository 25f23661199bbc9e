// A POP3 maildrop read as a mailbox, as c-client reads one: every message is
// new (\Recent) and has no flags, its UID is its message number, and its
// internal date is its Date: header (else 1-Jan-1970). Messages are fetched
// with RETR, many in flight where the server offers PIPELINING. Nothing is
// ever deleted except by expunge(), which a move calls once the destination
// is safely on disk: DELE for exactly the messages it was given, then QUIT,
// and only a +OK to that QUIT means the server removed them. If the server
// dropped the connection meanwhile (POP3 servers log idle sessions out), a
// new session finds the same messages by their UIDL.
import { ConnectionFailed, ReadOnlyMailbox, ServerRefused, Unsupported } from '../../errors.js';
import { EPOCH_DATE, parseCClientDate, type MailDate } from '../../mail/dates.js';
import type { RemoteRef } from '../../names/types.js';
import type {
  AppendResult, FlagChange, Mailbox, MailboxMeta, MessageRecord, OpenMode, StoreContext,
} from '../../store/types.js';
import { dele } from './commands/dele.js';
import { listSizes } from './commands/list.js';
import { quit } from './commands/quit.js';
import { retr } from './commands/retr.js';
import { stat } from './commands/stat.js';
import { uidl } from './commands/uidl.js';
import { connectPop3 } from './connect.js';
import type { Pop3Session } from './session.js';

/** RETRs in flight at once (with PIPELINING), and the bytes they may add up to. */
const WINDOW_MESSAGES = 64;
const WINDOW_BYTES = 8 << 20;

/** The Date: header as c-client's mail_parse_date reads it; 1-Jan-1970 +0000 when there is none. */
function dateOf(text: Buffer): MailDate {
  const end = text.indexOf('\r\n\r\n');
  const header = (end < 0 ? text : text.subarray(0, end)).toString('latin1');
  const m = /^date[ \t]*:(.*(?:\r\n[ \t].*)*)/im.exec(header);
  return (m && parseCClientDate(m[1]!.replace(/\r\n/g, '').trim())) || EPOCH_DATE;
}

/** A text that holds on to a much larger buffer (a socket chunk) is copied, so the chunk can go. */
function own(b: Buffer): Buffer {
  return b.length * 2 < b.buffer.byteLength ? Buffer.from(b) : b;
}

export class Pop3Mailbox implements Mailbox {
  readonly format = 'pop3' as const;
  readonly meta: MailboxMeta;
  readonly byteSize: number;
  /** Message numbers marked \Deleted by store(), deleted by expunge(). */
  private readonly marked = new Set<number>();
  private ended = false;

  private constructor(
    readonly ref: RemoteRef,
    private session: Pop3Session,
    readonly writable: boolean,
    private readonly sizes: Map<number, number>,
    private readonly uidls: Map<number, string> | undefined,
    private readonly ctx: StoreContext,
  ) {
    this.meta = { uidValidity: 0, uidLast: sizes.size, keywords: [] };
    this.byteSize = [...sizes.values()].reduce((a, b) => a + b, 0);
  }

  static async open(ref: RemoteRef, mode: OpenMode, ctx: StoreContext): Promise<Pop3Mailbox> {
    const s = await connectPop3(ref, ctx);
    try {
      const count = await stat(s);
      const sizes = count > 0 ? await listSizes(s) : new Map<number, number>();
      const ids = count > 0 ? await uidl(s) : new Map<number, string>();
      return new Pop3Mailbox(ref, s, mode === 'write' && !ref.flags.readonly, sizes, ids, ctx);
    } catch (e) {
      await quit(s).catch(() => undefined);
      throw e;
    }
  }

  async *messages(): AsyncIterable<MessageRecord> {
    const numbers = [...this.sizes.keys()].sort((a, b) => a - b);
    const window = this.session.has('PIPELINING') ? WINDOW_MESSAGES : 1;
    const inFlight: { n: number; text: Promise<Buffer> }[] = [];
    let next = 0;
    let bytesInFlight = 0;
    let position = 0;
    const fill = (): void => {
      while (next < numbers.length && inFlight.length < window && (inFlight.length === 0 || bytesInFlight < WINDOW_BYTES)) {
        const n = numbers[next++]!;
        const text = retr(this.session, n);
        text.catch(() => undefined); // awaited in order below
        inFlight.push({ n, text });
        bytesInFlight += this.sizes.get(n) ?? 0;
      }
    };
    let finished = false;
    try {
      for (fill(); inFlight.length > 0; fill()) {
        const { n, text } = inFlight.shift()!;
        bytesInFlight -= this.sizes.get(n) ?? 0;
        const body = own(await text);
        position += body.length;
        yield {
          seq: n, uid: n, internalDate: dateOf(body), flags: [], keywords: [], recent: true,
          size: body.length, position, text: () => Promise.resolve(body),
        };
      }
      finished = true;
    } finally {
      // a consumer that stops early leaves answers on the wire: this session is done
      if (!finished) this.session.abort(new ConnectionFailed(`reading ${this.ref.name} was stopped`));
    }
  }

  append(): Promise<AppendResult> {
    throw new Unsupported(`can't append to ${this.ref.name}: a POP3 maildrop is a source only`);
  }

  /** Only \Deleted can be set or cleared: POP3 keeps no flags. */
  async store(uids: readonly number[], change: FlagChange): Promise<void> {
    this.mustWrite();
    const other = [...(change.add?.flags ?? []), ...(change.remove?.flags ?? [])].filter((f) => f !== '\\Deleted');
    if (other.length > 0 || change.add?.keywords?.length || change.remove?.keywords?.length) {
      throw new Unsupported(`${this.ref.name} keeps no flags or keywords (POP3); only deleting messages is possible`);
    }
    for (const u of uids) {
      if (!this.sizes.has(u)) continue;
      if (change.add?.flags?.includes('\\Deleted')) this.marked.add(u);
      if (change.remove?.flags?.includes('\\Deleted')) this.marked.delete(u);
    }
  }

  /**
   * Deletes the marked messages among `uids` (all marked ones without) and ends the session
   * with QUIT: the count is what the server confirmed it removed.
   */
  async expunge(uids?: readonly number[]): Promise<number> {
    this.mustWrite();
    const wanted = (uids ?? [...this.marked]).filter((u) => this.marked.has(u)).sort((a, b) => a - b);
    if (wanted.length === 0) return 0;
    if (this.ended) throw new ConnectionFailed(`the session with ${this.ref.name} has ended; nothing was deleted`);
    let numbers = wanted;
    if (this.session.broken) {
      const { session, renumbered } = await this.reopen(wanted);
      this.session = session;
      numbers = renumbered;
    }
    await Promise.all(numbers.map((n) => dele(this.session, n)));
    this.ended = true;
    const bye = await quit(this.session);
    if (!bye.ok) throw new ServerRefused(`${this.ref.name} did not delete the messages (its answer to QUIT: ${bye.text}); they are still there`);
    for (const u of wanted) this.marked.delete(u);
    this.ctx.note(`Expunged ${numbers.length} messages`);
    return numbers.length;
  }

  /** A new session after the server dropped ours: the same messages found by UIDL. */
  private async reopen(wanted: readonly number[]): Promise<{ session: Pop3Session; renumbered: number[] }> {
    if (!this.uidls) {
      throw new ConnectionFailed(`${this.ref.name} dropped the connection and has no UIDL to find the messages again; nothing was deleted`);
    }
    const session = await connectPop3(this.ref, this.ctx);
    const now = await uidl(session);
    const byId = new Map([...(now ?? new Map<number, string>())].map(([n, id]) => [id, n]));
    const renumbered: number[] = [];
    for (const u of wanted) {
      const n = byId.get(this.uidls.get(u) ?? '');
      if (n !== undefined) renumbered.push(n);
    }
    return { session, renumbered };
  }

  private mustWrite(): void {
    if (!this.writable) throw new ReadOnlyMailbox(this.ref.name, `can't delete from ${this.ref.name}: it was opened read-only`);
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    // no DELE was sent: this QUIT removes nothing
    await quit(this.session).catch(() => undefined);
  }
}
