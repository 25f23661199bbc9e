// In-place rewrites of the 21-byte status fields `KKKKKKKKSSSS-UUUUUUUU` (formats-flat.md
// 4.4 step 8, 4.6, 4.7). Fields close together are merged into one write of the bytes between
// them (unchanged bytes written back as they are, under the parse/append lock, so nobody else is
// writing them), which keeps the number of system calls far below one per message.
import { CorruptMailbox } from '../../errors.js';
import { STATUS_LENGTH, STATUS_PROBE_BACK } from './entry.js';
import { writeFully } from '../../io/fd.js';
import { visitFieldSpans } from '../shared/field-spans.js';
import { tuning } from './io.js';
import type { Chunk } from './reader.js';

/** Merges [from, to) ranges given in ascending order when they are at most `gap` apart. */
class Runs {
  readonly list: Array<[number, number]> = [];

  add(from: number, to: number): void {
    const last = this.list[this.list.length - 1];
    if (last && from - last[1] <= tuning.mergeGap) last[1] = Math.max(last[1], to);
    else this.list.push([from, to]);
  }
}

/** Status rewrites made in the scanner's chunk while it parses, written before the chunk moves on. */
export class ChunkPatcher {
  private runs = new Runs();
  /** True once anything has been written. */
  wrote = false;

  constructor(private readonly fd: number) {}

  /** Puts a new status field into the chunk for the line that ends (after CRLF) at lineEnd. */
  patch(chunk: Chunk, lineEnd: number, status: string): void {
    const at = lineEnd - 2 - STATUS_LENGTH;
    chunk.buf.write(status, at - chunk.start, 'latin1');
    this.runs.add(at, at + STATUS_LENGTH);
  }

  async flush(chunk: Chunk): Promise<void> {
    for (const [from, to] of this.runs.list) {
      await writeFully(this.fd, chunk.buf, from - chunk.start, to - from, from);
      this.wrote = true;
    }
    this.runs = new Runs();
  }
}

export interface StatusTarget {
  /** File offset of the message's header line and its length with CRLF. */
  readonly offset: number;
  readonly lineLength: number;
  /** Message number, for c-client's error text. */
  readonly msgno: number;
  /** The new 21-byte field, given what the file holds now. */
  update(now: { keywords: number; status: number; uid: number }): string;
}

/**
 * Reads the status of every target (ascending offsets) and writes what update() makes of it.
 * A line that no longer has `;` and `-` where they belong is c-client's fatal
 * `Invalid flags for message N (OFFSET LEN): TEXT`.
 */
export function rewriteStatuses(fd: number, mailbox: string, targets: readonly StatusTarget[]): void {
  const range = (k: number): { from: number; to: number } => {
    const lineEnd = targets[k]!.offset + targets[k]!.lineLength;
    return { from: lineEnd - STATUS_PROBE_BACK, to: lineEnd - 2 };
  };
  visitFieldSpans(fd, mailbox, targets.length, range, tuning, true, (k, buf, at) => {
    const t = targets[k]!;
    const probe = buf.toString('latin1', at, at + 14);
    if (probe[0] !== ';' || probe[13] !== '-') {
      throw new CorruptMailbox(mailbox, t.offset,
        `Invalid flags for message ${t.msgno} (${t.offset} ${t.lineLength}): ${probe}`);
    }
    const old = buf.toString('latin1', at + 1, at + 1 + STATUS_LENGTH);
    const next = t.update({
      keywords: parseInt(old.slice(0, 8), 16),
      status: parseInt(old.slice(8, 12), 16),
      uid: parseInt(old.slice(13, 21), 16),
    });
    buf.write(next, at + 1, 'latin1');
  });
}
