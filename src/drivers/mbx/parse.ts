// c-client's read-write parse of an mbx file (mbx_parse on a read-write stream): every
// message that is \Recent (UID 0 or "old" clear) gets its UID and the "old" bit written in
// place, and the session learns where every visible message is. Runs under the
// parse/append lock.
import { CorruptMailbox } from '../../errors.js';
import { parseCClientDate } from '../../mail/dates.js';
import { FLAG_EXPUNGED, FLAG_OLD } from '../../mail/flags.js';
import type { HeaderLineIndex } from '../shared/header-line-index.js';
import { dateError, formatStatus, SYSTEM_BITS } from './entry.js';
import { Scanner } from './reader.js';
import type { ChunkPatcher } from './status.js';
import type { UidTracker } from './uids.js';

export interface ParseOutcome {
  /** Hidden (0x8000) messages were passed: their space can be reclaimed. */
  readonly hidden: boolean;
  /** \Recent messages were found: their UID and "old" bit are (with a patcher) or still need to be written. */
  readonly recent: boolean;
}

/**
 * Parses [from, end), adding the visible messages to `index`. With a patcher, the status of
 * every \Recent message is rewritten in place (UID, "old" bit); without one nothing is written
 * and the UIDs exist in memory only. On damage the status fields already changed are written
 * (patcher.wrote tells) before the error is thrown, so that the caller can record the UIDs they
 * hold in the header.
 */
export async function parseReadWrite(
  fd: number, mailbox: string, from: number, end: number, tracker: UidTracker, index: HeaderLineIndex, patcher?: ChunkPatcher,
): Promise<ParseOutcome> {
  const scanner = new Scanner(fd, mailbox, from, end, patcher && ((chunk) => patcher.flush(chunk)));
  let hidden = false;
  let anyRecent = false;
  try {
    for (let e = await scanner.next(); e; e = await scanner.next()) {
      const stored = tracker.check(e.uid);
      if ((e.status & FLAG_EXPUNGED) !== 0) {
        tracker.assign(stored, true);
        hidden = true;
        continue;
      }
      if (!parseCClientDate(e.date)) {
        const err = dateError(e.offset, e.date);
        throw new CorruptMailbox(mailbox, err.offset, err.detail);
      }
      const { uid, fresh } = tracker.assign(stored, false);
      const recent = fresh || (e.status & FLAG_OLD) === 0;
      if (recent) anyRecent = true;
      // the UID is made permanent, but unlike a c-client session the message stays \Recent:
      // mailsmith is not a mail reader, and the user's reader has not seen it yet
      const status = e.status & (SYSTEM_BITS | FLAG_OLD);
      if (fresh && patcher) patcher.patch(scanner.chunk, e.offset + e.lineLength, formatStatus(e.keywords, status, uid));
      index.push({ offset: e.offset, lineLength: e.lineLength, size: e.size, uid, status, keywords: e.keywords, recent });
    }
  } finally {
    await patcher?.flush(scanner.chunk);
  }
  return { hidden, recent: anyRecent };
}
