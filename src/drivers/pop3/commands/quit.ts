// QUIT: ends the session; the server removes the messages marked with DELE
// only if this answer is +OK (RFC 1939's UPDATE state).
import { ConnectionFailed } from '../../../errors.js';
import type { Pop3Reply, Pop3Session } from '../session.js';

export async function quit(s: Pop3Session): Promise<Pop3Reply> {
  try {
    return await s.command({ line: 'QUIT' });
  } finally {
    s.abort(new ConnectionFailed(`the session with ${s.where} has ended`));
  }
}
