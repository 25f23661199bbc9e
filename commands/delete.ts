import { Args } from '@oclif/core';
import { deleteMailbox } from '../src/store/index.js';
import { BaseCommand } from '../src/ui/base-command.js';

export default class Delete extends BaseCommand<typeof Delete> {
  static override summary = 'Delete a mailbox.';
  static override description = `Deletes MAILBOX and every message in it, or an empty directory. Refuses INBOX, a directory that is not empty,
and a mailbox another program has open read-write.`;

  static override examples = ['<%= config.bin %> delete archive/old'];

  static override args = {
    mailbox: Args.string({ description: 'Mailbox to delete.', required: true }),
  };

  async run(): Promise<void> {
    const ref = this.mailbox(this.args.mailbox);
    await deleteMailbox(ref, this.store);
    this.report({ mailbox: ref.name }, `deleted ${ref.name}`);
  }
}
