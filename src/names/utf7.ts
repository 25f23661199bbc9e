// New mailbox names must be 7-bit, with non-ASCII written in IMAP's modified
// UTF-7 (RFC 3501 5.1.3), as c-client's mail_utf7_valid demands on create and
// rename. Nothing decodes it: the on-disk name is the UTF-7 text.
import { BadName } from '../errors.js';

const BASE64_CHAR = /[A-Za-z0-9+,]/;

/**
 * Throws BadName unless `name` is 7-bit and every `&` opens a modified-BASE64 run closed by `-`.
 * `input` is the name as typed, for the message (it may hold more than `name`, e.g. a #driver. prefix).
 */
export function checkModifiedUtf7(name: string, input = name): void {
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (c.charCodeAt(0) >= 0x80) {
      throw new BadName(`mailbox names must be 7-bit: ${input} (use modified UTF-7, e.g. caf&AOk- for café)`);
    }
    if (c !== '&') continue;
    for (i++; name[i] !== '-'; i++) {
      const d = name[i];
      if (d === undefined) {
        throw new BadName(`unterminated modified UTF-7 in mailbox name: ${input} (an & must be closed by -; write &- for a literal &)`);
      }
      if (!BASE64_CHAR.test(d)) {
        throw new BadName(`invalid modified UTF-7 in mailbox name: ${input} (between & and - only letters, digits, + and , may appear; write &- for a literal &)`);
      }
    }
  }
}
