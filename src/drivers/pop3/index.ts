// The pop3 driver: a POP3 maildrop (RFC 1939) as a source: copy, move and
// check read it; only a move (or appenddelete) deletes from it, and only once
// the destination is on disk (mailbox.ts). It can't be created, deleted,
// renamed or appended to.
import { Unsupported } from '../../errors.js';
import type { RemoteDriver } from '../../store/types.js';
import { quit } from './commands/quit.js';
import { stat } from './commands/stat.js';
import { connectPop3 } from './connect.js';
import { Pop3Mailbox } from './mailbox.js';

const sourceOnly = (what: string, name: string): Unsupported =>
  new Unsupported(`can't ${what} ${name}: a POP3 maildrop is a source only (copy or move from it)`);

export const pop3Driver: RemoteDriver = {
  format: 'pop3',
  kind: 'remote',
  capabilities: { keywords: false, uids: false, flags: [], dateZone: false, writable: true },
  create: (ref) => Promise.reject(sourceOnly('create', ref.name)),
  delete: (ref) => Promise.reject(sourceOnly('delete', ref.name)),
  rename: (from) => Promise.reject(sourceOnly('rename', from.name)),
  open: (ref, mode, ctx) => Pop3Mailbox.open(ref, mode, ctx),
  // the maildrop is there once the login works
  exists: async (ref, ctx) => {
    await quit(await connectPop3(ref, ctx));
    return true;
  },
  // c-client reads every message of a maildrop as new and unseen
  status: async (ref, ctx) => {
    const s = await connectPop3(ref, ctx);
    try {
      const total = await stat(s);
      return { name: ref.name, total, recent: total, unseen: total };
    } finally {
      await quit(s).catch(() => undefined);
    }
  },
};
