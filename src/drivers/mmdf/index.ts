// The mmdf driver: c-client's MMDF mailbox, the unix format with ^A^A^A^A
// lines around every message, read and written byte-compatibly with UW
// imapd, mailutil and pine (formats-flat.md 3).
import { berkeleyDriver } from '../berkeley/driver.js';
import { mmdfFraming } from './framing.js';

export const mmdfDriver = berkeleyDriver(mmdfFraming);
