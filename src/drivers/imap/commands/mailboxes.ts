// CREATE, DELETE and RENAME: the server's answer is the result.
import { mailbox } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function create(s: ImapSession, name: string, display: string): Promise<void> {
  expectOk(await s.command({ parts: ['CREATE', mailbox(name)] }), `can't create ${display}`, display);
}

export async function remove(s: ImapSession, name: string, display: string): Promise<void> {
  expectOk(await s.command({ parts: ['DELETE', mailbox(name)] }), `can't delete ${display}`, display);
}

export async function rename(s: ImapSession, from: string, to: string, display: string): Promise<void> {
  expectOk(await s.command({ parts: ['RENAME', mailbox(from), mailbox(to)] }), `can't rename ${display}`, display);
}
