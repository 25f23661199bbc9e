// UIDL: every message's unique id, which stays the same across sessions
// (message numbers need not). undefined when the server has no UIDL.
import type { Pop3Session } from '../session.js';
import { numbered } from './list.js';

export async function uidl(s: Pop3Session): Promise<Map<number, string> | undefined> {
  const r = await s.command({ line: 'UIDL', multiline: true });
  return r.ok ? numbered(r.body!, String) : undefined;
}
