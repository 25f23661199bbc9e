// A Berkeley-style driver (unix, mmdf) from its framing: create writes the
// framing's pseudo-message, delete and rename follow locking.md 4.5, open
// gives a BerkeleyMailbox. The unix and mmdf drivers are each one call of this.
import fs from 'node:fs';
import { ioError } from '../../errors.js';
import { createExclusive } from '../../io/fd.js';
import { SYSTEM_FLAGS } from '../../mail/flags.js';
import type { CreateOptions, Driver, LocalRef, StoreContext } from '../../store/types.js';
import type { Framing } from './framing.js';
import { keywordsForCreate } from './keywords.js';
import { acquireSessionLock, lockFile } from './locking.js';
import { BerkeleyMailbox } from './mailbox.js';

async function create(framing: Framing, ref: LocalRef, ctx: StoreContext, options: CreateOptions = {}): Promise<void> {
  const now = ctx.now();
  const bytes = framing.created({
    uidValidity: options.meta?.uidValidity ?? Math.floor(now.getTime() / 1000),
    uidLast: options.meta?.uidLast ?? 0,
    keywords: keywordsForCreate(options.meta?.keywords ?? []),
    host: ctx.host,
    now,
    messageId: false,
  });
  const fd = createExclusive(ref.path, ref.name);
  try {
    fs.writeSync(fd, bytes);
    fs.fsyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.unlinkSync(ref.path);
    throw ioError(e, `Can't initialize mailbox ${ref.name}`);
  }
  fs.closeSync(fd);
}

/**
 * Delete and rename (locking.md 4.5): the session lock must be free (no kiss of
 * death), then the file is dot-locked and flocked exclusively around the change.
 */
async function whileNobodyHasIt(ref: LocalRef, ctx: StoreContext, change: () => void): Promise<void> {
  const session = await acquireSessionLock(ref.path, ref.name, 0, ctx, false);
  try {
    const lock = await lockFile(ref.path, ref.name, fs.constants.O_RDWR, 'exclusive', ctx);
    try {
      change();
    } finally {
      lock.release();
    }
  } finally {
    session.releaseSession();
  }
}

export function berkeleyDriver(framing: Framing): Driver {
  return {
    format: framing.format,
    kind: 'file',
    capabilities: { keywords: true, uids: true, flags: SYSTEM_FLAGS, dateZone: true, writable: true },
    probe: (path, ctx) => framing.probe(path, ctx),
    create: (ref, ctx, options) => create(framing, ref, ctx, options),
    async delete(ref, ctx) {
      await whileNobodyHasIt(ref, ctx, () => {
        try {
          fs.unlinkSync(ref.path);
        } catch (e) {
          throw ioError(e, `Can't delete mailbox ${ref.name}`);
        }
      });
    },
    async rename(from, to, ctx) {
      await whileNobodyHasIt(from, ctx, () => {
        try {
          fs.renameSync(from.path, to.path);
        } catch (e) {
          throw ioError(e, `Can't rename mailbox ${from.name} to ${to.name}`);
        }
      });
    },
    open(ref, mode, ctx) {
      return mode === 'read' ? BerkeleyMailbox.openReadOnly(framing, ref, ctx) : BerkeleyMailbox.openReadWrite(framing, ref, ctx);
    },
  };
}
