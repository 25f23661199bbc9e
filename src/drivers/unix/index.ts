// The unix (mbox) driver: c-client's traditional Berkeley mailbox, read and
// written byte-compatibly with UW imapd, mailutil and pine (formats-flat.md 2),
// and other programs' mbox dialects read with --lenient (formats-dir.md 7).
import { berkeleyDriver } from '../berkeley/driver.js';
import { acquireSessionLock } from '../berkeley/locking.js';
import { unixFraming } from './framing.js';

export const unixDriver = berkeleyDriver(unixFraming);

/** For commands that replace a unix or mmdf mailbox whole (convert-format): its session lock. */
export const berkeleyReplaceKit = { acquireSessionLock };
