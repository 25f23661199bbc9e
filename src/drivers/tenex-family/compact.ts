// Expunge by compaction (formats-flat.md 5.4, c-client's mtx_expunge): the
// surviving messages slide down over the removed ones, in place (c-client locks
// by inode, so the file must stay the same file), then the file is truncated.
// Survivors that are contiguous move as one run, in large chunks.
import { CorruptMailbox } from '../../errors.js';
import { ftruncate, readFully, writeFully } from '../../io/fd.js';
import { MessageIndex } from './message-index.js';
import { tuning } from './tuning.js';

export interface Compaction {
  /** The survivors at their new offsets, UIDs and \Recent as they were. */
  readonly index: MessageIndex;
  readonly expunged: number;
  readonly size: number;
}

interface Move {
  src: number;
  dst: number;
  len: number;
}

/** Removes the messages for which `remove(i)` is true from a file of `end` bytes. */
export async function compact(
  fd: number, mailbox: string, index: MessageIndex, end: number, remove: (i: number) => boolean,
): Promise<Compaction> {
  const survivors = new MessageIndex();
  const moves: Move[] = [];
  let dst = 0;
  let expunged = 0;
  for (let i = 0; i < index.count; i++) {
    const m = index.get(i);
    const len = m.lineLength + m.size;
    if (remove(i)) {
      expunged++;
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
  return { index: survivors, expunged, size: dst };
}
