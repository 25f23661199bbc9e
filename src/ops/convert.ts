// convert-format (CLI.md): rewrites a mailbox in place in another format, under the same
// name, keeping its messages, internal dates, flags, keywords, UID validity and UIDs where
// the new format stores them (so that IMAP clients' caches stay valid).
//   1. What an interrupted earlier conversion left beside the mailbox is settled first
//      (convert-files.ts says how every state is recognised).
//   2. The mailbox is held against other writers (convert-locks.ts) while the copy pipeline
//      (copy.ts, the same as `copy --format`) builds the new mailbox beside it, under
//      .NAME.convert-to-FMT-PID, creating it with the original's UID validity, last UID and
//      keywords and appending every message with its UID.
//   3. Both are read back side by side (convert-verify.ts); the new one is given the
//      original's owner, flushed, and renamed .NAME.convert-ready-FMT-PID: complete.
//   4. Under the locks c-client takes to rewrite the mailbox, and only if it has not changed
//      since step 2 (else the new one is thrown away and the conversion starts again), the new
//      mailbox takes the name; the original is kept as NAME.bak-TIMESTAMP unless --no-backup.
// Nothing is written with --dry-run; --strict refuses before writing when the new format
// cannot hold something the mailbox has (copy's rule).
import fs from 'node:fs';
import path from 'node:path';
import { MailboxLocked, MailboxNotFound, MailsmithError, NotAMailbox, Unsupported, UsageError } from '../errors.js';
import { mhRoot } from '../names/mh.js';
import { availableFormats, capabilitiesOf, detect, inspect } from '../store/index.js';
import type { FormatName, LocalRef, MailboxRef, StoreContext } from '../store/types.js';
import { copyMailbox, type ChangeReport, type CopyResult, type LossReport } from './copy.js';
import {
  flushBuilt, recoverLeftovers, removeTree, stageName, swapIntoPlace, takeOwnership, type Swapped,
} from './convert-files.js';
import { holdForConversion } from './convert-locks.js';
import { VerifyFailed, verifyConversion } from './convert-verify.js';
import type { ProgressSink } from './progress.js';

export interface ConvertOptions {
  readonly to: FormatName;
  /** Carry keywords (default); false is --ignore-keywords. */
  readonly keywords?: boolean;
  /** Refuse, before writing, a conversion that would lose something. */
  readonly strict?: boolean;
  /** Say what would be done; change nothing. */
  readonly dryRun?: boolean;
  /** Keep the original as NAME.bak-TIMESTAMP (default true). */
  readonly backup?: boolean;
  readonly onProgress?: ProgressSink;
}

export type ConvertStatus = 'converted' | 'skipped' | 'planned' | 'failed';

export interface ConvertResult {
  readonly mailbox: string;
  readonly path: string;
  /** The format it was in ('empty' for a zero-length file, which has none yet); null if unknown. */
  readonly from: FormatName | 'empty' | null;
  readonly to: FormatName;
  readonly status: ConvertStatus;
  readonly messages: number;
  /** UID validity and UIDs kept (both formats store them). */
  readonly uidsKept: boolean;
  readonly losses: readonly LossReport[];
  readonly changes: readonly ChangeReport[];
  /** Where the original was kept. */
  readonly backup: string | null;
  /** What was done to settle an interrupted earlier conversion. */
  readonly recovered: readonly string[];
  /** Why it was skipped, or what failed. */
  readonly note?: string;
  readonly error?: { readonly code: string; readonly message: string };
}

/** How often a mailbox that changes under the conversion is converted again before giving up. */
const ATTEMPTS = 3;

export async function convertMailbox(ref: MailboxRef, ctx: StoreContext, options: ConvertOptions): Promise<ConvertResult> {
  if (ref.kind === 'remote') throw new Unsupported(`convert-format rewrites local mailboxes; ${ref.name} is on a server (copy it instead)`);
  const target = options.to;
  if (!availableFormats().includes(target) || !capabilitiesOf(target).writable) {
    throw new UsageError(`can't convert to ${target}: mailsmith cannot write that format`);
  }
  const dryRun = options.dryRun ?? false;
  let { ref: local } = await inspect(ref, ctx);
  // INBOX resolved once: every later step works on that file, whatever INBOX means afterwards
  local = { ...local, inboxExplicit: true };
  const recovered = await recoverLeftovers(local.path, local.name, (p) => formatAt(p, ctx), ctx.now(), dryRun);
  const { found } = await inspect(local, ctx);
  const base = {
    mailbox: local.name, path: local.path, to: target, messages: 0, uidsKept: false, losses: [], changes: [],
    backup: null, recovered: recovered.actions,
  };
  if (found.kind === 'missing') throw new MailboxNotFound(local.name);
  if (found.kind === 'directory') {
    throw new NotAMailbox(local.name, `${local.name} is a directory, not a mailbox (--recursive converts the mailboxes inside it)`);
  }
  if (found.kind === 'unknown-file') throw new NotAMailbox(local.name, `${local.name} is not in a mailbox format mailsmith can read`);
  const from = found.kind === 'empty-file' ? 'empty' : found.driver.format;
  if (from === 'phile') {
    throw new NotAMailbox(local.name, `${local.name} is not in a mail format (c-client would show the file as one message); not converted`);
  }
  if (from === target) return { ...base, from, status: 'skipped', note: `already in ${target} format` };
  refuseUnreachableInbox(ref, local, target);
  if (target === 'mh') refuseOutsideMhRoot(local);
  if (found.kind === 'mailbox' && found.driver.kind === 'directory') refuseChildren(local, found.driver.isInternal);
  // an empty file is read (and locked) as what it becomes on its first append
  const sourceFormat: FormatName = from === 'empty' ? 'unix' : from;

  if (dryRun) {
    const copy = await copyMailbox(local, stageRef(local, 'to', target), ctx, {
      mode: 'copy', format: target, keywords: options.keywords, strict: options.strict, dryRun: true,
    });
    return { ...base, from, status: 'planned', messages: copy.copied, uidsKept: copy.uidsKept };
  }

  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const lock = await holdForConversion(local.path, local.name, sourceFormat, ctx);
    let ready: string | undefined;
    let copy: CopyResult;
    try {
      const temp = stageRef(local, 'to', target);
      try {
        copy = await copyMailbox(local, temp, ctx, {
          mode: 'copy', format: target, keywords: options.keywords, strict: options.strict, onProgress: options.onProgress,
        });
        await verifyConversion(local, temp, local.name, ctx, {
          keywords: options.keywords ?? true,
          alteredTexts: alteredTexts(copy),
        });
        takeOwnership(temp.path, local.path);
        flushBuilt(temp.path);
        ready = stageName(local.path, 'ready', target);
        fs.renameSync(temp.path, ready);
      } catch (e) {
        removeTree(temp.path);
        // read back against a mailbox that changed meanwhile (where nothing could keep writers out)
        if (e instanceof VerifyFailed && !lock.unchanged()) {
          ctx.note(`${local.name} changed while it was being converted; converting it again`);
          continue;
        }
        throw e;
      }
      let swapped: Swapped;
      try {
        if (!(await lock.forSwap())) {
          removeTree(ready);
          ctx.note(`${local.name} changed while it was being converted; converting it again`);
          continue;
        }
        swapped = swapIntoPlace(ready, local.path, target, options.backup ?? true, ctx.now());
      } catch (e) {
        removeTree(ready);
        throw e;
      }
      await lock.settle();
      return {
        ...base, from, status: 'converted', messages: copy.copied, uidsKept: copy.uidsKept,
        losses: copy.losses, changes: copy.changes, backup: swapped.backup,
      };
    } finally {
      lock.release();
    }
  }
  throw new MailboxLocked(local.name, `${local.name} kept changing while it was being converted (${ATTEMPTS} attempts); nothing was changed`);
}

/** A name beside the mailbox for a stage of the new one, as the store opens and creates it. */
function stageRef(local: LocalRef, stage: 'to', format: FormatName): LocalRef {
  const p = stageName(local.path, stage, format);
  return {
    ...local, name: path.basename(p), path: p, createFormat: format, isInbox: false, inboxExplicit: false, directoryOnly: false,
    mh: format === 'mh',
  };
}

async function formatAt(p: string, ctx: StoreContext): Promise<FormatName | undefined> {
  const found = await detect(p, ctx);
  return found.kind === 'mailbox' ? found.driver.format : undefined;
}

/** Messages whose text the new format stores differently, as the copy reported them. */
function alteredTexts(copy: CopyResult): number {
  const textLosses = copy.losses.filter((l) => l.kind === 'bare-cr' || l.kind === 'delimiter');
  return [...copy.changes, ...textLosses].reduce((n, c) => n + c.messages, 0);
}

/**
 * INBOX by c-client's rule (naming.md 4.3) must stay where that rule finds it: ~/mbox only in
 * unix format, ~/INBOX only in mix, mx, mbx, tenex or mtx, the spool only in unix or mmdf.
 * Anything else would make the mail vanish from INBOX for every c-client program. An INBOX the
 * administrator names with --inbox (or MAILSMITH_INBOX) is converted as asked.
 */
function refuseUnreachableInbox(ref: MailboxRef, local: LocalRef, target: FormatName): void {
  if (ref.kind !== 'local' || !ref.isInbox || ref.inboxExplicit) return;
  const [where, allowed]: [string, readonly FormatName[]] =
    local.path === path.join(local.home, 'mbox') ? ['~/mbox', ['unix']]
      : local.path === path.join(local.home, 'INBOX') ? ['~/INBOX', ['mix', 'mx', 'mbx', 'tenex', 'mtx']]
        : ['the spool file', ['unix', 'mmdf']];
  if (allowed.includes(target)) return;
  throw new UsageError(`can't convert INBOX (${local.path}) to ${target}: c-client takes ${where} as INBOX only in `
    + `${allowed.join(', ')} format, so the mail would vanish from INBOX (copy it to #driver.${target}/INBOX instead, `
    + 'or name the file with --inbox to convert it anyway)');
}

/** MH folders exist only under the Path: of ~/.mh_profile (naming.md 7.1): elsewhere nothing would read one as mail. */
function refuseOutsideMhRoot(local: LocalRef): void {
  const root = mhRoot(local.home, local.name);
  if (!local.path.startsWith(`${root}${path.sep}`)) {
    throw new UsageError(`can't convert ${local.name} to mh: MH folders live under ${root} (the Path: of ~/.mh_profile)`);
  }
}

/** A directory-format mailbox that also holds child mailboxes ("dual use") cannot be swapped whole. */
function refuseChildren(local: LocalRef, isInternal: ((entry: string) => boolean) | undefined): void {
  const children = fs.readdirSync(local.path).filter((n) => !isInternal?.(n));
  if (children.length > 0) {
    throw new MailsmithError('unsupported',
      `${local.name} also holds other mailboxes or files (${children.slice(0, 3).join(', ')}${children.length > 3 ? ', ...' : ''}); `
      + 'move them out first: only a mailbox on its own can be converted in place');
  }
}
