// The mh driver: MH folders under the Path: of ~/.mh_profile, one LF file per
// message (formats-dir.md 4, naming.md 7.1). c-client reads and writes them for
// compatibility only; so does mailsmith, saying what they cannot keep.
import type { Driver } from '../../store/types.js';
import { createMh, deleteMh, probeMh, renameMh } from './files.js';
import { MhMailbox } from './mailbox.js';
import { isMhInternal } from './names.js';

export const mhDriver: Driver = {
  format: 'mh',
  kind: 'directory',
  capabilities: {
    keywords: false,
    uids: false,
    flags: [],
    // c-client's append leaves atime (now) after mtime (the internal date): its guess is \Seen
    inferredFlags: ['\\Seen'],
    dateZone: false,
    writable: true,
  },
  probe: probeMh,
  create: createMh,
  delete: deleteMh,
  rename: renameMh,
  open: (ref, mode, ctx) => MhMailbox.open(ref, mode, ctx),
  isInternal: isMhInternal,
};
