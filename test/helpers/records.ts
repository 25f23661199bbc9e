// What the driver tests append (messages built from text) and read back (every
// listed message with its text), in a form that compares with toEqual.
import { formatInternalDate, type MailDate } from '../../src/mail/dates.js';
import type { Mailbox, MessageRecord, NewMessage } from '../../src/store/types.js';

export interface Seen {
  uid: number;
  internalDate: string;
  flags: string[];
  keywords: string[];
  size: number;
  recent: boolean;
  text: Buffer;
}

export async function collect(records: AsyncIterable<MessageRecord>): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const m of records) {
    out.push({
      uid: m.uid, internalDate: formatInternalDate(m.internalDate), flags: [...m.flags], keywords: [...m.keywords],
      size: m.size, recent: m.recent, text: await m.text(),
    });
  }
  return out;
}

export async function* batch(messages: readonly NewMessage[]): AsyncIterable<NewMessage> {
  yield* messages;
}

/** A message from latin1 text, without flags or keywords; the date defaults to 03:54:30 UTC on 8-May-2001, shown in zone -0700. */
export function newMessage(text: string, extra: Partial<NewMessage> = {}, date: MailDate = { ms: Date.UTC(2001, 4, 8, 3, 54, 30), zone: -420 }): NewMessage {
  return { text: Buffer.from(text, 'latin1'), internalDate: date, flags: [], keywords: [], ...extra };
}

/** What listing every message of the mailbox `open` gives throws (undefined: nothing), the mailbox closed again. */
export async function listingError(open: () => Promise<Mailbox>): Promise<unknown> {
  try {
    const mb = await open();
    try {
      await collect(mb.messages());
    } finally {
      await mb.close();
    }
  } catch (e) {
    return e;
  }
  return undefined;
}
