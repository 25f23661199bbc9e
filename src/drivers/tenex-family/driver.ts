// One Driver per layout: mtx and tenex share everything but their line ends.
import type { Driver } from '../../store/types.js';
import { createFamily, deleteFamily, probeFamily, renameFamily } from './files.js';
import type { Layout } from './layout.js';
import { FamilyMailbox } from './mailbox.js';

export function familyDriver(layout: Layout): Driver {
  return {
    format: layout.format,
    kind: 'file',
    capabilities: {
      // c-client's mtx and tenex hold only the keywords its configuration defines; mailsmith defines none
      keywords: false,
      // UIDs are positions and the UID validity is the time of the open
      uids: false,
      flags: ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'],
      dateZone: true,
      writable: true,
    },
    probe: (path) => probeFamily(layout, path),
    create: (ref) => createFamily(ref),
    delete: deleteFamily,
    rename: renameFamily,
    open: (ref, mode, ctx) => FamilyMailbox.open(layout, ref, mode, ctx),
  };
}
