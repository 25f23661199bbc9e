// AUTHENTICATE (RFC 3501 6.2.2) with the SASL mechanisms mailsmith speaks:
// PLAIN (RFC 4616, with an authorization identity for /authuser), LOGIN,
// CRAM-MD5 (RFC 2195: the password never crosses the wire) and ANONYMOUS
// (RFC 4505). With SASL-IR the first answer rides on the command line.
// Telemetry shows the mechanism's name and nothing else of the exchange.
import { createHmac } from 'node:crypto';
import type { ImapSession, Tagged } from '../session.js';

export type Mechanism = 'PLAIN' | 'LOGIN' | 'CRAM-MD5' | 'ANONYMOUS';

export interface SaslLogin {
  /** Who logs in: the user, or /authuser when given. */
  readonly authcid: string;
  /** Whose mailboxes: the user when /authuser is given, else ''. */
  readonly authzid: string;
  readonly password: string;
}

const b64 = (s: string | Buffer): string => Buffer.from(s).toString('base64');
const unb64 = (s: string): string => Buffer.from(s, 'base64').toString('utf8');

export function authenticate(s: ImapSession, mechanism: Mechanism, login: SaslLogin, trace = ''): Promise<Tagged> {
  const initial = (answer: string): Promise<Tagged> =>
    s.has('SASL-IR')
      ? s.command({ parts: ['AUTHENTICATE', mechanism, answer || '='], secret: true, shown: 2, onContinue: () => '*' })
      : s.command({ parts: ['AUTHENTICATE', mechanism], secret: true, shown: 2, onContinue: once(answer) });
  switch (mechanism) {
    case 'PLAIN':
      return initial(b64(`${login.authzid}\0${login.authcid}\0${login.password}`));
    case 'ANONYMOUS':
      return initial(b64(trace));
    case 'LOGIN': {
      let step = 0;
      return s.command({
        parts: ['AUTHENTICATE', 'LOGIN'], secret: true, shown: 2,
        onContinue: (challenge) => {
          const asks = unb64(challenge).toLowerCase();
          step++;
          if (asks.startsWith('user') || (step === 1 && !asks.startsWith('pass'))) return b64(login.authcid);
          if (asks.startsWith('pass') || step === 2) return b64(login.password);
          return '*';
        },
      });
    }
    case 'CRAM-MD5':
      return s.command({
        parts: ['AUTHENTICATE', 'CRAM-MD5'], secret: true, shown: 2,
        onContinue: (challenge) => {
          const digest = createHmac('md5', Buffer.from(login.password, 'utf8')).update(Buffer.from(challenge, 'base64')).digest('hex');
          return b64(`${login.authcid} ${digest}`);
        },
      });
  }
}

/** Answers the first continuation request with `answer`; a second one cancels the exchange. */
function once(answer: string): (challenge: string) => string {
  let sent = false;
  return () => {
    if (sent) return '*';
    sent = true;
    return answer;
  };
}
