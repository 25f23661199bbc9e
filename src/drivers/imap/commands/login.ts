// LOGIN user password: the plain IMAP login, for servers with no usable SASL
// mechanism. Its arguments never appear in telemetry.
import type { ImapSession, Tagged } from '../session.js';
import { astring } from '../args.js';

export function login(s: ImapSession, user: string, password: string): Promise<Tagged> {
  return s.command({ parts: ['LOGIN', astring(user), astring(password)], secret: true });
}
