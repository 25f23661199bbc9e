// Expunge by compaction, for the files whose messages each start with a header
// line (formats-flat.md 4.7 and 5.4; c-client's mbx_rewrite and mtx_expunge with
// exclusive access): the surviving messages slide down over the removed ones and
// over any gap, in place (c-client locks these files by inode, so the file must
// stay the same file), then the file is truncated. Survivors that are contiguous
// move as one run, in large chunks.
import { CorruptMailbox } from '../../errors.js';
import { ftruncate, readFully, writeFully } from '../../io/fd.js';
import { HeaderLineIndex } from './header-line-index.js';

export interface Compaction {
  /** The survivors at their new offsets, UIDs and \Recent as they were. */
  readonly index: HeaderLineIndex;
  readonly expunged: number;
  /** Bytes of gaps given back (c-client's "Reclaimed N bytes" for mbx), removed messages not counted. */
  readonly reclaimed: number;
  readonly size: number;
}

export interface CompactionArea {
  /** Offset of the first message (the size of the file header before it, if any). */
  readonly start: number;
  /** Bytes in the file. */
  readonly end: number;
  /** Bytes read and written per system call. */
  readonly chunkSize: number;
}

interface Move {
  src: number;
  dst: number;
  len: number;
}

/** Removes the messages for which `remove(i)` is true, and every gap, from `area` of the file. */
export async function compact(
  fd: number, mailbox: string, index: HeaderLineIndex, area: CompactionArea, remove: (i: number) => boolean,
): Promise<Compaction> {
  const { end } = area;
  const survivors = new HeaderLineIndex();
  const moves: Move[] = [];
  let dst = area.start;
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
  const buf = Buffer.allocUnsafe(Math.min(area.chunkSize, longest));
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
