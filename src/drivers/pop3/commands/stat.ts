// STAT: how many messages the maildrop holds.
import { ServerRefused } from '../../../errors.js';
import type { Pop3Session } from '../session.js';

export async function stat(s: Pop3Session): Promise<number> {
  const r = await s.command({ line: 'STAT' });
  if (!r.ok) throw new ServerRefused(`STAT failed on ${s.where}: ${r.text}`);
  return Number(r.text.split(/\s+/)[0]);
}
