// The files repair-mbx makes beside a mailbox: NAME.badmsg.N for bytes that could not
// be made into messages (numbered on from any a previous repair left), the repaired file
// under a temporary name until it replaces the mailbox, and NAME.bak-TIMESTAMP, the
// original kept under a second name (a hard link: no copy, and the mailbox's name never
// stops pointing at a whole file).
import fs from 'node:fs';
import path from 'node:path';
import { ioError } from '../errors.js';
import { fsync } from '../io/fd.js';
import { writeRange } from './repair-write.js';

export interface BadmsgFile {
  readonly file: string;
  /** Where the bytes were in the original file. */
  readonly offset: number;
  readonly length: number;
  /** A damaged header block, bytes that are no message, or an append that reached the old file during the repair. */
  readonly what: 'header' | 'garbage' | 'late-append';
}

/** A new file beside `target`, with its permissions and (when allowed) its owner. */
export function createBeside(target: string, file: string, what: string): number {
  const st = fs.statSync(target);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDWR | fs.constants.O_CREAT | fs.constants.O_EXCL, st.mode & 0o7777);
    fs.fchmodSync(fd, st.mode & 0o7777);
  } catch (e) {
    throw ioError(e, `can't create ${what}`);
  }
  try {
    fs.fchownSync(fd, st.uid, st.gid);
  } catch {
    // only root may give a file away; ours belongs to us, as the mailbox does
  }
  return fd;
}

/** The next `count` free names NAME.badmsg.N, N counting on from the highest one present. */
export function badmsgNames(mailboxPath: string, count: number): string[] {
  const dir = path.dirname(mailboxPath);
  const prefix = `${path.basename(mailboxPath)}.badmsg.`;
  let highest = 0;
  for (const entry of fs.readdirSync(dir)) {
    if (!entry.startsWith(prefix)) continue;
    const n = entry.slice(prefix.length);
    if (/^[1-9]\d*$/.test(n)) highest = Math.max(highest, Number(n));
  }
  return Array.from({ length: count }, (_, k) => path.join(dir, `${prefix}${highest + k + 1}`));
}

/** NAME.bak-YYYYMMDDTHHMMSSZ (UTC), with -2, -3 ... when that name is taken. */
export function backupName(mailboxPath: string, now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const base = `${mailboxPath}.bak-${stamp}`;
  let name = base;
  for (let n = 2; fs.existsSync(name); n++) name = `${base}-${n}`;
  return name;
}

/**
 * Renames `temp` over `target`, keeping the original first as `backup` (a hard link: the name
 * `target` never stops pointing at a whole file) when one is given. On failure the backup name
 * is removed again and the error thrown: `target` is then as it was.
 */
export function replaceKeepingBackup(temp: string, target: string, backup: string | null): void {
  if (backup) fs.linkSync(target, backup);
  try {
    fs.renameSync(temp, target);
  } catch (e) {
    if (backup) removeQuietly(backup);
    throw e;
  }
}

export function temporaryName(mailboxPath: string): string {
  return path.join(path.dirname(mailboxPath), `.${path.basename(mailboxPath)}.repair-${process.pid}`);
}

export async function syncAndClose(fd: number, what: string): Promise<void> {
  try {
    await fsync(fd);
  } catch (e) {
    throw ioError(e, `can't flush ${what} to disk`);
  } finally {
    fs.closeSync(fd);
  }
}

/** Flushes a directory, so that names made or changed in it survive a crash. */
export function syncDirectory(dir: string): void {
  try {
    const fd = fs.openSync(dir, fs.constants.O_RDONLY);
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    // the names are made; flushing the directory only makes them durable sooner
  }
}

export function removeQuietly(file: string): void {
  try {
    fs.unlinkSync(file);
  } catch {
    // already gone
  }
}

/**
 * Bytes an append wrote into the old file (open on fd) between `from` and `to` while it was
 * being replaced (repaired, or converted by convert-format): saved in the next badmsg file,
 * and the user told.
 */
export async function saveLateAppend(
  file: string, name: string, fd: number, from: number, to: number, warn: (text: string) => void, activity = 'repaired',
): Promise<BadmsgFile> {
  const [target] = badmsgNames(file, 1);
  const out = createBeside(file, target!, target!);
  try {
    await writeRange(fd, out, from, to - from, target!);
  } finally {
    await syncAndClose(out, target!);
  }
  warn(`${to - from} bytes were appended to ${name} while it was being ${activity}; they are in ${target} `
    + `(${activity === 'repaired' ? 'mbx header lines' : 'header lines of the old format'} and texts: append them again with mailutil or mailsmith)`);
  return { file: target!, offset: from, length: to - from, what: 'late-append' };
}
