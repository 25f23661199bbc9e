// DELE n: marks a message deleted; the server removes it only at a clean QUIT.
import { ServerRefused } from '../../../errors.js';
import type { Pop3Session } from '../session.js';

export async function dele(s: Pop3Session, n: number): Promise<void> {
  const r = await s.command({ line: `DELE ${n}` });
  if (!r.ok) throw new ServerRefused(`can't delete message ${n} on ${s.where}: ${r.text}`);
}
