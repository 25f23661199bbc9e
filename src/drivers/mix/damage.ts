// Damage found in a mix file: c-client's words, the file and the byte offset
// where it was found. The mailbox turns it into CorruptMailbox.
import { CorruptMailbox } from '../../errors.js';

export class MixDamage extends Error {
  constructor(readonly file: string, readonly offset: number, readonly text: string) {
    super(text);
  }
}

export function corrupt(mailbox: string, d: MixDamage): CorruptMailbox {
  return new CorruptMailbox(mailbox, d.offset, `${d.text} (${d.file}, byte ${d.offset})`);
}
