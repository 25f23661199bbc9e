// convert-format over several mailboxes, or (--recursive) over every mailbox of a tree: a
// user's mail directory, a spool. Each mailbox is converted on its own (convert.ts); one that
// fails is reported and the others go on. Progress runs over the whole set, by bytes.
import fs from 'node:fs';
import path from 'node:path';
import { MailsmithError, NotAMailbox } from '../errors.js';
import { inspect } from '../store/index.js';
import { listLocal, type LocalListEntry } from '../store/list.js';
import type { MailboxRef, StoreContext } from '../store/types.js';
import { convertMailbox, type ConvertOptions, type ConvertResult } from './convert.js';
import { isConversionArtifact, readyFor } from './convert-files.js';
import { noProgress } from './progress.js';

export interface ConvertManyOptions extends ConvertOptions {
  /** Each name is a tree: convert it and every mailbox below it. */
  readonly recursive?: boolean;
}

export interface ConvertManyResult {
  readonly to: ConvertOptions['to'];
  readonly dryRun: boolean;
  readonly mailboxes: readonly ConvertResult[];
  readonly converted: number;
  readonly skipped: number;
  readonly failed: number;
  readonly planned: number;
}

interface Job {
  readonly ref: MailboxRef;
  /** Bytes on disk, for progress. */
  readonly bytes: number;
  /** Found by a tree walk: something that is no mailbox is noted, not an error. */
  readonly listed: boolean;
}

export async function convertMailboxes(refs: readonly MailboxRef[], ctx: StoreContext, options: ConvertManyOptions): Promise<ConvertManyResult> {
  const jobs: Job[] = [];
  for (const ref of refs) jobs.push(...(options.recursive ? await treeJobs(ref, ctx) : [{ ref, bytes: await sizeOf(ref, ctx), listed: false }]));
  const progress = options.onProgress ?? noProgress;
  const totalBytes = jobs.reduce((n, j) => n + j.bytes, 0);
  let doneBytes = 0;
  let doneMessages = 0;
  const results: ConvertResult[] = [];
  for (const job of jobs) {
    const onProgress = options.onProgress && ((e: { messages: number; bytes: number }) => progress({
      phase: 'convert', messages: doneMessages + e.messages, bytes: doneBytes + Math.min(e.bytes, job.bytes), totalBytes,
    }));
    const result = await convertOne(job, ctx, { ...options, onProgress });
    results.push(result);
    doneBytes += job.bytes;
    doneMessages += result.messages;
    progress({ phase: 'convert', messages: doneMessages, bytes: doneBytes, totalBytes });
  }
  const count = (s: ConvertResult['status']): number => results.filter((r) => r.status === s).length;
  return {
    to: options.to, dryRun: options.dryRun ?? false, mailboxes: results,
    converted: count('converted'), skipped: count('skipped'), failed: count('failed'), planned: count('planned'),
  };
}

async function convertOne(job: Job, ctx: StoreContext, options: ConvertOptions): Promise<ConvertResult> {
  try {
    return await convertMailbox(job.ref, ctx, options);
  } catch (e) {
    if (!(e instanceof MailsmithError)) throw e;
    const base = {
      mailbox: job.ref.name, path: job.ref.kind === 'local' ? job.ref.path : job.ref.name, from: null, to: options.to,
      messages: 0, uidsKept: false, losses: [], changes: [], backup: null, recovered: [],
    };
    // a tree holds files that are no mailboxes (a phile, notes, ...): they are left alone
    if (job.listed && e instanceof NotAMailbox) return { ...base, status: 'skipped', note: e.message };
    return { ...base, status: 'failed', error: { code: e.code, message: e.message } };
  }
}

/** The mailboxes of a tree, parents before children, leaving out what conversions left beside them. */
async function treeJobs(ref: MailboxRef, ctx: StoreContext): Promise<Job[]> {
  if (ref.kind === 'remote') return [{ ref, bytes: 0, listed: false }];
  const { ref: base } = await inspect(ref, ctx);
  const entries = await listLocal(base, ctx, { match: 'tree' });
  const artifacts = entries.filter((e) => isConversionArtifact(path.basename(e.ref.path))).map((e) => e.ref.path);
  const inside = (e: LocalListEntry): boolean => artifacts.some((a) => e.ref.path === a || e.ref.path.startsWith(`${a}/`));
  const jobs: Job[] = [];
  for (const e of entries) {
    if (inside(e) || e.kind === 'directory') continue;
    // the base keeps the name as typed (INBOX stays INBOX)
    const entryRef = e.depth === 0 ? ref : e.ref;
    jobs.push({ ref: entryRef, bytes: treeBytes(e.ref.path), listed: e.depth > 0 });
  }
  // a mailbox whose conversion was stopped between two renames is missing: its run settles it
  for (const e of entries) {
    const name = readyFor(path.basename(e.ref.path));
    const missing = name !== undefined && !fs.existsSync(path.join(path.dirname(e.ref.path), name));
    if (!missing || jobs.some((j) => j.ref.kind === 'local' && j.ref.path === path.join(path.dirname(e.ref.path), name))) continue;
    const settled = { ...e.ref, name: path.posix.join(path.posix.dirname(e.name), name), path: path.join(path.dirname(e.ref.path), name) };
    jobs.push({ ref: settled, bytes: treeBytes(e.ref.path), listed: true });
  }
  return jobs;
}

async function sizeOf(ref: MailboxRef, ctx: StoreContext): Promise<number> {
  if (ref.kind === 'remote') return 0;
  try {
    return treeBytes((await inspect(ref, ctx)).ref.path);
  } catch {
    return 0;
  }
}

/** Bytes of a file, or of the files of a directory mailbox (not of child mailboxes' trees: close enough for progress). */
function treeBytes(p: string): number {
  try {
    const st = fs.statSync(p);
    if (!st.isDirectory()) return st.size;
    let n = 0;
    for (const name of fs.readdirSync(p)) {
      const child = fs.statSync(path.join(p, name), { throwIfNoEntry: false });
      if (child?.isFile()) n += child.size;
      else if (child?.isDirectory() && (name === 'cur' || name === 'new')) n += treeBytes(path.join(p, name));
    }
    return n;
  } catch {
    return 0;
  }
}
