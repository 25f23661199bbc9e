// APPEND (RFC 3501 6.3.11), MULTIAPPEND (RFC 3502) and LITERAL+ (RFC 7888):
// a batch of messages goes out as one MULTIAPPEND command when the server
// offers it, else as one APPEND per message (imapflow has one command in
// flight at a time; client.ts makes every literal non-synchronizing under
// LITERAL+, so nothing waits for a "+" either way). UIDPLUS's APPENDUID says
// which UIDs the server gave.
import type { MailDate } from '../../../mail/dates.js';
import type { SystemFlag } from '../../../mail/flags.js';
import { dateTime, flagList, mailbox, parseUidSet } from '../args.js';
import type { ImapNode } from '../client.js';
import type { ImapSession, Tagged } from '../session.js';

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

function messageParts(m: Outgoing): ImapNode[] {
  return [flagList(m.flags, m.keywords), dateTime(m.internalDate), { type: 'LITERAL', value: m.text }];
}

/** Sends the batch; resolves when the server has answered for all of it. */
export async function appendBatch(s: ImapSession, name: string, batch: readonly Outgoing[]): Promise<Appended> {
  if (batch.length > 1 && s.has('MULTIAPPEND')) {
    // all or nothing: the server stores the whole batch or none of it
    const r = await s.command('APPEND', [mailbox(name), ...batch.flatMap(messageParts)]);
    return r.status === 'OK' ? { accepted: batch.length, ...appendUids(r) } : { refused: r, accepted: 0 };
  }
  const uids: number[] = [];
  let uidValidity: number | undefined;
  let accepted = 0;
  const sofar = (): Pick<Appended, 'accepted' | 'uids' | 'uidValidity'> =>
    ({ accepted, ...(uids.length === accepted ? { uids, uidValidity } : {}) });
  for (const m of batch) {
    let r: Tagged;
    try {
      r = await s.command('APPEND', [mailbox(name), ...messageParts(m)]);
    } catch (e) {
      return { broken: e as Error, ...sofar() };
    }
    if (r.status !== 'OK') return { refused: r, ...sofar() };
    accepted++;
    const got = appendUids(r);
    if (got.uids) uids.push(...got.uids);
    uidValidity ??= got.uidValidity;
  }
  return sofar();
}

function appendUids(r: Tagged): { uids?: number[]; uidValidity?: number } {
  if (r.status !== 'OK' || r.code?.name !== 'APPENDUID') return {};
  const [validity, set] = r.code.args;
  return { uidValidity: Number(validity), uids: parseUidSet(String(set)) };
}
