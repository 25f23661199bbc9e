import { Args } from '@oclif/core';
import { renameMailbox } from '../src/store/index.js';
import { BaseCommand } from '../src/ui/base-command.js';

export default class Rename extends BaseCommand<typeof Rename> {
  static override summary = 'Rename a mailbox.';
  static override description = `Renames SOURCE to DESTINATION within one store, making missing parent directories. DESTINATION must not exist.
The mailbox keeps its format, messages, flags and UIDs.`;

  static override examples = ['<%= config.bin %> rename archive/2004 archive/old/2004'];

  static override args = {
    source: Args.string({ description: 'Mailbox to rename.', required: true }),
    destination: Args.string({ description: 'Its new name.', required: true }),
  };

  async run(): Promise<void> {
    const from = this.mailbox(this.args.source);
    const to = this.mailbox(this.args.destination, 'create');
    await renameMailbox(from, to, this.store);
    this.report({ source: from.name, destination: to.name }, `renamed ${from.name} to ${to.name}`);
  }
}
