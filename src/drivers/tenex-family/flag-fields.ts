// Reading and rewriting the 12-digit flag fields in place (formats-flat.md 5.4:
// at the end of the header line minus 14 for mtx, minus 13 for tenex). Fields
// close together are read, and written, as one span of the bytes between them
// (unchanged bytes written back as they are, under the exclusive /tmp lock), which
// keeps the number of system calls far below one per message.
import { CorruptMailbox } from '../../errors.js';
import { readFullySync, writeFullySync } from '../../io/fd.js';
import { FLAGS_LENGTH, flagField } from './header-line.js';
import type { Layout } from './layout.js';
import { tuning } from './tuning.js';

export interface FlagTarget {
  /** File offset of the message's header line, and its length with the line end. */
  readonly offset: number;
  readonly lineLength: number;
  /** Message number, for the error text. */
  readonly msgno: number;
}

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 0x30 && c <= 0x39;

/**
 * Reads the SS value of every target (ascending offsets) and, when `update` is given, writes what it
 * makes of it (keyword digits kept as they are). A field that is no longer `;` and 12 digits (the file
 * changed under the session) is damage. Synchronous: the spans are small or few, and a thread-pool
 * round trip per span would cost more than the transfer.
 */
export function flagFields(
  fd: number, layout: Layout, mailbox: string, targets: readonly FlagTarget[],
  update?: (i: number, status: number) => number,
): number[] {
  const statuses: number[] = [];
  const fieldAt = (t: FlagTarget): number => t.offset + t.lineLength - layout.eol.length - FLAGS_LENGTH;
  let i = 0;
  while (i < targets.length) {
    const spanFrom = fieldAt(targets[i]!) - 1;
    let spanTo = spanFrom + 1 + FLAGS_LENGTH;
    let j = i + 1;
    while (j < targets.length) {
      const from = fieldAt(targets[j]!) - 1;
      if (from - spanTo > tuning.mergeGap || from + 1 + FLAGS_LENGTH - spanFrom > tuning.chunkSize) break;
      spanTo = from + 1 + FLAGS_LENGTH;
      j++;
    }
    const buf = Buffer.allocUnsafe(spanTo - spanFrom);
    const got = readFullySync(fd, buf, 0, buf.length, spanFrom);
    if (got < buf.length) {
      throw new CorruptMailbox(mailbox, spanFrom + got, `Mailbox shrank from ${spanTo} to ${spanFrom + got} in flag update!`);
    }
    for (let k = i; k < j; k++) {
      const t = targets[k]!;
      const at = fieldAt(t) - spanFrom;
      let ok = buf[at - 1] === 0x3b;
      for (let d = 0; d < FLAGS_LENGTH && ok; d++) ok = isDigit(buf[at + d]);
      if (!ok) {
        throw new CorruptMailbox(mailbox, t.offset,
          `Invalid flags for message ${t.msgno} (${t.offset} ${t.lineLength}): ${buf.toString('latin1', at - 1, at + FLAGS_LENGTH)}`);
      }
      const status = (buf[at + 10]! - 0x30) * 8 + (buf[at + 11]! - 0x30);
      statuses.push(status);
      if (update) buf.write(flagField(buf.toString('latin1', at, at + 10), update(k, status)), at, 'latin1');
    }
    if (update) writeFullySync(fd, buf, 1, buf.length - 1, spanFrom + 1);
    i = j;
  }
  return statuses;
}
