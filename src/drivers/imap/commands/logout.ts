// LOGOUT, then the socket is closed whatever the server says.
import type { ImapSession } from '../session.js';

export async function logout(s: ImapSession): Promise<void> {
  if (!s.broken) await s.command({ parts: ['LOGOUT'] }).catch(() => undefined);
  s.close();
}
