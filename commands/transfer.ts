import { Args, Flags } from '@oclif/core';
import { UsageError } from '../src/errors.js';
import { parseMergeMode, transfer, type MergeMode, type TransferMailboxResult } from '../src/ops/transfer.js';
import { transferLine, transferSummary } from '../src/ops/transfer-text.js';
import { canPrompt, promptLine } from '../src/remote/prompt.js';
import { BaseCommand, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS } from '../src/ui/base-command.js';
import { copyFlags, dryRunFlag } from '../src/ui/copy-command.js';
import { transferProgressBar } from '../src/ui/progress.js';
import { lossLines } from '../src/ui/render.js';

export default class Transfer extends BaseCommand<typeof Transfer> {
  static override summary = 'Copy a whole hierarchy of mailboxes: every name starting with SOURCE, to DEST followed by that name.';
  static override description = `Lists every mailbox whose name starts with SOURCE, as mailutil does (x/src also takes x/srcsibling; x/src/ only
what is inside x/src), and copies each one to DEST followed by its whole name: "transfer x/src/ x/dst/" copies x/src/a
to x/dst/x/src/a, and "transfer x/src/ '{imap.example.com/user=alice}bk.'" makes bk.x.src.a on a server whose hierarchy
delimiter is ".". Hierarchy delimiters are translated between the two stores. Missing parents are created; plain
directories are kept as directories. New local mailboxes get the format of --format or a #driver.FORMAT/ prefix on DEST
(default unix); a mailbox that gets child mailboxes is made in a directory format that can hold them (its own if it is
mix, mx or maildir, else mix), and the report says so. Each copy keeps what copy keeps and names what it cannot.

A destination that exists is carried on into when it holds nothing but messages of its source (what an interrupted
run leaves): the messages already there (same Message-ID and internal date; on a server, the same size too) are not copied again, so the same
command can be run again until it is done. Otherwise --merge decides: append adds to the existing mailbox (skipping
messages already there), suffix=TEXT copies into NAME followed by TEXT, and prompt asks for another full name on the
terminal (without a terminal the mailbox fails). Without --merge such a mailbox fails.

A mailbox that fails does not stop the others (--stop-on-error stops, as mailutil did); every mailbox is reported,
and the exit status is 1 if any failed, 3 if any copy lost something the destination cannot hold. --dry-run lists
what would be done, with message counts, and changes nothing.`;

  static override examples = [
    "<%= config.bin %> transfer mail/ '#driver.mbx/backup/'",
    "<%= config.bin %> transfer --dry-run mail/ '{imap.example.com/ssl/user=alice}'",
    "<%= config.bin %> transfer --merge suffix=.old '{old.example.com/user=alice}' '{new.example.com/user=alice}'",
    '<%= config.bin %> transfer --json --format mix lists/ archive/',
  ];

  static override args = {
    source: Args.string({ description: 'Prefix of the mailbox names to copy (a local name or {server}prefix).', required: true }),
    destination: Args.string({ description: 'Prefix of the new names; #driver.FORMAT/ sets the format of new mailboxes.', required: true }),
  };

  static override flags = {
    ...copyFlags,
    merge: Flags.string({
      helpValue: 'prompt|append|suffix=TEXT',
      description: 'What to do with a destination that exists and holds other messages: append to it, copy beside it as NAME+TEXT, or ask for a name (mailutil -m).',
    }),
    'dry-run': dryRunFlag,
    'stop-on-error': Flags.boolean({ description: 'Stop at the first mailbox that fails, as mailutil does (default: carry on and report).' }),
  };

  async run(): Promise<void> {
    const merge = this.mergeMode();
    const bar = transferProgressBar(this.flags.progress && !this.flags.quiet && !this.flags.json);
    const text = !this.flags.json && !this.flags.quiet;
    const onResult = (r: TransferMailboxResult): void => {
      if (this.flags.json) return;
      if (r.status === 'failed') bar.log(`${this.colour.red(`${this.config.bin}:`)} ${transferLine(r)}`, process.stderr);
      else if (text) bar.log(transferLine(r));
      if (r.losses.length > 0 && r.destinationFormat) {
        for (const line of lossLines({ losses: r.losses, destinationFormat: r.destinationFormat })) this.warnUser(`${r.destination}: ${line}`);
      }
    };
    let result;
    try {
      result = await transfer(this.args.source, this.args.destination, this.names, this.store, {
        format: this.flags.format,
        merge,
        rwSource: this.flags.rwcopy,
        keywords: !this.flags['ignore-keywords'],
        strict: this.flags.strict,
        dryRun: this.flags['dry-run'],
        stopOnError: this.flags['stop-on-error'],
        askName: canPrompt() ? (dest) => promptLine(`${dest} exists; alternative name: `, false) : undefined,
        onProgress: bar.sink,
        onResult,
      });
    } finally {
      bar.stop();
    }
    if (text) for (const s of result.skipped) process.stdout.write(`${s.source}: left out: ${s.reason}\n`);
    const exit = result.totals.failed > 0 ? EXIT_FAILED : result.totals.withLosses > 0 ? EXIT_PROBLEMS : EXIT_OK;
    this.report(result, transferSummary(result), exit);
  }

  private mergeMode(): MergeMode | undefined {
    const text = this.flags.merge;
    if (text === undefined) return undefined;
    const mode = parseMergeMode(text);
    if (!mode) throw new UsageError(`unknown merge option: ${text} (use prompt, append or suffix=TEXT)`);
    return mode;
  }
}
