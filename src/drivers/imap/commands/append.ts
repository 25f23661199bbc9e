// APPEND (RFC 3501 6.3.11), MULTIAPPEND (RFC 3502) and LITERAL+ (RFC 7888):
// a batch of messages goes out as one MULTIAPPEND command when the server
// offers it, else as one APPEND per message; with LITERAL+ nothing waits for
// the server between messages, and the session pipelines the next batch
// behind this one. UIDPLUS's APPENDUID says which UIDs the server gave.
import type { MailDate } from '../../../mail/dates.js';
import type { SystemFlag } from '../../../mail/flags.js';
import { dateTime, flagList, mailbox, parseUidSet } from '../args.js';
import type { ImapSession, Part, Tagged } from '../session.js';

export interface Outgoing {
  readonly text: Buffer;
  readonly internalDate: MailDate;
  readonly flags: readonly SystemFlag[];
  readonly keywords: readonly string[];
}

export interface Appended {
  /** The first refusal, if the server refused anything. */
  readonly refused?: Tagged;
  /** The connection broke before every answer came. */
  readonly broken?: Error;
  /** How many messages of the batch the server took. */
  readonly accepted: number;
  /** UIDs the server gave the messages it took, in order, when it says (UIDPLUS). */
  readonly uids?: readonly number[];
  readonly uidValidity?: number;
}

function messageParts(m: Outgoing): Part[] {
  return [flagList(m.flags, m.keywords), dateTime(m.internalDate), { literal: m.text }];
}

/** Sends the batch; resolves when the server has answered for all of it. */
export async function appendBatch(s: ImapSession, name: string, batch: readonly Outgoing[]): Promise<Appended> {
  if (batch.length > 1 && s.has('MULTIAPPEND')) {
    // all or nothing: the server stores the whole batch or none of it
    const r = await s.command({ parts: ['APPEND', mailbox(name), ...batch.flatMap(messageParts)] });
    return r.status === 'OK' ? { accepted: batch.length, ...appendUids(r) } : { refused: r, accepted: 0 };
  }
  // one command per message, all sent at once: the session pipelines them
  const settled = await Promise.allSettled(batch.map((m) => s.command({ parts: ['APPEND', mailbox(name), ...messageParts(m)] })));
  const answers = settled.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
  const broken = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected')?.reason as Error | undefined;
  const ok = answers.filter((a) => a.status === 'OK');
  const found = ok.map(appendUids);
  const uids = found.every((f) => f.uids) ? found.flatMap((f) => f.uids!) : undefined;
  const refused = answers.find((a) => a.status !== 'OK');
  return {
    ...(refused ? { refused } : {}),
    ...(broken ? { broken } : {}),
    accepted: ok.length,
    ...(uids ? { uids, uidValidity: found[0]?.uidValidity } : {}),
  };
}

function appendUids(r: Tagged): { uids?: number[]; uidValidity?: number } {
  if (r.status !== 'OK' || r.code?.name !== 'APPENDUID') return {};
  const [validity, set] = r.code.args;
  return { uidValidity: Number(validity), uids: parseUidSet(String(set)) };
}
