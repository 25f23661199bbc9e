// The mx driver: c-client's one-file-per-message format with its .mxindex
// (formats-dir.md 3, locking.md 8).
import type { Driver } from '../../store/types.js';
import { createMx, deleteMx, probeMx, renameMx } from './files.js';
import { MxMailbox } from './mailbox.js';
import { isMxInternal } from './names.js';

export const mxDriver: Driver = {
  format: 'mx',
  kind: 'directory',
  capabilities: {
    keywords: true,
    uids: true,
    flags: ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'],
    // the internal date is the file's mtime: an instant, read back in UTC
    dateZone: false,
    writable: true,
  },
  probe: probeMx,
  create: createMx,
  delete: deleteMx,
  rename: renameMx,
  open: (ref, mode, ctx) => MxMailbox.open(ref, mode, ctx),
  isInternal: isMxInternal,
};
