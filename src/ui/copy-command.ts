// The shared body of copy, move, append and appenddelete.
import { Args, Flags, type Command } from '@oclif/core';
import { copyMailbox, type CopyMode } from '../ops/copy.js';
import type { FormatName } from '../store/types.js';
import { BaseCommand, EXIT_OK, EXIT_PROBLEMS } from './base-command.js';
import { formatFlag } from './format-flag.js';
import { changeLines, copySummary, lossLines } from './render.js';

export const copyArgs = {
  source: Args.string({ description: 'Mailbox to read (default format detected from its bytes).', required: true }),
  destination: Args.string({ description: 'Mailbox to write; #driver.FORMAT/NAME or --format picks a new one\'s format.', required: true }),
};

export const copyFlags = {
  format: formatFlag,
  rwcopy: Flags.boolean({ description: 'Open the source read-write (mailutil -rw): marks its messages seen by a session and writes their UIDs.' }),
  kwcopy: Flags.boolean({ description: 'Carry keywords and create them in the destination (the default; mailutil -kw).', exclusive: ['ignore-keywords'] }),
  'ignore-keywords': Flags.boolean({ description: 'Do not carry keywords (mailutil -ig).', exclusive: ['kwcopy'] }),
  strict: Flags.boolean({ description: 'Fail, writing nothing, if the destination format cannot hold something the source has.' }),
};

export const dryRunFlag = Flags.boolean({ description: 'Say what would be done; change nothing.' });

export abstract class CopyFamilyCommand<T extends typeof Command> extends BaseCommand<T> {
  protected abstract readonly mode: CopyMode;

  async run(): Promise<void> {
    const flags = this.flags as typeof this.flags & {
      format?: FormatName; rwcopy: boolean; 'ignore-keywords': boolean; strict: boolean; 'dry-run'?: boolean;
    };
    const args = this.args as { source: string; destination: string };
    const creates = this.mode === 'copy' || this.mode === 'move';
    const src = this.mailbox(args.source);
    const dst = this.mailbox(args.destination, creates ? 'create' : 'open');
    const bar = this.progressBar();
    let result;
    try {
      result = await copyMailbox(src, dst, this.store, {
        mode: this.mode,
        format: flags.format,
        rwSource: flags.rwcopy,
        keywords: !flags['ignore-keywords'],
        strict: flags.strict,
        dryRun: flags['dry-run'] ?? false,
        onProgress: bar.sink,
      });
    } finally {
      bar.stop();
    }
    for (const line of [...lossLines(result), ...(this.flags.verbose ? changeLines(result) : [])]) this.warnUser(line);
    this.report(result, copySummary(result), result.losses.length > 0 ? EXIT_PROBLEMS : EXIT_OK);
  }
}
