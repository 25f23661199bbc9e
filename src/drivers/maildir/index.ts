// The maildir driver: Maildir as Dovecot and Courier write it, with Dovecot's
// dovecot-uidlist and dovecot-keywords so that UIDs and keywords survive, and
// Maildir++ folders (formats-dir.md 6).
import { SYSTEM_FLAGS } from '../../mail/flags.js';
import type { Driver } from '../../store/types.js';
import { createMaildir, deleteMaildir, isMaildirInternal, probeMaildir, renameMaildir } from './folders.js';
import { MaildirMailbox } from './mailbox.js';

export const maildirDriver: Driver = {
  format: 'maildir',
  kind: 'directory',
  capabilities: {
    // at most 26 per folder, the letters a-z of dovecot-keywords
    keywords: true,
    uids: true,
    flags: SYSTEM_FLAGS,
    // the internal date is the file's mtime: an instant, read back in UTC
    dateZone: false,
    writable: true,
  },
  probe: probeMaildir,
  create: createMaildir,
  delete: deleteMaildir,
  rename: renameMaildir,
  open: (ref, mode, ctx) => MaildirMailbox.open(ref, mode, ctx),
  isInternal: isMaildirInternal,
};
