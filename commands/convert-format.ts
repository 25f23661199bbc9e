import { Args, Flags } from '@oclif/core';
import type { CopyResult } from '../src/ops/copy.js';
import type { ConvertResult } from '../src/ops/convert.js';
import { convertMailboxes, type ConvertManyResult } from '../src/ops/convert-many.js';
import { FORMAT_NAMES } from '../src/store/index.js';
import type { FormatName } from '../src/store/types.js';
import { BaseCommand, EXIT_FAILED, EXIT_OK, EXIT_PROBLEMS } from '../src/ui/base-command.js';
import { copyFlags, dryRunFlag } from '../src/ui/copy-command.js';
import { changeLines, lossLines } from '../src/ui/render.js';

const TARGETS = [...FORMAT_NAMES.filter((f) => f !== 'imap' && f !== 'pop3' && f !== 'phile'), 'mbox'];

export default class ConvertFormat extends BaseCommand<typeof ConvertFormat> {
  static override summary = 'Rewrite mailboxes in place in another format, keeping their names.';
  static override description = `Converts each MAILBOX to FORMAT under the same name: every message with its internal date, flags and keywords,
and the UID validity and UIDs where the new format stores them (unix, mmdf, mbx, mix, mx and maildir do), so that IMAP
clients' caches stay valid. What the new format cannot hold is named in a warning (exit status 3), as copy does;
--strict refuses such a conversion before writing anything. A mailbox already in FORMAT is left alone.

The new mailbox is built beside the original (.NAME.convert-to-FORMAT-PID) while the original is locked against other
writers the way its format's c-client sessions lock it, read back and compared with the original message by message
(count, text, date, flags, keywords, UIDs), flushed to disk, and then put in place by rename under the locks c-client
takes to rewrite the mailbox. The original is kept as NAME.bak-TIMESTAMP unless --no-backup. When a file becomes a
directory (mix, mx, mh, maildir) or the reverse, the two are exchanged in one step (renameat2), so the name always holds
either the old mailbox intact or the new one complete. A conversion that is killed leaves names that the next run
settles before anything else: an unfinished new mailbox is removed, a finished one is put in place.

INBOX is the file c-client's rule makes it (the spool, ~/mbox or ~/INBOX), and stays where that rule finds it: the spool
converts only between unix and mmdf, ~/INBOX only to mix, mx, mbx, tenex or mtx, and ~/mbox not at all (copy it to
#driver.FORMAT/INBOX instead). An INBOX named with --inbox PATH (or $MAILSMITH_INBOX) is converted as asked: that is how
an administrator converts another user's spool file.

--recursive converts every mailbox in each named directory tree (a user's mail directory, a spool directory), with a
progress bar on a terminal and a line per mailbox; files that are not mailboxes are left alone. --dry-run prints the
plan and changes nothing.

Exit status: 0 when every mailbox was converted or already in FORMAT; 3 when something could not be kept; 1 when a
mailbox could not be converted (it is left as it was; the others are converted).`;

  static override examples = [
    '<%= config.bin %> convert-format archive/2004 --to mbx',
    '<%= config.bin %> convert-format --inbox /var/mail/alice INBOX --to mbx',
    '<%= config.bin %> convert-format --recursive --dry-run mail --to mix',
    '<%= config.bin %> convert-format --recursive --home /home/bob --json mail --to maildir --no-backup',
  ];

  static override args = {
    mailbox: Args.string({ description: 'Mailboxes to convert (directory trees with --recursive).', required: true, multiple: true }),
  };

  static override flags = {
    to: Flags.custom<FormatName>({
      helpValue: 'FORMAT',
      description: `The new format: ${TARGETS.join(', ')}.`,
      options: TARGETS,
      required: true,
      parse: async (input) => (input === 'mbox' ? 'unix' : input) as FormatName,
    })(),
    recursive: Flags.boolean({ char: 'r', description: 'Convert every mailbox inside each named directory tree.' }),
    'dry-run': dryRunFlag,
    strict: copyFlags.strict,
    'ignore-keywords': Flags.boolean({ description: 'Do not carry keywords into the new format (mailutil -ig).' }),
    backup: Flags.boolean({
      description: 'Keep each original as NAME.bak-TIMESTAMP beside it (--no-backup to not keep it).',
      allowNo: true, default: true,
    }),
  };

  async run(): Promise<void> {
    const refs = this.args.mailbox.map((name) => this.mailbox(name));
    const bar = this.progressBar();
    let result: ConvertManyResult;
    try {
      result = await convertMailboxes(refs, this.store, {
        to: this.flags.to,
        recursive: this.flags.recursive,
        dryRun: this.flags['dry-run'],
        strict: this.flags.strict,
        keywords: !this.flags['ignore-keywords'],
        backup: this.flags.backup,
        onProgress: bar.sink,
      });
    } finally {
      bar.stop();
    }
    for (const r of result.mailboxes) {
      const asCopy = copyShape(r);
      for (const line of [...lossLines(asCopy), ...(this.flags.verbose ? changeLines(asCopy) : [])]) this.warnUser(`${r.mailbox}: ${line}`);
    }
    const lossy = result.mailboxes.some((r) => r.losses.length > 0);
    this.report(result, renderText(result), result.failed > 0 ? EXIT_FAILED : lossy ? EXIT_PROBLEMS : EXIT_OK);
  }
}

/** The loss and change lines copy prints, for one converted mailbox. */
function copyShape(r: ConvertResult): CopyResult {
  return {
    mode: 'copy', source: r.mailbox, destination: r.mailbox, sourceFormat: r.from === 'empty' || r.from === null ? 'unix' : r.from,
    destinationFormat: r.to, created: true, copied: r.messages, removedFromSource: 0, alreadyThere: 0, uidsKept: r.uidsKept,
    losses: r.losses, changes: r.changes, dryRun: r.status === 'planned',
  };
}

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function mailboxLine(r: ConvertResult): string {
  const uids = r.uidsKept ? 'UID validity and UIDs kept' : 'new UIDs';
  switch (r.status) {
    case 'converted': {
      const kept = r.backup ? `; the original is kept as ${r.backup}` : '';
      return `${r.mailbox}: converted from ${r.from} to ${r.to} (${plural(r.messages, 'message')}; ${uids})${kept}`;
    }
    case 'planned':
      return `${r.mailbox}: would convert from ${r.from} to ${r.to} (${plural(r.messages, 'message')}; ${r.uidsKept ? 'UID validity and UIDs would be kept' : 'new UIDs'})`;
    case 'skipped':
      return `${r.mailbox}: ${r.note ?? 'left alone'}`;
    case 'failed':
      return `${r.mailbox}: not converted: ${r.error?.message ?? 'failed'}`;
  }
}

function renderText(result: ConvertManyResult): string {
  const lines: string[] = [];
  for (const r of result.mailboxes) {
    for (const a of r.recovered) lines.push(`${r.mailbox}: ${result.dryRun ? 'would have ' : ''}${a}`);
    lines.push(mailboxLine(r));
  }
  const others = [
    result.skipped ? `${result.skipped} left alone` : '',
    result.failed ? `${result.failed} failed` : '',
  ].filter(Boolean);
  const tail = others.length ? ` (${others.join(', ')})` : '';
  lines.push(result.dryRun
    ? `dry run: would convert ${plural(result.planned, 'mailbox', 'mailboxes')} to ${result.to}${tail}; nothing changed`
    : `converted ${plural(result.converted, 'mailbox', 'mailboxes')} to ${result.to}${tail}`);
  return lines.join('\n');
}
