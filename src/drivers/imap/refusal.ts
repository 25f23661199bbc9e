// A server's NO or BAD as a typed error that keeps the server's own words.
import { AuthFailed, MailboxExists, MailboxNotFound, ReadOnlyMailbox, ServerRefused, type MailsmithError } from '../../errors.js';
import { ImapSession, type Tagged } from './session.js';

/** Throws unless the command succeeded. `what` says what was being done (`can't create {h}x`). */
export function expectOk(r: Tagged, what: string, mailbox?: string): Tagged {
  if (r.status === 'OK') return r;
  throw refusal(r, what, mailbox);
}

/** Servers that say so without a response code (Dovecot's STATUS and EXAMINE). */
const MISSING = /\b(doesn't|does not|don't) exist\b|\bno such mailbox\b|\bunknown mailbox\b/i;

export function refusal(r: Tagged, what: string, mailbox?: string): MailsmithError {
  const said = ImapSession.say(r);
  const message = `${what}: ${said}`;
  if (!r.code && r.status === 'NO' && MISSING.test(r.text)) return new MailboxNotFound(mailbox ?? '', message);
  switch (r.code?.name) {
    case 'NONEXISTENT':
    case 'TRYCREATE':
      return new MailboxNotFound(mailbox ?? '', message);
    case 'ALREADYEXISTS':
      return new MailboxExists(mailbox ?? '', message);
    case 'AUTHENTICATIONFAILED':
    case 'AUTHORIZATIONFAILED':
    case 'EXPIRED':
    case 'PRIVACYREQUIRED':
      return new AuthFailed(message);
    case 'READ-ONLY':
    case 'NOPERM':
      return new ReadOnlyMailbox(mailbox ?? '', message);
    default:
      return new ServerRefused(message);
  }
}
