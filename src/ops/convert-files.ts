// The names convert-format makes beside a mailbox NAME, and the swap that puts the new
// mailbox in place so that NAME holds, at every instant, either the old mailbox intact or
// the new one complete:
//
//   .NAME.convert-to-FMT-PID     the new mailbox being built (maybe incomplete)
//   .NAME.convert-ready-FMT-PID  the new mailbox, complete, flushed and verified
//   .NAME.convert-old-FMT-PID    the old mailbox after the swap, being removed (--no-backup)
//   NAME.bak-TIMESTAMP           the old mailbox kept (repair-files.ts names it)
//
// The swap: a file replacing a file is one rename (after a hard link keeps the old one as the
// backup). When a directory is involved, renameat2(RENAME_EXCHANGE) swaps "ready" and NAME
// in one step; the old mailbox, now under the "ready" name, is then renamed to the backup (or
// to "old" and removed). Where the file system cannot exchange, NAME is renamed to the backup
// and "ready" to NAME: only between those two renames is NAME missing, and "ready" then
// always holds the complete new mailbox.
//
// A conversion killed at any point leaves one of these states, which the next run (and
// `check`, which lists them) finds by the names, before anything else:
//   "to" left over           the build never finished: removed.
//   "ready", NAME not in FMT  killed before the swap: removed (NAME is the old mailbox, intact).
//   "ready", NAME in FMT      killed after an exchange: "ready" is the old mailbox: kept as backup.
//   "ready", NAME missing     killed between the two-step renames: "ready" is renamed to NAME.
//   "old" left over           the new mailbox is in place; the old one was being removed: removed.
//   a backup that is a hard link to NAME itself (killed between link and rename): unlinked.
// Names whose PID is a running process belong to a conversion in progress: left alone.
import fs from 'node:fs';
import path from 'node:path';
import { MailboxLocked, MailsmithError, ioError } from '../errors.js';
import type { FormatName } from '../store/types.js';
import { exchangePaths, syncFilesystem } from '../io/native.js';
import { backupName, removeQuietly, replaceKeepingBackup, syncDirectory } from './repair-files.js';

export type LeftoverStage = 'to' | 'ready' | 'old';

export interface Leftover {
  readonly path: string;
  readonly stage: LeftoverStage;
  readonly format: FormatName;
  readonly pid: number;
}

const LEFTOVER = /^\.(.+)\.convert-(to|ready|old)-([a-z]+)-(\d+)$/;
const BACKUP = /\.bak-\d{8}T\d{6}Z(-\d+)?$/;

/** A name convert-format (or repair-mbx) made beside a mailbox: not a mailbox to convert. */
export function isConversionArtifact(basename: string): boolean {
  return LEFTOVER.test(basename) || BACKUP.test(basename);
}

/** The mailbox a leftover "ready" name would complete (its basename), if the name is one. */
export function readyFor(basename: string): string | undefined {
  const m = LEFTOVER.exec(basename);
  return m && m[2] === 'ready' ? m[1] : undefined;
}

export function stageName(mailboxPath: string, stage: LeftoverStage, format: FormatName, pid = process.pid): string {
  return path.join(path.dirname(mailboxPath), `.${path.basename(mailboxPath)}.convert-${stage}-${format}-${pid}`);
}

/** What earlier conversions of this mailbox left beside it. */
export function findLeftovers(mailboxPath: string): Leftover[] {
  const dir = path.dirname(mailboxPath);
  const base = path.basename(mailboxPath);
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: Leftover[] = [];
  for (const n of names) {
    const m = LEFTOVER.exec(n);
    if (!m || m[1] !== base) continue;
    out.push({ path: path.join(dir, n), stage: m[2] as LeftoverStage, format: m[3] as FormatName, pid: Number(m[4]) });
  }
  return out;
}

function running(pid: number): boolean {
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Recovery {
  /** What was done, one line each, for the report. */
  readonly actions: string[];
}

/**
 * Brings NAME back to a settled state after an interrupted conversion (see the table at the
 * top). formatOf says what NAME holds now (undefined: missing or not a mailbox).
 * dryRun: only says what it would do.
 */
export async function recoverLeftovers(
  mailboxPath: string, name: string, formatOf: (p: string) => Promise<FormatName | undefined>, now: Date, dryRun: boolean,
): Promise<Recovery> {
  const actions: string[] = [];
  for (const l of findLeftovers(mailboxPath)) {
    if (running(l.pid)) {
      throw new MailboxLocked(name, `${name} is being converted by process ${l.pid} (${path.basename(l.path)})`);
    }
    const current = fs.existsSync(mailboxPath) ? await formatOf(mailboxPath) : undefined;
    const missing = !fs.existsSync(mailboxPath);
    if (l.stage === 'ready' && missing) {
      actions.push(`finished an interrupted conversion: ${path.basename(l.path)} renamed to ${name}`);
      if (!dryRun) renameOrFail(l.path, mailboxPath, name);
    } else if (l.stage === 'ready' && current === l.format) {
      const backup = backupName(mailboxPath, now);
      actions.push(`an interrupted conversion left the old mailbox as ${path.basename(l.path)}: kept as ${backup}`);
      if (!dryRun) renameOrFail(l.path, backup, name);
    } else {
      const why = l.stage === 'old' ? 'the old mailbox of a finished conversion' : 'an unfinished conversion';
      actions.push(`removed ${path.basename(l.path)} (${why})`);
      if (!dryRun) removeTree(l.path);
    }
  }
  for (const b of linkedBackups(mailboxPath)) {
    actions.push(`removed ${path.basename(b)} (a second name for ${name} itself, left by an interrupted conversion)`);
    if (!dryRun) removeQuietly(b);
  }
  if (actions.length > 0 && !dryRun) syncDirectory(path.dirname(mailboxPath));
  return { actions };
}

/** NAME.bak-* files that are hard links to the file NAME (made just before a swap that never happened). */
function linkedBackups(mailboxPath: string): string[] {
  let st: fs.Stats;
  try {
    st = fs.statSync(mailboxPath);
  } catch {
    return [];
  }
  if (!st.isFile() || st.nlink < 2) return [];
  const dir = path.dirname(mailboxPath);
  const prefix = `${path.basename(mailboxPath)}.bak-`;
  return fs.readdirSync(dir)
    .filter((n) => n.startsWith(prefix) && BACKUP.test(n))
    .map((n) => path.join(dir, n))
    .filter((p) => {
      const b = fs.statSync(p, { throwIfNoEntry: false });
      return b !== undefined && b.ino === st.ino && b.dev === st.dev;
    });
}

function renameOrFail(from: string, to: string, name: string): void {
  try {
    fs.renameSync(from, to);
  } catch (e) {
    throw ioError(e, `can't rename ${from} to ${to} while settling ${name}`);
  }
}

/** Removes a file or a whole directory tree; a missing one is fine. */
export function removeTree(p: string): void {
  fs.rmSync(p, { recursive: true, force: true });
}

/**
 * Gives what was built the original's owner (when allowed: only root may) and, for a file,
 * its permissions, so that converting another user's mailbox as root leaves it theirs.
 */
export function takeOwnership(built: string, original: string): void {
  const st = fs.statSync(original);
  const visit = (p: string): void => {
    try {
      fs.lchownSync(p, st.uid, st.gid);
    } catch {
      // only root may give a file away; ours belongs to us, as the original does
    }
    const s = fs.lstatSync(p);
    if (s.isDirectory()) for (const n of fs.readdirSync(p)) visit(path.join(p, n));
  };
  visit(built);
  if (st.isFile() && fs.statSync(built).isFile()) fs.chmodSync(built, st.mode & 0o7777);
}

export interface Swapped {
  /** The old mailbox's new name, when kept. */
  readonly backup: string | null;
}

/**
 * Puts `ready` (complete, flushed, verified) in place of NAME, keeping the old mailbox as a
 * backup unless backup is false. The caller holds the old mailbox's locks. Throws only when
 * nothing was swapped: NAME is then still the old mailbox and `ready` the new one.
 */
export function swapIntoPlace(ready: string, mailboxPath: string, format: FormatName, keepBackup: boolean, now: Date): Swapped {
  const dir = path.dirname(mailboxPath);
  const oldIsFile = fs.statSync(mailboxPath).isFile();
  const newIsFile = fs.statSync(ready).isFile();
  const backup = keepBackup ? backupName(mailboxPath, now) : null;
  if (oldIsFile && newIsFile) {
    try {
      replaceKeepingBackup(ready, mailboxPath, backup);
    } catch (e) {
      throw ioError(e, `can't put the converted mailbox in place of ${mailboxPath}`);
    }
    syncDirectory(dir);
    return { backup };
  }
  const err = exchangePaths(ready, mailboxPath);
  if (err === 0) {
    // NAME is the new mailbox; the old one is under the "ready" name
    syncDirectory(dir);
    const aside = backup ?? stageName(mailboxPath, 'old', format);
    try {
      fs.renameSync(ready, aside);
    } catch {
      // the conversion is done; the old mailbox stays under the "ready" name (the next run keeps it as a backup)
      return { backup: ready };
    }
    syncDirectory(dir);
    if (!backup) removeTree(aside);
    return { backup };
  }
  // no exchange here: two renames, "ready" completes NAME if we are stopped between them
  const aside = backup ?? stageName(mailboxPath, 'old', format);
  try {
    fs.renameSync(mailboxPath, aside);
  } catch (e) {
    throw ioError(e, `can't move ${mailboxPath} aside`);
  }
  try {
    fs.renameSync(ready, mailboxPath);
  } catch (e) {
    fs.renameSync(aside, mailboxPath);
    throw ioError(e, `can't put the converted mailbox in place of ${mailboxPath}`);
  }
  syncDirectory(dir);
  if (!backup) removeTree(aside);
  return { backup };
}

/**
 * Makes what was built durable before it replaces the mailbox: the drivers flush their own
 * files, and one syncfs(2) covers every file and directory entry of a new tree at once.
 */
export function flushBuilt(p: string): void {
  const fd = fs.openSync(p, fs.constants.O_RDONLY);
  try {
    const err = syncFilesystem(fd);
    if (err !== 0) throw new MailsmithError('io', `can't flush ${p} to disk: syncfs failed (errno ${err})`);
  } finally {
    fs.closeSync(fd);
  }
  syncDirectory(path.dirname(p));
}
