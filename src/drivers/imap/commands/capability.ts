// CAPABILITY: the session keeps the list from the untagged answer.
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';

export async function capability(s: ImapSession): Promise<void> {
  expectOk(await s.command({ parts: ['CAPABILITY'] }), `CAPABILITY failed on ${s.where}`);
}
