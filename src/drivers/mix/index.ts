// The mix driver: c-client's directory format with a metadata file, a static
// index, a status file and large append-only data files (formats-dir.md 2,
// locking.md 7).
import type { Driver } from '../../store/types.js';
import { createMix, deleteMix, probeMix, renameMix } from './files.js';
import { MixMailbox } from './mailbox.js';
import { isMixName } from './names.js';

export const mixDriver: Driver = {
  format: 'mix',
  kind: 'directory',
  capabilities: {
    keywords: true,
    uids: true,
    flags: ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'],
    dateZone: true,
    writable: true,
  },
  probe: probeMix,
  create: createMix,
  delete: deleteMix,
  rename: renameMix,
  open: (ref, mode, ctx) => MixMailbox.open(ref, mode, ctx),
  // every entry starting with ".mix" is the format's own (c-client's mix_dirfmttest); the rest are children
  isInternal: isMixName,
};
