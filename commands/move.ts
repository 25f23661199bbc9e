import { CopyFamilyCommand, copyArgs, copyFlags, dryRunFlag } from '../src/ui/copy-command.js';

export default class Move extends CopyFamilyCommand<typeof Move> {
  static override summary = 'Create DESTINATION, copy every message of SOURCE into it, then remove them from SOURCE.';
  static override description = `As copy, then removes from SOURCE exactly the messages it copied, and only after DESTINATION is safely on disk
(flushed). Messages that arrive in SOURCE during the move stay there. An interrupted move leaves every message in SOURCE
or in DESTINATION, never in neither.`;

  static override examples = [
    "<%= config.bin %> move INBOX '#driver.mbx/saved/inbox-2024'",
    '<%= config.bin %> move --dry-run old/sent archive/sent',
  ];

  static override args = copyArgs;
  static override flags = { ...copyFlags, 'dry-run': dryRunFlag };
  protected readonly mode = 'move';
}
