// The unix (mbox) driver: c-client's traditional Berkeley mailbox, read and
// written byte-compatibly with UW imapd, mailutil and pine (formats-flat.md 2),
// and other programs' mbox dialects read with --lenient (formats-dir.md 7).
import { berkeleyDriver } from '../berkeley/driver.js';
import { unixFraming } from './framing.js';

export const unixDriver = berkeleyDriver(unixFraming);
