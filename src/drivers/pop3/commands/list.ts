// LIST: every message's size in octets (CRLF line ends), by message number.
import { ServerRefused } from '../../../errors.js';
import type { Pop3Session } from '../session.js';

export async function listSizes(s: Pop3Session): Promise<Map<number, number>> {
  const r = await s.command({ line: 'LIST', multiline: true });
  if (!r.ok) throw new ServerRefused(`LIST failed on ${s.where}: ${r.text}`);
  return numbered(r.body!, Number);
}

/** `N VALUE` lines of a multi-line answer. */
export function numbered<T>(body: Buffer, value: (s: string) => T): Map<number, T> {
  const out = new Map<number, T>();
  for (const line of body.toString('utf8').split('\r\n')) {
    const m = /^(\d+)\s+(\S+)/.exec(line);
    if (m) out.set(Number(m[1]), value(m[2]!));
  }
  return out;
}
