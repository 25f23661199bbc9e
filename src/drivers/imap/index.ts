// The imap driver: mailboxes on an IMAP server (RFC 3501) behind the same
// Driver and Mailbox interfaces as the local formats. See connect.ts for how
// connections are made and logins sent, mailbox.ts for reading and writing,
// list.ts for listing a hierarchy (transfer).
import type { MailboxStatus, RemoteDriver } from '../../store/types.js';
import { list } from './commands/list.js';
import { create, remove, rename } from './commands/mailboxes.js';
import { status } from './commands/status.js';
import { listServer } from './list.js';
import { ImapMailbox } from './mailbox.js';
import { canonicalName, wireName } from './names.js';
import { withConnection } from './with-connection.js';

export const imapDriver: RemoteDriver = {
  format: 'imap',
  kind: 'remote',
  capabilities: {
    keywords: true,
    // the server gives appended messages UIDs of its own
    uids: false,
    flags: ['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'],
    dateZone: true,
    writable: true,
  },
  create: (ref, ctx) => withConnection(ref, ctx, ({ session }) => create(session, ref.mailbox, ref.name)),
  delete: (ref, ctx) => withConnection(ref, ctx, ({ session }) => remove(session, ref.mailbox, ref.name)),
  rename: (from, to, ctx) => withConnection(from, ctx, ({ session }) => rename(session, from.mailbox, to.mailbox, from.name)),
  open: (ref, mode, ctx) => ImapMailbox.open(ref, mode, ctx),
  exists: (ref, ctx) => withConnection(ref, ctx, async ({ session }) => {
    const name = wireName(ref.mailbox);
    const found = await list(session, '', name, `can't look for ${ref.name}`);
    return found.some((l) => l.name === name || (name.toUpperCase() === 'INBOX' && l.name.toUpperCase() === 'INBOX'));
  }),
  status: (ref, ctx) => withConnection(ref, ctx, async ({ session, port, user }): Promise<MailboxStatus> => {
    const s = await status(session, ref.mailbox, ['MESSAGES', 'RECENT', 'UNSEEN'], ref.name);
    return {
      name: canonicalName(ref, port, user),
      total: s.get('MESSAGES') ?? 0,
      recent: s.get('RECENT') ?? 0,
      unseen: s.get('UNSEEN') ?? 0,
    };
  }),
  list: listServer,
};
