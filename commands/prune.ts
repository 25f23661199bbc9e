import { Args, Flags } from '@oclif/core';
import { CANDIDATE_HEADINGS, candidateLine, pruneLine, pruneMailbox, type PruneCandidate } from '../src/ops/prune.js';
import { SearchCriteria } from '../src/search/index.js';
import { BaseCommand } from '../src/ui/base-command.js';

export default class Prune extends BaseCommand<typeof Prune> {
  static override summary = 'Delete and expunge the messages of a mailbox that match IMAP SEARCH criteria.';
  static override description = `Marks every message of MAILBOX that matches CRITERIA \\Deleted and expunges the mailbox, then prints mailutil's line
"N message(s) purged" (or "No matching messages, so nothing purged", when nothing is changed at all). As in mailutil, the
expunge also removes messages that were already marked \\Deleted, and N counts them; --keep-deleted expunges only the
matches. --dry-run opens the mailbox read-only and lists what would go: UID, internal date, size, From and Subject.

CRITERIA are IMAP SEARCH keys (RFC 3501), all of which must match, given as one quoted word, as mailutil takes them
("before 1-jan-2004"), or as several words (before 1-jan-2004), where a word of its own is one argument (subject 'two
words'). Keys: ALL, ANSWERED, DELETED, DRAFT, FLAGGED, SEEN, RECENT, OLD, NEW and UNANSWERED, UNDELETED, UNDRAFT,
UNFLAGGED, UNSEEN; KEYWORD and UNKEYWORD name; BEFORE, ON, SINCE date (the internal date's day, in its own time zone);
SENTBEFORE, SENTON, SENTSINCE date (the Date: header's day; a Date: that cannot be read never matches); LARGER and
SMALLER size (octets, or 10K, 2M, 1G); FROM, TO, CC, BCC, SUBJECT, BODY, TEXT string (case-insensitive, in decoded
text: MIME encoded words, quoted-printable and base64 parts, charsets); HEADER field string; UID set and message number
sets (1:5,7,10:*); NOT key; OR key key; and ( keys ) to group. Keys are case-insensitive. Dates are 1-Jan-2004,
01-Jan-2004, 1-January-2004, 2004-01-31, 1/31/2004 or, quoted, "1 Jan 2004". Strings with spaces go in double quotes
inside the criteria word.

Empty criteria are an error, never "every message": to prune everything, say ALL.`;

  static override examples = [
    "<%= config.bin %> prune INBOX 'before 1-jan-2004'",
    '<%= config.bin %> prune archive/lists from announce@example.org larger 1M',
    "<%= config.bin %> prune --dry-run INBOX 'or (seen before 1-jan-2020) subject \"[spam]\"'",
    '<%= config.bin %> prune --keep-deleted --json INBOX deleted not flagged',
  ];

  static override args = {
    mailbox: Args.string({ description: 'Mailbox to prune.', required: true, ignoreStdin: true }),
    criteria: Args.string({
      description: 'IMAP SEARCH criteria: one word holding them all, or several words.',
      required: true, multiple: true, ignoreStdin: true,
    }),
  };

  static override flags = {
    'dry-run': Flags.boolean({ description: 'List the messages that would go; open the mailbox read-only and change nothing.' }),
    'keep-deleted': Flags.boolean({ description: 'Expunge only the matching messages: messages already marked \\Deleted stay.' }),
  };

  async run(): Promise<void> {
    // criteria first: a bad criterion must not touch the mailbox
    const criteria = SearchCriteria.parse(this.args.criteria);
    const ref = this.mailbox(this.args.mailbox);
    const dryRun = this.flags['dry-run'];
    const listing = dryRun && !this.flags.json && !this.flags.quiet;
    const candidates: PruneCandidate[] = [];
    let headed = false;
    const onCandidate = (c: PruneCandidate): void => {
      if (this.flags.json) candidates.push(c);
      else if (listing) {
        if (!headed) process.stdout.write(`${CANDIDATE_HEADINGS}\n`);
        headed = true;
        process.stdout.write(`${candidateLine(c)}\n`);
      }
    };
    // a dry run's listing goes to stdout as it is found: no bar to interleave with it
    const bar = this.progressBar();
    const sink = listing ? undefined : bar.sink;
    let result;
    try {
      result = await pruneMailbox(ref, criteria, this.store, {
        dryRun, keepDeleted: this.flags['keep-deleted'], onProgress: sink, onCandidate,
      });
    } finally {
      bar.stop();
    }
    if (result.alsoDeleted > 0 && !dryRun) this.store.note(`also expunged ${result.alsoDeleted} message(s) already marked deleted`);
    this.report(dryRun ? { ...result, messages: candidates } : result, pruneLine(result));
  }
}
