// What makes two copies of a message "the same message" across stores that
// share no UIDs: its Message-ID, its internal date to the second and its
// size. A run interrupted half-way through a copy to a server is finished by
// running it again; messages whose identity is already there are skipped.
import type { MailDate } from './dates.js';

const HEADER_NAME = /^message-id[ \t]*:/i;

/** The Message-ID header's value, unfolded and trimmed; '' when there is none. */
export function messageIdOf(text: Buffer): string {
  const header = headerBlock(text).toString('latin1');
  const lines = header.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    if (!HEADER_NAME.test(lines[i]!)) continue;
    let value = lines[i]!.slice(lines[i]!.indexOf(':') + 1);
    for (let j = i + 1; j < lines.length && /^[ \t]/.test(lines[j]!); j++) value += lines[j];
    return value.replace(/\s+/g, ' ').trim();
  }
  return '';
}

/** The header of a message: everything before the first empty line. */
function headerBlock(text: Buffer): Buffer {
  let end = text.indexOf('\n\n');
  const crlf = text.indexOf('\r\n\r\n');
  if (crlf >= 0 && (end < 0 || crlf < end)) end = crlf;
  return end < 0 ? text : text.subarray(0, end);
}

/** The identity of a message with this Message-ID, internal date and size (CRLF octets). */
export function identity(messageId: string, date: MailDate, size: number): string {
  return `${Math.floor(date.ms / 1000)} ${size} ${messageId}`;
}

/** The identity of a message from its text. */
export function identityOfText(text: Buffer, date: MailDate): string {
  return identity(messageIdOf(text), date, text.length);
}

/** A multiset of identities: how many of each a mailbox holds. */
export class IdentityCounts {
  private readonly counts = new Map<string, number>();

  constructor(ids: Iterable<string> = []) {
    for (const id of ids) this.add(id);
  }

  add(id: string): void {
    this.counts.set(id, (this.counts.get(id) ?? 0) + 1);
  }

  /** Takes one copy of `id` if there is one left; true when it was there. */
  take(id: string): boolean {
    const n = this.counts.get(id);
    if (!n) return false;
    if (n === 1) this.counts.delete(id);
    else this.counts.set(id, n - 1);
    return true;
  }

  get size(): number {
    let n = 0;
    for (const c of this.counts.values()) n += c;
    return n;
  }
}
