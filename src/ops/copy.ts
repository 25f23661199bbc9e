// copy, move, append and appenddelete: one pipeline from the source's
// messages() into the destination's append() (mailutil.md 5), with mailutil's
// weak spots fixed: a failed copy removes the destination it created, a move
// removes from the source exactly the messages it copied and only after the
// destination is on disk, and anything the destination cannot hold is named.
// A server cannot take back what arrived before its connection dropped: the
// destination keeps it, and running the same command again finishes the job
// (the server destination skips what it already holds, and a copy whose
// destination holds nothing but messages of its source carries on into it).
// With `resume` (transfer) the same goes for local destinations.
import fs from 'node:fs';
import { LossyCopy, MailboxExists, ReadOnlyMailbox, UsageError } from '../errors.js';
import { IdentityCounts, identityOfText } from '../mail/identity.js';
import {
  capabilitiesOf, createMailbox, deleteMailbox, inspect, mailboxExists, openMailbox, remoteFormat, remoteStatus,
  DEFAULT_CREATE_FORMAT,
} from '../store/index.js';
import type {
  AppendResult, ChangeKind, FormatCapabilities, FormatName, LossKind, Mailbox, MailboxMeta, MailboxRef, NewMessage,
  StoreContext,
} from '../store/types.js';
import { noProgress, type ProgressSink } from './progress.js';

export type CopyMode = 'copy' | 'move' | 'append' | 'appenddelete';

export interface CopyOptions {
  readonly mode: CopyMode;
  /** Format of a destination this command creates (else the name's #driver. prefix, else unix). */
  readonly format?: FormatName;
  /** Open the source read-write even for copy/append (mailutil -rw). */
  readonly rwSource?: boolean;
  /** Carry keywords (default); false is mailutil's -ig. */
  readonly keywords?: boolean;
  /** Fail, writing nothing, if the destination cannot hold something the source has. */
  readonly strict?: boolean;
  /** Say what would happen; change nothing. */
  readonly dryRun?: boolean;
  /**
   * Let a rerun finish what an interrupted run began, for local destinations as server ones do
   * already (transfer): copy carries on into an existing destination that holds nothing but
   * messages of the source, and append skips the messages the destination already holds
   * (matched as localMatch says).
   */
  readonly resume?: boolean;
  readonly onProgress?: ProgressSink;
}

export interface LossReport {
  readonly kind: LossKind;
  /** The keyword or flag lost, or a short description. */
  readonly detail: string;
  readonly messages: number;
}

export interface ChangeReport {
  readonly kind: ChangeKind;
  readonly messages: number;
}

export interface CopyResult {
  readonly mode: CopyMode;
  readonly source: string;
  readonly destination: string;
  readonly sourceFormat: FormatName;
  readonly destinationFormat: FormatName;
  /** The destination was created by this command. */
  readonly created: boolean;
  readonly copied: number;
  /** Messages removed from the source (move, appenddelete). */
  readonly removedFromSource: number;
  /** Messages the (server) destination already held from an interrupted earlier run, not copied again. */
  readonly alreadyThere: number;
  /** UID validity and UIDs were kept (a new destination in a format that stores them). */
  readonly uidsKept: boolean;
  readonly losses: readonly LossReport[];
  readonly changes: readonly ChangeReport[];
  readonly dryRun: boolean;
}

const removesFromSource = (mode: CopyMode): boolean => mode === 'move' || mode === 'appenddelete';
const createsDestination = (mode: CopyMode): boolean => mode === 'copy' || mode === 'move';

export async function copyMailbox(
  src: MailboxRef, dst: MailboxRef, ctx: StoreContext, options: CopyOptions,
): Promise<CopyResult> {
  await refuseSameMailbox(src, dst);
  const keepKeywords = options.keywords ?? true;
  let create = createsDestination(options.mode);
  const writeSource = (removesFromSource(options.mode) || options.rwSource) && !options.dryRun;
  const source = await openMailbox(src, writeSource ? 'write' : 'read', ctx);
  let dest: Mailbox | undefined;
  try {
    if (removesFromSource(options.mode) && !capabilitiesOf(source.format).writable) {
      throw new ReadOnlyMailbox(src.name, `can't ${options.mode} from ${src.name}: it cannot be changed (${source.format}); use copy or append`);
    }
    // a copy into a server mailbox that an interrupted run of this copy left behind carries on
    // (a local one too, with options.resume); `present` is what the destination already holds
    let present: IdentityCounts | undefined;
    if (create && (await mailboxExists(dst, ctx))) present = await refuseExisting(source, dst, ctx, options.resume ?? false);
    const resume = present !== undefined;
    const keepUids = create;
    if (resume) create = false;
    if (!create) dest = await openMailbox(inFormat(dst, options.format), options.dryRun ? 'read' : 'write', ctx);
    if (!resume && dest && options.resume && dst.kind === 'local') present = new IdentityCounts((await identitiesOf(dest)).map(localMatch));
    const destFormat = dest?.format ?? (dst.kind === 'remote' ? remoteFormat(dst) : undefined) ?? options.format ?? dst.createFormat ?? DEFAULT_CREATE_FORMAT;
    const destCaps = capabilitiesOf(destFormat);
    if (options.strict) refuseLoss(source, destFormat, destCaps, keepKeywords, keepUids, dst.name);
    const base = {
      mode: options.mode, source: src.name, destination: dst.name,
      sourceFormat: source.format, destinationFormat: destFormat, created: create,
      uidsKept: create && destCaps.uids && capabilitiesOf(source.format).uids,
    };
    if (options.dryRun) {
      const n = await countMessages(source);
      const there = present ? await countPresent(source, present, matchFor(dst)) : 0;
      return {
        ...base, copied: n - there, removedFromSource: removesFromSource(options.mode) ? n : 0, alreadyThere: there,
        losses: [], changes: [], dryRun: true,
      };
    }
    const plan: AppendPlan = {
      format: destFormat, keepKeywords, strict: options.strict ?? false,
      onProgress: options.onProgress ?? noProgress, copiedUids: removesFromSource(options.mode) ? [] : undefined,
      // a server's append skips what it holds by itself: skipping here too would skip twice
      present: dst.kind === 'local' ? present : undefined, skipped: 0,
    };
    let appended: AppendResult;
    if (dest) {
      appended = await dest.append(feed(source, plan), { keepUids: resume, strict: plan.strict });
      const closing = dest;
      dest = undefined;
      await closing.close();
    } else {
      appended = await createAndAppend(source, dst, ctx, plan);
    }
    let removed = 0;
    if (plan.copiedUids && plan.copiedUids.length > 0) {
      await source.store(plan.copiedUids, { add: { flags: ['\\Deleted'] } });
      removed = await source.expunge(plan.copiedUids);
    }
    return {
      ...base, copied: appended.appended, removedFromSource: removed, alreadyThere: (appended.present ?? 0) + plan.skipped,
      losses: flattenLosses(appended.losses), changes: flattenChanges(appended.changes), dryRun: false,
    };
  } finally {
    await dest?.close();
    await source.close();
  }
}

interface AppendPlan {
  readonly format: FormatName;
  readonly keepKeywords: boolean;
  readonly strict: boolean;
  readonly onProgress: ProgressSink;
  /**
   * Filled with the source UIDs of the messages handed to the destination when they are to be
   * removed from the source (move, appenddelete); a copy keeps nothing per message.
   */
  readonly copiedUids: number[] | undefined;
  /** Messages a local destination already holds (options.resume): not handed to it again. */
  readonly present: IdentityCounts | undefined;
  /** How many messages `present` kept back. */
  skipped: number;
}

/**
 * Creates the destination with the source's UID validity, last UID and keywords, appends
 * every message keeping its UID, and removes the destination again if anything fails.
 */
async function createAndAppend(source: Mailbox, dst: MailboxRef, ctx: StoreContext, plan: AppendPlan): Promise<AppendResult> {
  const meta: Partial<MailboxMeta> = {
    uidValidity: source.meta.uidValidity,
    uidLast: source.meta.uidLast,
    keywords: plan.keepKeywords ? source.meta.keywords : [],
  };
  await createMailbox(dst, ctx, { format: plan.format, meta });
  let dest: Mailbox | undefined;
  try {
    dest = await openMailbox(inFormat(dst, plan.format), 'write', ctx);
    const result = await dest.append(feed(source, plan), { keepUids: true, strict: plan.strict });
    const closing = dest;
    dest = undefined;
    await closing.close();
    return result;
  } catch (e) {
    await dest?.close().catch(() => {});
    await removeCreated(dst, ctx);
    throw e;
  }
}

/**
 * Undoes the create of a failed copy. A server mailbox is removed only while empty: what
 * reached it before a dropped connection stays, and the same command run again carries on.
 */
async function removeCreated(dst: MailboxRef, ctx: StoreContext): Promise<void> {
  try {
    if (dst.kind === 'remote' && (await remoteStatus(dst, ctx)).total > 0) return;
    await deleteMailbox(dst, ctx);
  } catch {
    // the failure that got us here is the one to report
  }
}

async function* feed(source: Mailbox, plan: AppendPlan): AsyncGenerator<NewMessage> {
  let n = 0;
  for await (const m of source.messages()) {
    const text = await m.text();
    n++;
    plan.onProgress({ phase: 'copy', messages: n, bytes: m.position, totalBytes: source.byteSize });
    if (plan.present?.take(localMatch(identityOfText(text, m.internalDate)))) {
      plan.skipped++;
      continue;
    }
    plan.copiedUids?.push(m.uid);
    yield {
      text,
      internalDate: m.internalDate,
      flags: m.flags,
      keywords: plan.keepKeywords ? m.keywords : [],
      uid: m.uid,
    };
  }
}

/** How many of the source's messages `present` holds (a dry run of a resumed copy). */
async function countPresent(source: Mailbox, present: IdentityCounts, match: (identity: string) => string): Promise<number> {
  let n = 0;
  for await (const m of source.messages()) if (present.take(match(identityOfText(await m.text(), m.internalDate)))) n++;
  return n;
}

async function countMessages(box: Mailbox): Promise<number> {
  let n = 0;
  for await (const _ of box.messages()) n++;
  return n;
}

/**
 * The destination with --format as the format of an empty file: mtx and tenex mailboxes are 0 bytes
 * until their first message (as c-client makes them), so only the name can say what they are.
 */
function inFormat(dst: MailboxRef, format: FormatName | undefined): MailboxRef {
  return format && dst.kind === 'local' ? { ...dst, createFormat: format } : dst;
}

/**
 * A copy's destination exists: MailboxExists, unless it is a server mailbox (any mailbox, with
 * `anyStore`) that holds only messages of the source (matched by Message-ID, internal date and
 * size; a local one as localMatch says), which is what an interrupted run of the same copy
 * leaves; then the copy carries on into it: returns what it holds.
 */
async function refuseExisting(source: Mailbox, dst: MailboxRef, ctx: StoreContext, anyStore: boolean): Promise<IdentityCounts> {
  if (dst.kind !== 'remote' && !anyStore) throw new MailboxExists(dst.name);
  const dest = await openMailbox(dst, 'read', ctx);
  const match = matchFor(dst);
  let there: string[];
  try {
    there = (await identitiesOf(dest)).map(match);
  } finally {
    await dest.close();
  }
  const theirs = new IdentityCounts((await identitiesOf(source)).map(match));
  if (!there.every((id) => theirs.take(id))) {
    throw new MailboxExists(dst.name, `mailbox already exists: ${dst.name} (it holds messages that are not in ${source.ref.name}; use append to add to it)`);
  }
  return new IdentityCounts(there);
}

/**
 * What a local destination recognises a message by: its Message-ID and internal date, not its
 * size, because a local format may store a message a little differently (unix adds a final
 * newline and quotes "From " lines, mmdf drops ^A line ends: CopyResult.changes and losses),
 * so that what it read back is a few bytes off what was sent. A message without a Message-ID
 * is still matched by date and size. (A server stores the bytes it is sent: full identities.)
 */
function localMatch(identity: string): string {
  const [seconds, size, ...messageId] = identity.split(' ');
  const id = messageId.join(' ');
  return id ? `${seconds} ${id}` : `${seconds} ${size} `;
}

const matchFor = (dst: MailboxRef): ((identity: string) => string) => (dst.kind === 'local' ? localMatch : (identity) => identity);

async function identitiesOf(box: Mailbox): Promise<string[]> {
  if (box.identities) return box.identities();
  const out: string[] = [];
  for await (const m of box.messages()) out.push(identityOfText(await m.text(), m.internalDate));
  return out;
}

/** --strict: refuse before writing anything when the destination format cannot hold what the source has. */
function refuseLoss(
  source: Mailbox, destFormat: FormatName, dest: FormatCapabilities, keepKeywords: boolean, keepUids: boolean, dstName: string,
): void {
  const src = capabilitiesOf(source.format);
  const problems: string[] = [];
  if (keepKeywords && source.meta.keywords.length > 0 && !dest.keywords) {
    problems.push(`keywords (${source.meta.keywords.join(' ')})`);
  }
  const flags = src.flags.filter((f) => !dest.flags.includes(f));
  if (flags.length > 0) problems.push(`flags ${flags.join(' ')}`);
  if (keepUids && src.uids && !dest.uids) problems.push('UIDs');
  if (src.dateZone && !dest.dateZone) problems.push('the time zones of internal dates');
  if (problems.length > 0) {
    throw new LossyCopy(`--strict: ${dstName} (${destFormat}) cannot hold ${problems.join(', ')}; nothing was written`);
  }
}

/** Refuses to copy a mailbox onto itself (it would be locked against itself, or doubled). */
async function refuseSameMailbox(src: MailboxRef, dst: MailboxRef): Promise<void> {
  if (src.kind === 'remote' && dst.kind === 'remote') {
    const same = src.host.toLowerCase() === dst.host.toLowerCase() && src.port === dst.port && src.service === dst.service &&
      src.user === dst.user && (src.mailbox === dst.mailbox || (/^inbox$/i.test(src.mailbox) && /^inbox$/i.test(dst.mailbox)));
    if (same) throw new UsageError(`source and destination are the same mailbox: ${src.name}`);
    return;
  }
  if (src.kind !== 'local' || dst.kind !== 'local') return;
  const [a, b] = await Promise.all([inspect(src), inspect(dst)]);
  try {
    const [sa, sb] = [fs.statSync(a.ref.path), fs.statSync(b.ref.path)];
    if (sa.dev === sb.dev && sa.ino === sb.ino) {
      throw new UsageError(`source and destination are the same mailbox: ${src.name}`);
    }
  } catch (e) {
    if (e instanceof UsageError) throw e;
    // one of them does not exist yet: they cannot be the same
  }
}

function flattenLosses(losses: AppendResult['losses']): LossReport[] {
  const out: LossReport[] = [];
  for (const [kind, details] of losses) {
    for (const [detail, messages] of details) out.push({ kind, detail, messages });
  }
  return out;
}

function flattenChanges(changes: AppendResult['changes']): ChangeReport[] {
  return [...changes].map(([kind, messages]) => ({ kind, messages }));
}
