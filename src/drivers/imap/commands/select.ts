// SELECT (read-write) and EXAMINE (read-only): what a mailbox holds as the
// session opens it: FLAGS, PERMANENTFLAGS, UIDVALIDITY, UIDNEXT, EXISTS.
// (imapflow's mailboxOpen re-encodes a name typed in modified UTF-7.)
import { mailbox } from '../args.js';
import { expectOk } from '../refusal.js';
import type { ImapSession } from '../session.js';
import { codeOf, list, text } from '../values.js';

export interface Selection {
  readonly readOnly: boolean;
  readonly exists: number;
  readonly uidValidity: number;
  /** 0 when the server did not say (then the last UID is found by FETCH). */
  readonly uidNext: number;
  /** FLAGS: the flags and keywords the mailbox defines. */
  readonly flags: readonly string[];
  /** PERMANENTFLAGS, with \* when new keywords may be created; undefined if not sent. */
  readonly permanentFlags?: readonly string[];
}

export async function select(s: ImapSession, name: string, readOnly: boolean, display: string): Promise<Selection> {
  let uidValidity = 0;
  let uidNext = 0;
  let flags: string[] = [];
  let permanentFlags: string[] | undefined;
  const r = await s.command(readOnly ? 'EXAMINE' : 'SELECT', [mailbox(name)], {
    untagged: {
      FLAGS: (u) => {
        flags = list(u.attributes?.[0]).map(text);
      },
      OK: (u) => {
        const code = codeOf(u);
        const arg = code?.args[0];
        if (code?.name === 'UIDVALIDITY') uidValidity = Number(arg);
        else if (code?.name === 'UIDNEXT') uidNext = Number(arg);
        else if (code?.name === 'PERMANENTFLAGS' && Array.isArray(arg)) permanentFlags = arg;
      },
    },
  });
  expectOk(r, `can't open ${display}`, display);
  return {
    readOnly: readOnly || r.code?.name === 'READ-ONLY',
    exists: s.exists,
    uidValidity,
    uidNext,
    flags,
    ...(permanentFlags ? { permanentFlags } : {}),
  };
}
