// CREATE, DELETE and RENAME: the server's answer is the result. (imapflow's
// mailboxCreate also subscribes and takes "already exists" for success, and
// its names are re-encoded where c-client sends them as typed: exec instead.)
import { mailbox } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function create(s: ImapSession, name: string, display: string): Promise<void> {
  expectOk(await s.command('CREATE', [mailbox(name)]), `can't create ${display}`, display);
}

export async function remove(s: ImapSession, name: string, display: string): Promise<void> {
  expectOk(await s.command('DELETE', [mailbox(name)]), `can't delete ${display}`, display);
}

export async function rename(s: ImapSession, from: string, to: string, display: string): Promise<void> {
  expectOk(await s.command('RENAME', [mailbox(from), mailbox(to)]), `can't rename ${display}`, display);
}
