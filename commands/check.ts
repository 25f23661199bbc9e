import { Args, Flags } from '@oclif/core';
import { checkLine, checkMailbox } from '../src/ops/check.js';
import { verifyMailbox, type VerifyResult } from '../src/ops/verify.js';
import { BaseCommand, EXIT_OK, EXIT_PROBLEMS } from '../src/ui/base-command.js';

export default class Check extends BaseCommand<typeof Check> {
  static override summary = 'Count the new, unseen and total messages of a mailbox.';
  static override description = `Reads the mailbox without changing it (no UIDs written, nothing marked seen) and prints mailutil's line:
"N new message(s) (U unseen), T total in NAME", or "No new messages, T total in NAME" when nothing is new or unseen.
"New" means \\Recent: no read-write session has seen the message yet.

With --verify (or --deep) it also reads every message's text and reports what is wrong with the mailbox, in any local
format: damage (c-client's words and the byte offset; for mbx every damaged place, not only the first), the warnings a
reader gives (a broken UID regime, UW IMAP FAQ 7.14), NUL bytes in texts (FAQ 7.34), a unix or mmdf mailbox without
its FOLDER INTERNAL DATA message or with a damaged one (FAQ 6.14), and a file that holds mail but does not read as a
mailbox because its first line is not a valid From_ line or MMDF separator (FAQ 7.1, 7.2). Exit status 3 when anything is found.`;

  static override examples = [
    '<%= config.bin %> check',
    '<%= config.bin %> check archive/2004',
    '<%= config.bin %> check --json /var/mail/alice',
    '<%= config.bin %> check --verify INBOX',
  ];

  static override args = {
    mailbox: Args.string({ description: 'Mailbox to count.', default: 'INBOX' }),
  };

  static override flags = {
    verify: Flags.boolean({
      aliases: ['deep'],
      description: 'Also read every message and report damage and the classic problems of the UW IMAP FAQ (exit 3 when found).',
    }),
  };

  async run(): Promise<void> {
    const bar = this.progressBar();
    try {
      const ref = this.mailbox(this.args.mailbox);
      if (this.flags.verify) {
        const result = await verifyMailbox(ref, this.store, bar.sink);
        bar.stop();
        this.report(result, verifyText(result), result.healthy ? EXIT_OK : EXIT_PROBLEMS);
        return;
      }
      const result = await checkMailbox(ref, this.store, bar.sink);
      bar.stop();
      this.report(result, checkLine(result));
    } finally {
      bar.stop();
    }
  }
}

function verifyText(r: VerifyResult): string {
  const lines: string[] = [];
  if (r.complete && r.counts) lines.push(checkLine(r.counts));
  const what = r.format ? `${r.format} mailbox` : 'file';
  if (r.healthy) {
    lines.push(`${r.mailbox}: no problems found (${what}, every message read)`);
    return lines.join('\n');
  }
  const n = r.problems.length;
  lines.push(`${r.mailbox}: ${n} problem${n === 1 ? '' : 's'} found (${what}${r.complete ? '' : ', not every message could be read'}):`);
  for (const p of r.problems) lines.push(`  ${p.text}${p.faq ? ` (FAQ ${p.faq})` : ''}`);
  return lines.join('\n');
}
