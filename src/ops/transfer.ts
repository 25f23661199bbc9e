// transfer: a whole hierarchy, mailbox by mailbox, through the copy engine
// (mailutil.md 7). What mailutil does is kept: the source is listed as
// c-client lists it, destination names are DEST + the listed name with the
// delimiters translated, new mailboxes get DEST's #driver. format (or
// --format), and --merge decides what happens to names that exist.
// What mailutil gets wrong is not (mailutil.md 9, 13-19): one mailbox that
// fails does not stop the others (unless stopOnError); every mailbox is
// reported; plain directories are kept; a parent that gets children is made
// in a format that can hold them (transfer-plan.ts); and a run that was
// interrupted is finished by running it again: a destination that holds only
// messages of its source is carried on into, and a merge by append skips what
// is already there (copy.ts's resume: Message-ID, internal date and size).
import { MailboxExists, MailsmithError, NotSelectable } from '../errors.js';
import { resolveName } from '../names/index.js';
import type { NameContext } from '../names/types.js';
import { createMailbox, mailboxExists } from '../store/index.js';
import type { FormatName, MailboxRef, StoreContext } from '../store/types.js';
import { copyMailbox, type CopyMode, type CopyResult, type LossReport } from './copy.js';
import { planTransfer, type TransferItem, type TransferPlan } from './transfer-plan.js';
import type { MergeMode } from './transfer-names.js';

export { parseMergeMode, type MergeMode } from './transfer-names.js';
export type { TransferItem, TransferPlan } from './transfer-plan.js';

export interface TransferOptions {
  /** Format of new local mailboxes (else DEST's #driver. prefix, else unix). */
  readonly format?: FormatName;
  /** Names that exist (mailutil -m); default: only a destination holding nothing but its source's messages is carried on into. */
  readonly merge?: MergeMode;
  readonly rwSource?: boolean;
  readonly keywords?: boolean;
  readonly strict?: boolean;
  readonly dryRun?: boolean;
  /** Stop at the first mailbox that fails, as mailutil does. */
  readonly stopOnError?: boolean;
  /**
   * --merge prompt: asks for another full destination name for `destination`, which exists;
   * undefined when nobody can be asked (no terminal). An empty answer asks again.
   */
  readonly askName?: (destination: string) => Promise<string | undefined>;
  readonly onProgress?: (event: TransferProgress) => void;
  /** Each mailbox's result as soon as it is known (the plan's order). */
  readonly onResult?: (result: TransferMailboxResult) => void;
}

export interface TransferProgress {
  readonly mailboxesDone: number;
  readonly mailboxesTotal: number;
  /** Messages read from sources so far, over all mailboxes. */
  readonly messages: number;
  /** The source mailbox being copied. */
  readonly current: string;
  /** Bytes of the current source read, and its size when known. */
  readonly bytes: number;
  readonly totalBytes?: number;
}

export type TransferStatus =
  | 'created'     // a new destination mailbox, every message copied
  | 'resumed'     // an existing destination that held only messages of the source: the rest copied
  | 'appended'    // --merge append into an existing mailbox
  | 'directory'   // a plain directory made (or already there)
  | 'skipped'     // nothing to do (a directory on a server destination)
  | 'planned'     // --dry-run
  | 'failed';

export interface TransferMailboxResult {
  readonly source: string;
  /** Where the messages went (or would go): --merge suffix and prompt can change it. */
  readonly destination: string;
  readonly kind: 'mailbox' | 'directory';
  readonly status: TransferStatus;
  /** For a mailbox that was (or would be) copied: into a new one, carrying on into one an earlier run began, or appending. */
  readonly action?: 'create' | 'resume' | 'append';
  /** Messages copied (--dry-run: to copy). */
  readonly messages: number;
  /** Messages the destination already held from an earlier run, not copied again. */
  readonly alreadyThere: number;
  readonly sourceFormat?: FormatName;
  readonly destinationFormat?: FormatName;
  /** What the destination could not hold (as copy reports it). */
  readonly losses: readonly LossReport[];
  /** Things worth knowing: another format or name than asked, a directory that was there. */
  readonly notes: readonly string[];
  readonly error?: { readonly code: string; readonly message: string };
}

export interface TransferResult {
  readonly source: string;
  readonly destination: string;
  readonly dryRun: boolean;
  readonly sourceDelimiter: string;
  readonly destinationDelimiter: string;
  readonly mailboxes: readonly TransferMailboxResult[];
  readonly skipped: TransferPlan['skipped'];
  /** --stop-on-error ended the run before every mailbox was tried. */
  readonly stopped: boolean;
  readonly totals: {
    readonly mailboxes: number;
    readonly directories: number;
    readonly failed: number;
    readonly messages: number;
    readonly alreadyThere: number;
    readonly withLosses: number;
  };
}

export async function transfer(
  source: string, dest: string, names: NameContext, ctx: StoreContext, options: TransferOptions = {},
): Promise<TransferResult> {
  const plan = await planTransfer(source, dest, names, ctx, { format: options.format });
  const results: TransferMailboxResult[] = [];
  for (const r of plan.refused) {
    const result = { ...blank, source: r.source, destination: r.destination, kind: 'mailbox' as const, status: 'failed' as const, error: errorOf(r.error) };
    results.push(result);
    options.onResult?.(result);
  }
  const mailboxesTotal = plan.items.filter((i) => i.kind === 'mailbox').length;
  let mailboxesDone = 0;
  let messagesBefore = 0;
  let stopped = options.stopOnError === true && plan.refused.length > 0;
  for (const [i, item] of plan.items.entries()) {
    if (stopped) break;
    let result: TransferMailboxResult;
    if (item.kind === 'directory') {
      result = await keepDirectory(item, ctx, options.dryRun ?? false);
    } else {
      const progress = (messages: number, bytes: number, totalBytes?: number): void =>
        options.onProgress?.({ mailboxesDone, mailboxesTotal, messages: messagesBefore + messages, current: item.source, bytes, totalBytes });
      progress(0, 0);
      result = await transferMailbox(item, names, ctx, options, progress);
      mailboxesDone++;
      messagesBefore += result.messages + result.alreadyThere;
      progress(0, 0);
    }
    results.push(result);
    options.onResult?.(result);
    if (result.status === 'failed' && options.stopOnError && i < plan.items.length - 1) {
      stopped = true;
      break;
    }
  }
  const mailboxes = results.filter((r) => r.kind === 'mailbox' && r.status !== 'failed');
  return {
    source, destination: dest, dryRun: options.dryRun ?? false,
    sourceDelimiter: plan.sourceDelimiter, destinationDelimiter: plan.destinationDelimiter,
    mailboxes: results, skipped: plan.skipped, stopped,
    totals: {
      mailboxes: mailboxes.length,
      directories: results.filter((r) => r.kind === 'directory' && (r.status === 'directory' || r.status === 'planned')).length,
      failed: results.filter((r) => r.status === 'failed').length,
      messages: mailboxes.reduce((n, r) => n + r.messages, 0),
      alreadyThere: mailboxes.reduce((n, r) => n + r.alreadyThere, 0),
      withLosses: mailboxes.filter((r) => r.losses.length > 0).length,
    },
  };
}

const blank = { messages: 0, alreadyThere: 0, losses: [], notes: [] };

/** A plain source directory: the same directory at a local destination (IMAP servers make levels with their mailboxes). */
async function keepDirectory(item: TransferItem, ctx: StoreContext, dryRun: boolean): Promise<TransferMailboxResult> {
  const base = { ...blank, source: item.source, destination: item.destination, kind: 'directory' as const };
  if (item.destinationRef.kind === 'remote') {
    return { ...base, status: 'skipped', notes: ['a server makes hierarchy levels with the mailboxes in them'] };
  }
  try {
    if (await mailboxExists(item.destinationRef, ctx)) return { ...base, status: 'directory', notes: ['already there'] };
    if (dryRun) return { ...base, status: 'planned' };
    await createMailbox(item.destinationRef, ctx);
    return { ...base, status: 'directory' };
  } catch (e) {
    return { ...base, status: 'failed', error: errorOf(e) };
  }
}

type Progress = (messages: number, bytes: number, totalBytes?: number) => void;

/** One mailbox, with the merge mode deciding what a destination that exists gets. */
async function transferMailbox(
  item: TransferItem, names: NameContext, ctx: StoreContext, options: TransferOptions, progress: Progress,
): Promise<TransferMailboxResult> {
  const merge = options.merge ?? { kind: 'none' };
  const notes = item.formatNote ? [item.formatNote] : [];
  const base = { ...blank, source: item.source, kind: 'mailbox' as const, notes };
  let destination = item.destination;
  let ref = item.destinationRef;
  try {
    const copy = async (mode: CopyMode): Promise<CopyResult> => copyMailbox(item.sourceRef, ref, ctx, {
      mode, format: item.format, rwSource: options.rwSource, keywords: options.keywords, strict: options.strict,
      dryRun: options.dryRun, resume: true, onProgress: (e) => progress(e.messages, e.bytes, e.totalBytes),
    });
    const attempt = async (): Promise<CopyResult | undefined> => {
      try {
        return await copy('copy');
      } catch (e) {
        if (await taken(e, ref, ctx)) return undefined;
        throw e;
      }
    };
    let result: CopyResult | undefined;
    if (merge.kind === 'append' && (await mailboxExists(ref, ctx))) result = await copy('append');
    else result = await attempt();
    if (!result && merge.kind === 'suffix') {
      notes.push(`${destination} exists and holds other messages: used ${destination}${merge.suffix}`);
      destination = `${destination}${merge.suffix}`;
      ref = resolveName(destination, names, 'create');
      result = await attempt();
    }
    while (!result && (merge.kind === 'prompt' || merge.kind === 'suffix')) {
      if (options.dryRun) return { ...base, destination, status: 'planned', notes: [...notes, `${destination} exists: would ask for another name`] };
      const answer = options.askName ? await askUntilAnswered(options.askName, destination) : undefined;
      if (answer === undefined) {
        throw new MailboxExists(destination, `${destination} exists and holds other messages, and there is no terminal to ask for another name (use --merge append or --merge suffix=TEXT)`);
      }
      notes.push(`${destination} exists: used ${answer}, as answered`);
      destination = answer;
      ref = resolveName(destination, names, 'create');
      result = await attempt();
    }
    if (!result) {
      throw new MailboxExists(destination, `${destination} exists and holds messages that are not in ${item.source} (--merge append adds to it, --merge suffix=TEXT copies beside it)`);
    }
    const action = result.created ? 'create' : result.mode === 'append' ? 'append' : 'resume';
    const status: TransferStatus = options.dryRun ? 'planned' : ({ create: 'created', append: 'appended', resume: 'resumed' } as const)[action];
    return {
      ...base, destination, status, action, messages: result.copied, alreadyThere: result.alreadyThere,
      sourceFormat: result.sourceFormat, destinationFormat: result.destinationFormat, losses: result.losses,
    };
  } catch (e) {
    return { ...base, destination, status: 'failed', error: errorOf(e) };
  }
}

/** The create failed because the name is taken by something a copy cannot carry on into. */
async function taken(e: unknown, ref: MailboxRef, ctx: StoreContext): Promise<boolean> {
  if (e instanceof MailboxExists) return true;
  return e instanceof NotSelectable && (await mailboxExists(ref, ctx).catch(() => false));
}

async function askUntilAnswered(ask: (destination: string) => Promise<string | undefined>, destination: string): Promise<string | undefined> {
  for (;;) {
    const answer = await ask(destination);
    if (answer === undefined || answer.trim() !== '') return answer;
  }
}

function errorOf(e: unknown): { code: string; message: string } {
  if (e instanceof MailsmithError) return { code: e.code, message: e.message };
  return { code: 'error', message: e instanceof Error ? e.message : String(e) };
}
