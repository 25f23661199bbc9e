import { Args, Flags } from '@oclif/core';
import { repairMbx, type RepairResult } from '../src/ops/repair-mbx.js';
import { BaseCommand, EXIT_OK, EXIT_PROBLEMS } from '../src/ui/base-command.js';

export default class RepairMbx extends BaseCommand<typeof RepairMbx> {
  static override summary = 'Find and repair damage in an mbx mailbox, losing nothing.';
  static override description = `Reads the whole mbx file and reports every problem as c-client words it ("Unable to parse internal header at 43921:
...", "Last message (at N) runs past end of file", invalid UIDs, a damaged header block, ...), then saves what can be
saved: every intact message is kept byte for byte; a wrong size is corrected to end at the next valid internal header;
a damaged header line is written anew from what can still be read of it; a damaged header block is rebuilt, keeping the
UID validity and keywords where they can be read; only invalid UIDs are renumbered (above every UID already used, the
message moving to the end when numbered messages follow it). Bytes that cannot be made into a message are saved in
NAME.badmsg.N files beside the mailbox: nothing is thrown away.

The repaired file is written beside the original, flushed to disk, and renamed over it while the mailbox is locked the
way c-client locks it to expunge, so no other program has it open. The original is kept as NAME.bak-TIMESTAMP unless
--no-backup. A healthy mailbox is left exactly as it was.

Exit status: 0 when the mailbox is healthy or was repaired into messages only; 3 with --dry-run when damage was found,
and after a repair that had to save bytes in badmsg files (someone should look at them).`;

  static override examples = [
    '<%= config.bin %> repair-mbx --dry-run INBOX',
    '<%= config.bin %> repair-mbx archive/2004',
    '<%= config.bin %> repair-mbx --json --no-backup /srv/mail/alice/INBOX',
  ];

  static override args = {
    mailbox: Args.string({ description: 'The mbx mailbox to repair.', required: true }),
  };

  static override flags = {
    'dry-run': Flags.boolean({ description: 'Report the problems and what a repair would do; change nothing (exit 3 when damage is found).' }),
    backup: Flags.boolean({
      description: 'Keep the original as NAME.bak-TIMESTAMP beside the mailbox (--no-backup to not keep it).',
      allowNo: true, default: true,
    }),
  };

  async run(): Promise<void> {
    const bar = this.progressBar();
    let result: RepairResult;
    try {
      result = await repairMbx(this.mailbox(this.args.mailbox), this.store, {
        dryRun: this.flags['dry-run'], backup: this.flags.backup, onProgress: bar.sink,
      });
    } finally {
      bar.stop();
    }
    const problems = !result.healthy && (result.dryRun || result.badmsg.length > 0);
    this.report(result, renderText(result), problems ? EXIT_PROBLEMS : EXIT_OK);
  }
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function renderText(r: RepairResult): string {
  if (r.healthy) return `${r.mailbox}: no damage found (${plural(r.messages, 'message')}); nothing changed`;
  const lines = [`${r.mailbox}: ${plural(r.problems.length, 'problem')} found:`];
  for (const p of r.problems) lines.push(`  ${p.text}`);
  lines.push(r.dryRun ? 'a repair would:' : 'repaired:');
  for (const a of r.actions) lines.push(`  ${a.text}`);
  const parts = [`${plural(r.messages, 'message')} kept`];
  if (r.repairedMessages > 0) parts.push(`${plural(r.repairedMessages, 'header line')} rewritten`);
  if (r.renumbered > 0) parts.push(`${plural(r.renumbered, 'UID')} renumbered`);
  if (r.headerRebuilt) parts.push('header block rebuilt');
  if (r.badmsg.length > 0) parts.push(`${plural(r.badmsg.length, 'badmsg file')} (${r.badmsg.reduce((n, b) => n + b.length, 0)} bytes)`);
  if (r.dryRun) return `${lines.join('\n')}\ndry run: ${parts.join(', ')}; nothing changed`;
  const kept = r.backup ? `; the original is kept as ${r.backup}` : '';
  return `${lines.join('\n')}\n${r.mailbox} repaired: ${parts.join(', ')}${kept}`;
}
