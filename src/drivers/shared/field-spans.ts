// In-place reads and rewrites of small fields in many header lines (mbx status
// fields, mtx/tenex flag fields). Fields close together are read, and written,
// as one span of the bytes between them (unchanged bytes written back as they
// are, under the lock that keeps every other writer out), which keeps the number
// of system calls far below one per message. Synchronous: the spans are small or
// few, and a thread-pool round trip per span would cost more than the transfer.
import { CorruptMailbox } from '../../errors.js';
import { readFullySync, writeFullySync } from '../../io/fd.js';

export interface SpanLimits {
  /** Fields at most this far apart share a span. */
  readonly mergeGap: number;
  /** No span grows beyond this many bytes. */
  readonly chunkSize: number;
}

/**
 * Reads the ranges [from(k), to(k)) for k = 0..count-1 (ascending), each starting with a separator
 * byte before its field, and hands each to `visit` with its span's bytes and its offset in them.
 * With `write`, each span is written back after visit has changed it, all but its first byte (a
 * separator, never changed).
 */
export function visitFieldSpans(
  fd: number, mailbox: string, count: number, range: (k: number) => { from: number; to: number }, limits: SpanLimits,
  write: boolean, visit: (k: number, span: Buffer, at: number) => void,
): void {
  let i = 0;
  while (i < count) {
    const first = range(i);
    const spanFrom = first.from;
    let spanTo = first.to;
    let j = i + 1;
    while (j < count) {
      const { from, to } = range(j);
      if (from - spanTo > limits.mergeGap || to - spanFrom > limits.chunkSize) break;
      spanTo = to;
      j++;
    }
    const buf = Buffer.allocUnsafe(spanTo - spanFrom);
    const got = readFullySync(fd, buf, 0, buf.length, spanFrom);
    if (got < buf.length) {
      throw new CorruptMailbox(mailbox, spanFrom + got, `Mailbox shrank from ${spanTo} to ${spanFrom + got} in flag update!`);
    }
    for (let k = i; k < j; k++) visit(k, buf, range(k).from - spanFrom);
    if (write) writeFullySync(fd, buf, 1, buf.length - 1, spanFrom + 1);
    i = j;
  }
}
