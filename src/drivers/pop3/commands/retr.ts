// RETR n: one message's text, CRLF line ends.
import { ServerRefused } from '../../../errors.js';
import type { Pop3Session } from '../session.js';

export async function retr(s: Pop3Session, n: number): Promise<Buffer> {
  const r = await s.command({ line: `RETR ${n}`, multiline: true });
  if (!r.ok) throw new ServerRefused(`can't fetch message ${n} from ${s.where}: ${r.text}`);
  return r.body!;
}
