import { CopyFamilyCommand, copyArgs, copyFlags } from '../src/ui/copy-command.js';

export default class Append extends CopyFamilyCommand<typeof Append> {
  static override summary = 'Copy every message of SOURCE into the existing mailbox DESTINATION.';
  static override description = `Appends every message of SOURCE, with its internal date, flags and keywords, to DESTINATION, which must exist.
Keywords DESTINATION does not know yet are created in it. The append is all or nothing: if it fails, DESTINATION is
put back as it was. Appending twice doubles the messages.`;

  static override examples = ['<%= config.bin %> append new-mail archive/2024'];

  static override args = copyArgs;
  static override flags = copyFlags;
  protected readonly mode = 'append';
}
