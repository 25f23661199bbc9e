// The mbx driver: c-client's own indexed single-file format (formats-flat.md 4,
// locking.md 5).
import type { Driver } from '../../store/types.js';
import { createMbx, deleteMbx, probeMbx, renameMbx } from './files.js';
import { MbxMailbox } from './mailbox.js';

export const mbxDriver: Driver = {
  format: 'mbx',
  kind: 'file',
  capabilities: {
    keywords: true,
    uids: true,
    flags: ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'],
    dateZone: true,
    writable: true,
  },
  probe: probeMbx,
  create: createMbx,
  delete: deleteMbx,
  rename: renameMbx,
  open: (ref, mode, ctx) => MbxMailbox.open(ref, mode, ctx),
};

// repair-mbx's door into the format (see repair-kit.ts for why it exists)
export {
  mbxRepairKit, type MbxSurvey, type SurveyProblem, type ProblemKind, type ByteRange, type SizeFix, type ReplacementLock,
} from './repair-kit.js';
