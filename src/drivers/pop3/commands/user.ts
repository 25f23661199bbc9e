// USER and PASS: the plain POP3 login. Neither argument reaches telemetry.
import type { Pop3Reply, Pop3Session } from '../session.js';

export async function userPass(s: Pop3Session, user: string, password: string): Promise<Pop3Reply> {
  const u = await s.command({ line: `USER ${user}`, secret: true });
  if (!u.ok) return u;
  return s.command({ line: `PASS ${password}`, secret: true });
}
