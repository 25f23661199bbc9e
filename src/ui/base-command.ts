// What every mailsmith command shares: the common flags, name resolution,
// the engine's context, text or JSON output, and one-line errors with
// CLI.md's exit codes (0 done, 1 failed, 2 usage, 3 done with problems).
import { Command, Flags, type Interfaces } from '@oclif/core';
import { MailsmithError } from '../errors.js';
import { buildNameContext, resolveName } from '../names/index.js';
import type { NameContext } from '../names/types.js';
import { makeRemoteAccess } from '../remote/credentials.js';
import { makeStoreContext } from '../store/index.js';
import type { MailboxRef, StoreContext } from '../store/types.js';
import { stderrColour } from './colour.js';
import { progressBar, type ProgressBar } from './progress.js';

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<(typeof BaseCommand)['baseFlags'] & T['flags']>;

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_PROBLEMS = 3;

export abstract class BaseCommand<T extends typeof Command> extends Command {
  static override baseFlags = {
    home: Flags.string({
      helpValue: 'DIR',
      description: 'Mail home that relative mailbox names resolve against (default: $MAILSMITH_HOME, else $HOME).',
      helpGroup: 'MAILBOX NAMES',
    }),
    inbox: Flags.string({
      helpValue: 'PATH',
      description: 'The file INBOX means (default: $MAILSMITH_INBOX, else c-client\'s rule: ~/mbox or ~/INBOX, else /var/mail/$USER).',
      helpGroup: 'MAILBOX NAMES',
    }),
    restrict: Flags.boolean({
      description: 'Refuse absolute names, ~user and "..", as a restricted c-client does.',
      helpGroup: 'MAILBOX NAMES',
    }),
    json: Flags.boolean({ description: 'Print one JSON document on stdout instead of text.', helpGroup: 'OUTPUT' }),
    verbose: Flags.boolean({ char: 'v', description: 'Also print notes such as [Expunged 2 messages].', helpGroup: 'OUTPUT' }),
    debug: Flags.boolean({ char: 'd', description: 'Print protocol telemetry for remote mailboxes (never passwords).', helpGroup: 'OUTPUT' }),
    quiet: Flags.boolean({ char: 'q', description: 'No summary line and no progress bar; only warnings and errors.', helpGroup: 'OUTPUT' }),
    progress: Flags.boolean({
      description: 'Show a progress bar on a terminal for long work (--no-progress to turn it off).',
      allowNo: true, default: true, helpGroup: 'OUTPUT',
    }),
    'lock-timeout': Flags.integer({
      helpValue: 'SECONDS',
      description: 'Seconds to wait for a mailbox another program has locked before giving up.',
      default: 10, min: 0, helpGroup: 'SAFETY',
    }),
    'password-file': Flags.string({
      helpValue: 'FILE',
      description: 'Read the password for remote mailboxes from the first line of FILE (after $MAILSMITH_PASSWORD, before ~/.netrc).',
      helpGroup: 'REMOTE MAILBOXES',
    }),
    netrc: Flags.string({
      helpValue: 'FILE',
      description: 'Look up server logins in FILE instead of ~/.netrc ("machine HOST login USER password PW").',
      helpGroup: 'REMOTE MAILBOXES',
    }),
    'ca-file': Flags.string({
      helpValue: 'FILE',
      description: 'Also trust the certificates in FILE (PEM) when checking a server\'s certificate.',
      helpGroup: 'REMOTE MAILBOXES',
    }),
    lenient: Flags.boolean({
      description: 'Read mbox files other programs wrote the way they meant them, where c-client (and mailsmith ' +
        'by default) would not: "From " lines c-client rejects (Thunderbird, webmail exports), mboxrd ">>From" ' +
        'quoting, and Content-Length where it matches the file. Without it mailsmith reads them as mailutil does ' +
        'and warns where that loses their structure.',
      helpGroup: 'READING',
    }),
  };

  protected flags!: BaseFlags<T>;
  protected args!: Interfaces.InferredArgs<T['args']>;
  protected names!: NameContext;
  protected store!: StoreContext;
  protected readonly warnings: string[] = [];
  protected readonly colour = stderrColour();

  override async init(): Promise<void> {
    await super.init();
    const ctor = this.constructor as T;
    const { args, flags } = await this.parse({
      flags: ctor.flags,
      baseFlags: (ctor as unknown as typeof BaseCommand).baseFlags,
      args: ctor.args,
      strict: ctor.strict,
    });
    this.flags = flags as BaseFlags<T>;
    this.args = args as Interfaces.InferredArgs<T['args']>;
    this.names = buildNameContext({ home: this.flags.home, inbox: this.flags.inbox, restrict: this.flags.restrict });
    this.store = makeStoreContext({
      warn: (text) => this.warnUser(text),
      note: (text) => {
        if (this.flags.verbose && !this.flags.json) process.stderr.write(`[${text}]\n`);
      },
      lockTimeoutMs: this.flags['lock-timeout'] * 1000,
      lenient: this.flags.lenient,
      remote: makeRemoteAccess({
        passwordFile: this.flags['password-file'],
        netrcFile: this.flags.netrc,
        caFile: this.flags['ca-file'],
        debug: this.flags.debug ? (line) => process.stderr.write(`${line}\n`) : undefined,
      }),
    });
  }

  /** Resolves a mailbox name; 'create' applies the stricter rules for new names. */
  protected mailbox(input: string, purpose: 'open' | 'create' = 'open'): MailboxRef {
    return resolveName(input, this.names, purpose);
  }

  protected warnUser(text: string): void {
    this.warnings.push(text);
    process.stderr.write(`${this.colour.yellow('warning:')} ${text}\n`);
  }

  /** A progress bar for this command's long work, when on a terminal and wanted. */
  protected progressBar(): ProgressBar {
    return progressBar(this.flags.progress && !this.flags.quiet && !this.flags.json);
  }

  /** Prints the result: its text line(s) for people, or the JSON document for scripts. */
  protected report(result: object, text: string | undefined, exitCode = EXIT_OK): void {
    if (this.flags.json) {
      process.stdout.write(`${JSON.stringify({ ok: exitCode !== EXIT_FAILED, ...result, warnings: this.warnings })}\n`);
    } else if (text !== undefined && !this.flags.quiet) {
      process.stdout.write(`${text}\n`);
    }
    process.exitCode = exitCode;
  }

  protected override async catch(err: Error & { oclif?: { exit?: number } }): Promise<void> {
    const exitCode = err instanceof MailsmithError ? err.exitCode : err.oclif?.exit === 2 ? EXIT_USAGE : EXIT_FAILED;
    const code = err instanceof MailsmithError ? err.code : exitCode === EXIT_USAGE ? 'usage' : 'error';
    const message = oneLine(err.message);
    // flags may be unparsed when parsing itself failed
    if (this.flags?.json) {
      process.stdout.write(`${JSON.stringify({ ok: false, error: { code, message }, warnings: this.warnings })}\n`);
    } else {
      process.stderr.write(`${this.colour.red(`${this.config.bin}:`)} ${message}\n`);
      if (exitCode === EXIT_USAGE) process.stderr.write(`See '${this.config.bin} ${this.id ?? ''} --help'.\n`);
    }
    process.exitCode = exitCode;
  }
}

/** Error texts from libraries can span lines; people get one. */
function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim();
}
