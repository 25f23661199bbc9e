import { Args } from '@oclif/core';
import { checkLine, checkMailbox } from '../src/ops/check.js';
import { BaseCommand } from '../src/ui/base-command.js';

export default class Check extends BaseCommand<typeof Check> {
  static override summary = 'Count the new, unseen and total messages of a mailbox.';
  static override description = `Reads the mailbox without changing it (no UIDs written, nothing marked seen) and prints mailutil's line:
"N new message(s) (U unseen), T total in NAME", or "No new messages, T total in NAME" when nothing is new or unseen.
"New" means \\Recent: no read-write session has seen the message yet.`;

  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check archive/2004',
    '<%= config.bin %> check --json /var/mail/alice',
  ];

  static override args = {
    mailbox: Args.string({ description: 'Mailbox to count.', default: 'INBOX' }),
  };

  async run(): Promise<void> {
    const bar = this.progressBar();
    try {
      const result = await checkMailbox(this.mailbox(this.args.mailbox), this.store, bar.sink);
      bar.stop();
      this.report(result, checkLine(result));
    } finally {
      bar.stop();
    }
  }
}
