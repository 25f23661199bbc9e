// APOP (RFC 1939 7): the password never crosses the wire, only the MD5 of the
// greeting's timestamp and the password.
import { createHash } from 'node:crypto';
import type { Pop3Reply, Pop3Session } from '../session.js';

export function apop(s: Pop3Session, user: string, password: string, timestamp: string): Promise<Pop3Reply> {
  const digest = createHash('md5').update(Buffer.from(timestamp + password, 'utf8')).digest('hex');
  return s.command({ line: `APOP ${user} ${digest}`, secret: true });
}
