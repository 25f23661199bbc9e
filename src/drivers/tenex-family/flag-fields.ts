// Reading and rewriting the 12-digit flag fields in place (formats-flat.md 5.4:
// at the end of the header line minus 14 for mtx, minus 13 for tenex), in spans
// of nearby fields (shared/field-spans.ts) under the exclusive /tmp lock.
import { CorruptMailbox } from '../../errors.js';
import { visitFieldSpans } from '../shared/field-spans.js';
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
 * changed under the session) is damage.
 */
export function flagFields(
  fd: number, layout: Layout, mailbox: string, targets: readonly FlagTarget[],
  update?: (i: number, status: number) => number,
): number[] {
  const statuses: number[] = [];
  // from the `;` before the field to its end
  const range = (k: number): { from: number; to: number } => {
    const fieldEnd = targets[k]!.offset + targets[k]!.lineLength - layout.eol.length;
    return { from: fieldEnd - FLAGS_LENGTH - 1, to: fieldEnd };
  };
  visitFieldSpans(fd, mailbox, targets.length, range, tuning, update !== undefined, (k, buf, semicolon) => {
    const t = targets[k]!;
    const at = semicolon + 1;
    let ok = buf[semicolon] === 0x3b;
    for (let d = 0; d < FLAGS_LENGTH && ok; d++) ok = isDigit(buf[at + d]);
    if (!ok) {
      throw new CorruptMailbox(mailbox, t.offset,
        `Invalid flags for message ${t.msgno} (${t.offset} ${t.lineLength}): ${buf.toString('latin1', semicolon, at + FLAGS_LENGTH)}`);
    }
    const status = (buf[at + 10]! - 0x30) * 8 + (buf[at + 11]! - 0x30);
    statuses.push(status);
    if (update) buf.write(flagField(buf.toString('latin1', at, at + 10), update(k, status)), at, 'latin1');
  });
  return statuses;
}
