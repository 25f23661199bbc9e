// Expunge by compaction (formats-flat.md 4.7, c-client's mbx_rewrite with
// exclusive access): the surviving messages slide down over removed ones and
// over the space of hidden (0x8000) ones, in place (other processes lock mbx
// by inode, so the file must stay the same file), then the file is truncated.
// Survivors that are contiguous move as one run, in large chunks.
import { CorruptMailbox } from '../../errors.js';
import { HEADER_SIZE } from './header.js';
import { ftruncate, readFully, writeFully } from '../../io/fd.js';
import { tuning } from './io.js';
import { MessageIndex } from './msgindex.js';

export interface Compaction {
  /** The survivors at their new offsets. */
  readonly index: MessageIndex;
  readonly expunged: number;
  /** Bytes of hidden messages and gaps given back (c-client's "Reclaimed N bytes"). */
  readonly reclaimed: number;
  readonly size: number;
}

interface Move {
  src: number;
  dst: number;
  len: number;
}

/** Removes the messages for which `remove(i)` is true, and every gap, from a file of `end` bytes. */
export async function compact(
  fd: number, mailbox: string, index: MessageIndex, end: number, remove: (i: number) => boolean,
): Promise<Compaction> {
  const survivors = new MessageIndex();
  const moves: Move[] = [];
  let dst = HEADER_SIZE;
  let expunged = 0;
  let removedBytes = 0;
  for (let i = 0; i < index.count; i++) {
    const m = index.get(i);
    const len = m.lineLength + m.size;
    if (remove(i)) {
      expunged++;
      removedBytes += len;
      continue;
    }
    if (m.offset !== dst) {
      const last = moves[moves.length - 1];
      if (last && last.src + last.len === m.offset && last.dst + last.len === dst) last.len += len;
      else moves.push({ src: m.offset, dst, len });
    }
    survivors.push({ ...m, offset: dst });
    dst += len;
  }
  const longest = moves.reduce((n, m) => Math.max(n, m.len), 1);
  const buf = Buffer.allocUnsafe(Math.min(tuning.chunkSize, longest));
  for (const move of moves) {
    for (let done = 0; done < move.len;) {
      const n = Math.min(buf.length, move.len - done);
      const got = await readFully(fd, buf, 0, n, move.src + done);
      if (got < n) {
        throw new CorruptMailbox(mailbox, move.src + done + got, `Mailbox shrank from ${end} to ${move.src + done + got}!`);
      }
      await writeFully(fd, buf, 0, n, move.dst + done);
      done += n;
    }
  }
  if (dst < end) await ftruncate(fd, dst);
  return { index: survivors, expunged, reclaimed: end - dst - removedBytes, size: dst };
}
