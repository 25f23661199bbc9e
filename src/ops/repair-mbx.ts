// repair-mbx (CLI.md "repair-mbx"): finds every piece of damage in an mbx file and
// saves what can be saved, losing nothing.
//   1. The file is held as c-client holds it to expunge (locking.md 5): /tmp/.DEV.INO
//      exclusive and an exclusive flock, so no other process has it open or can append.
//   2. The mbx driver surveys it (src/drivers/mbx/survey.ts): every problem, in c-client's
//      words, and where every message really is.
//   3. A healthy file is left alone, byte for byte. Otherwise the salvage plan
//      (repair-plan.ts) says what the repaired file holds; bytes that are no message go to
//      NAME.badmsg.N files; the repaired file is written beside the original, flushed, the
//      original kept as NAME.bak-TIMESTAMP (unless --no-backup), and the new file renamed
//      over it while the locks are still held.
//   4. An append that opened the old file just before the rename, and was waiting for the
//      locks, writes into the old file: once the locks are let go the old file is checked,
//      and anything that arrived is saved in one more badmsg file, with a warning.
// --dry-run stops after 2 (and the plan), changing nothing.
import fs from 'node:fs';
import { MailboxNotFound, NotAMailbox, ioError } from '../errors.js';
import { mbxRepairKit, type MbxSurvey, type SurveyProblem } from '../drivers/mbx/index.js';
import { resemblesMbxHeader } from '../drivers/mbx/survey.js';
import { readFully } from '../io/fd.js';
import { inspect } from '../store/index.js';
import type { MailboxRef, StoreContext } from '../store/types.js';
import { noProgress, type ProgressSink } from './progress.js';
import {
  backupName, badmsgNames, createBeside, removeQuietly, replaceKeepingBackup, saveLateAppend, syncAndClose, syncDirectory,
  temporaryName, type BadmsgFile,
} from './repair-files.js';
import { planRepair, type RepairPlan, type SalvageAction } from './repair-plan.js';
import { writeRange, writeRepaired } from './repair-write.js';

export type { BadmsgFile } from './repair-files.js';

export interface RepairOptions {
  /** Survey and plan only; change nothing. */
  readonly dryRun?: boolean;
  /** Keep the original as NAME.bak-TIMESTAMP (default true). */
  readonly backup?: boolean;
  readonly onProgress?: ProgressSink;
}

/**
 * A piece of the original file and where it went: the header block (kept or rewritten),
 * a run of messages kept as they were, one message whose header line was rewritten, or
 * bytes set aside. The segments tile the original file from 0 to its size.
 */
export interface RepairSegment {
  readonly offset: number;
  readonly length: number;
  readonly kind: 'header' | 'messages' | 'message' | 'badmsg';
  /** 'messages': how many. */
  readonly count?: number;
  /** 'message': the length of its original header line (the text follows it). */
  readonly lineLength?: number;
  /** 'badmsg': the file the bytes went to. */
  readonly file?: string;
}

export interface RepairResult {
  readonly mailbox: string;
  readonly path: string;
  readonly dryRun: boolean;
  /** No damage: the file was left as it was. */
  readonly healthy: boolean;
  /** Messages in the repaired (or healthy) file, expunged ones awaiting reclamation included. */
  readonly messages: number;
  readonly problems: readonly SurveyProblem[];
  readonly actions: readonly SalvageAction[];
  readonly badmsg: readonly BadmsgFile[];
  /** Messages whose header line was written anew. */
  readonly repairedMessages: number;
  readonly renumbered: number;
  readonly headerRebuilt: boolean;
  /** NAME.bak-TIMESTAMP, when a repair kept the original. */
  readonly backup: string | null;
  readonly bytes: { readonly before: number; readonly after: number };
  readonly segments: readonly RepairSegment[];
}

export async function repairMbx(ref: MailboxRef, ctx: StoreContext, options: RepairOptions = {}): Promise<RepairResult> {
  const { ref: local, found } = await inspect(ref, ctx);
  const name = local.name;
  if (found.kind === 'missing') throw new MailboxNotFound(name);
  if (found.kind === 'directory' || (found.kind === 'mailbox' && found.driver.kind === 'directory')) {
    throw new NotAMailbox(name, `${name} is a directory, not an mbx file`);
  }
  if (found.kind === 'empty-file') throw new NotAMailbox(name, `${name} is an empty file, not an mbx file`);
  const claimedBy = found.kind === 'mailbox' ? found.driver.format : undefined;
  if (claimedBy !== undefined && claimedBy !== 'mbx' && claimedBy !== 'phile' && !(await startsLikeMbx(local.path))) {
    throw new NotAMailbox(name, `${name} is a ${claimedBy} mailbox, not mbx: repair-mbx repairs mbx files only`);
  }
  const progress = options.onProgress ?? noProgress;
  const lock = await mbxRepairKit.lockForReplacement(local.path, name, ctx.lockTimeoutMs);
  try {
    const survey = await mbxRepairKit.survey(lock.fd, lock.size, name, {
      onProgress: (offset) => progress({ phase: 'scan', messages: 0, bytes: offset, totalBytes: lock.size }),
    });
    if (!survey.header.recognised && !(await startsLikeMbx(local.path)) && survey.messages.count === 0) {
      throw new NotAMailbox(name, `${name} is not an mbx file: no mbx header block and no mbx message lines in it`);
    }
    const base = { mailbox: name, path: local.path, dryRun: options.dryRun ?? false, problems: survey.problems };
    if (survey.problems.length === 0) {
      return {
        ...base, healthy: true, messages: survey.messages.count, actions: [], badmsg: [], repairedMessages: 0, renumbered: 0,
        headerRebuilt: false, backup: null, bytes: { before: lock.size, after: lock.size }, segments: segmentsOf(survey, undefined, []),
      };
    }
    const mtime = fs.fstatSync(lock.fd).mtime;
    const plan = await planRepair(survey, {
      now: ctx.now(),
      mtime,
      readAt: async (offset, length) => {
        const b = Buffer.alloc(length);
        return b.subarray(0, await readFully(lock.fd, b, 0, length, offset));
      },
    });
    const names = badmsgNames(local.path, plan.setAside.length);
    const badmsg: BadmsgFile[] = plan.setAside.map((s, k) => ({ file: names[k]!, offset: s.offset, length: s.length, what: s.what }));
    const outcome = {
      ...base, healthy: false, messages: plan.order.length, actions: withFiles(plan, badmsg), repairedMessages: plan.lines.size,
      renumbered: plan.renumbered, headerRebuilt: plan.headerRebuilt, segments: segmentsOf(survey, plan, badmsg),
    };
    if (options.dryRun) return { ...outcome, badmsg, backup: null, bytes: { before: lock.size, after: repairedSize(survey, plan) } };

    const written = await writeAll(local.path, name, lock.fd, survey, plan, badmsg, progress);
    const backup = options.backup === false ? null : backupName(local.path, ctx.now());
    try {
      replaceKeepingBackup(written.temp, local.path, backup);
    } catch (e) {
      removeQuietly(written.temp);
      for (const b of badmsg) removeQuietly(b.file);
      throw ioError(e, `can't replace ${name} with its repaired copy`);
    }
    syncDirectory(local.path.slice(0, local.path.lastIndexOf('/')) || '/');
    // the new file is in place: what is appended from now on goes there
    const settled = await lock.releaseAndSettle(ctx.lockTimeoutMs);
    const late = settled > lock.size ? [await saveLateAppend(local.path, name, lock.fd, lock.size, settled, ctx.warn)] : [];
    return { ...outcome, badmsg: [...badmsg, ...late], backup, bytes: { before: lock.size, after: written.size } };
  } finally {
    lock.close();
  }
}

/** A file whose first bytes are `*mbx*`, or nearly c-client's whole probe: an mbx file however damaged the rest of its header is. */
async function startsLikeMbx(file: string): Promise<boolean> {
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY);
    try {
      const b = Buffer.alloc(25);
      const got = await readFully(fd, b, 0, b.length, 0);
      return b.toString('latin1', 0, 5) === '*mbx*' || resemblesMbxHeader(b.subarray(0, got));
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return false;
  }
}

/** The badmsg files first, then the repaired file beside the mailbox; each flushed. */
async function writeAll(
  file: string, name: string, src: number, survey: MbxSurvey, plan: RepairPlan, badmsg: readonly BadmsgFile[], progress: ProgressSink,
): Promise<{ temp: string; size: number }> {
  const made: string[] = [];
  try {
    for (const b of badmsg) {
      const fd = createBeside(file, b.file, b.file);
      made.push(b.file);
      try {
        await writeRange(src, fd, b.offset, b.length, b.file);
      } finally {
        await syncAndClose(fd, b.file);
      }
    }
    const temp = temporaryName(file);
    const fd = createBeside(file, temp, `a repaired copy of ${name}`);
    made.push(temp);
    let size: number;
    try {
      size = await writeRepaired(src, fd, survey, plan, `the repaired copy of ${name}`, (done) =>
        progress({ phase: 'repair', messages: done, bytes: done, totalBytes: plan.order.length }));
      const st = fs.fstatSync(src);
      fs.futimesSync(fd, st.atime, st.mtime);
    } finally {
      await syncAndClose(fd, `the repaired copy of ${name}`);
    }
    return { temp, size };
  } catch (e) {
    for (const f of made) removeQuietly(f);
    throw e;
  }
}

/** The plan's actions, with the badmsg file each set-aside range goes to. */
function withFiles(plan: RepairPlan, badmsg: readonly BadmsgFile[]): SalvageAction[] {
  const saved = badmsg.map((b) => ({
    offset: b.offset,
    text: `${b.what === 'header' ? 'the old header block' : `bytes ${b.offset}-${b.offset + b.length - 1}`} (${b.length} bytes) saved in ${b.file}`,
  }));
  return [...plan.actions, ...saved].sort((a, b) => a.offset - b.offset);
}

function repairedSize(survey: MbxSurvey, plan: RepairPlan): number {
  const { messages } = survey;
  let size = mbxRepairKit.HEADER_SIZE;
  for (const i of plan.order) {
    const line = plan.lines.get(i);
    // a new line: 26-byte date, comma, the size's digits, the 22-byte status field, CRLF
    size += (line ? 26 + 1 + String(line.size).length + 22 + 2 : messages.lineLength(i)) + messages.size(i);
  }
  return size;
}

/** Where every byte of the original file went (see RepairSegment). */
function segmentsOf(survey: MbxSurvey, plan: RepairPlan | undefined, badmsg: readonly BadmsgFile[]): RepairSegment[] {
  const out: RepairSegment[] = [];
  const headerFile = badmsg.find((b) => b.what === 'header');
  if (survey.headerLength > 0) {
    out.push(headerFile
      ? { offset: 0, length: survey.headerLength, kind: 'badmsg', file: headerFile.file }
      : { offset: 0, length: survey.headerLength, kind: 'header' });
  }
  const { messages } = survey;
  const garbage = badmsg.filter((b) => b.what === 'garbage');
  let g = 0;
  const flushGarbageBefore = (offset: number): void => {
    while (g < survey.garbage.length && survey.garbage[g]!.offset < offset) {
      const r = survey.garbage[g]!;
      out.push({ offset: r.offset, length: r.length, kind: 'badmsg', file: garbage[g]?.file });
      g++;
    }
  };
  for (let i = 0; i < messages.count; i++) {
    const offset = messages.offset(i);
    flushGarbageBefore(offset);
    const length = messages.end(i) - offset;
    const last = out[out.length - 1];
    if (plan?.lines.has(i)) {
      out.push({ offset, length, kind: 'message', lineLength: messages.lineLength(i) });
    } else if (last?.kind === 'messages' && last.offset + last.length === offset) {
      out[out.length - 1] = { ...last, length: last.length + length, count: last.count! + 1 };
    } else {
      out.push({ offset, length, kind: 'messages', count: 1 });
    }
  }
  flushGarbageBefore(Infinity);
  return out;
}
