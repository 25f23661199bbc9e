import { CopyFamilyCommand, copyArgs, copyFlags, dryRunFlag } from '../src/ui/copy-command.js';

export default class Appenddelete extends CopyFamilyCommand<typeof Appenddelete> {
  static override summary = 'Move every message of SOURCE into the existing mailbox DESTINATION.';
  static override description = `As append, then removes from SOURCE exactly the messages it appended, and only after DESTINATION is safely on
disk. SOURCE itself stays, emptied of those messages.`;

  static override examples = ['<%= config.bin %> appenddelete INBOX archive/2024'];

  static override args = copyArgs;
  static override flags = { ...copyFlags, 'dry-run': dryRunFlag };
  protected readonly mode = 'appenddelete';
}
