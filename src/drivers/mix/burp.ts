// Reclaiming the space of expunged messages ("burping", formats-dir.md 2.12),
// only while holding the exclusive .mixmeta lock. c-client slides the
// surviving messages down inside each data file, which leaves the index
// pointing at moved bytes if it is interrupted; mailsmith copies them into a
// new data file instead, and removes or cuts the old files only after the
// index that points at the new places is on disk. Until then every file is as
// it was, so an interruption at any point loses nothing (an unreferenced
// file left behind is removed by the next burp, c-client's or ours).
import fs, { promises as fsp } from 'node:fs';
import { ioError } from '../../errors.js';
import { fsync, readFully, writeBehind } from '../../io/fd.js';
import { syncDirectory } from './persist.js';
import { tuning } from './tuning.js';
import { dataFileName, dataFileNumber, dataFilePath } from './names.js';
import { nextSequence } from './numbers.js';
import type { MessageTable } from './table.js';

interface Range {
  first: number;
  last: number;
}

export interface Burp {
  /** Bytes no longer used once finish() has run. */
  readonly reclaimed: number;
  /** Some message has a new data file and position: the index must be rewritten. */
  readonly moved: boolean;
  /** Removes and cuts the old files; call only after the index is on disk. */
  finish(): Promise<void>;
  /** Removes the new files; call when the index could not be written. */
  abandon(): Promise<void>;
}

/**
 * Plans and does the copying part of a burp of the data files of `dir` for the messages of
 * `table` (the survivors of an expunge), whose locations it updates. Undefined when c-client
 * would not burp at all (a message in a missing file, or messages overlapping).
 */
export async function burp(
  dir: string, table: MessageTable, current: number, now: Date, warn: (text: string) => void,
): Promise<Burp | undefined> {
  const files = (await fsp.readdir(dir))
    .map((e) => dataFileNumber(e))
    .filter((n): n is number => n !== undefined)
    .sort((a, b) => a - b);
  if (files.length === 0) {
    warn('No mix message files found during expunge');
    return undefined;
  }
  const ranges = new Map<number, Range[]>(files.map((f) => [f, []]));
  const members = new Map<number, number[]>();
  for (let i = 0; i < table.count; i++) {
    const set = ranges.get(table.fileAt(i));
    if (!set) {
      warn(`Can't locate mix message file ${table.fileAt(i).toString(16).padStart(8, '0')}`);
      return undefined;
    }
    const start = table.posAt(i);
    const tail = set[set.length - 1];
    if (tail && start < tail.last) {
      warn(`Backwards-running mix index ${start} < ${tail.last}`);
      return undefined;
    }
    if (tail && start === tail.last) tail.last = start + table.extentAt(i);
    else set.push({ first: start, last: start + table.extentAt(i) });
    let list = members.get(table.fileAt(i));
    if (!list) members.set(table.fileAt(i), (list = []));
    list.push(i);
  }

  const later: (() => Promise<void>)[] = [];
  const created: string[] = [];
  let reclaimed = 0;
  let moved = false;
  let highest = Math.max(current, ...files);
  for (const file of files) {
    const set = ranges.get(file)!;
    const name = dataFileName(file);
    const p = dataFilePath(dir, file);
    if (set.length === 0) {
      if (file !== current || (await fsp.stat(p)).size > 0) later.push(() => removeEmpty(p, name, file === current, warn));
      continue;
    }
    const size = (await fsp.stat(p)).size;
    const short = set.find((r) => r.last > size);
    if (short) {
      warn(`Unexpected short mix message file ${name} ${size} < ${short.last}`);
      continue;
    }
    if (set.length === 1 && set[0]!.first === 0) {
      const end = set[0]!.last;
      if (end < size) {
        reclaimed += size - end;
        later.push(() => cut(p, name, end, warn));
      }
      continue;
    }
    let into: { file: number; size: number } | undefined;
    try {
      into = await copyRanges(dir, p, set, (highest = nextSequence(highest, now)), warn);
    } catch (e) {
      // reclaiming is optional: a full disk leaves the file as it is, for a later burp
      warn(ioError(e, `Can't reclaim the space in mix message file ${name}`).message);
      continue;
    }
    if (!into) continue;
    highest = into.file;
    created.push(dataFilePath(dir, into.file));
    reclaimed += size - into.size;
    moved = true;
    let pos = 0;
    for (const i of members.get(file)!) {
      table.setLocation(i, into.file, pos);
      pos += table.extentAt(i);
    }
    later.push(() => removeEmpty(p, name, file === current, warn));
  }
  if (created.length > 0) await syncDirectory(dir);
  return {
    reclaimed,
    moved,
    finish: async () => {
      for (const step of later) await step();
    },
    abandon: async () => {
      for (const p of created) await fsp.rm(p, { force: true });
    },
  };
}

/**
 * Copies the ranges, each starting with a ":msg:" line, one after the other into a new data file
 * numbered `from` or the next free number; undefined (and a warning) when a range does not
 * start with the token, as c-client refuses to burp such a file.
 */
async function copyRanges(
  dir: string, p: string, set: readonly Range[], from: number, warn: (text: string) => void,
): Promise<{ file: number; size: number } | undefined> {
  const src = fs.openSync(p, fs.constants.O_RDONLY);
  let dst: number | undefined;
  let file = from;
  try {
    const token = Buffer.alloc(5);
    for (const r of set) {
      if ((await readFully(src, token, 0, 5, r.first)) !== 5 || token.toString('latin1') !== ':msg:') {
        warn(`Bad message token in mix message file at ${r.first}`);
        return undefined;
      }
    }
    const mode = fs.fstatSync(src).mode & 0o7777;
    for (;;) {
      try {
        dst = fs.openSync(dataFilePath(dir, file), fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, mode);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(e, `can't reclaim space in ${dataFileName(file)}`);
        file++;
      }
    }
    fs.fchmodSync(dst, mode);
    const buf = Buffer.allocUnsafe(tuning.chunkSize);
    let at = 0;
    for (const r of set) {
      for (let from = r.first; from < r.last;) {
        const n = await readFully(src, buf, 0, Math.min(buf.length, r.last - from), from);
        await writeBehind(dst, buf, 0, n, at);
        from += n;
        at += n;
      }
    }
    await fsync(dst);
    return { file, size: at };
  } catch (e) {
    if (dst !== undefined) {
      fs.closeSync(dst);
      dst = undefined;
      fs.rmSync(dataFilePath(dir, file), { force: true });
    }
    throw e;
  } finally {
    if (dst !== undefined) fs.closeSync(dst);
    fs.closeSync(src);
  }
}

/** A data file nobody needs any more is removed, except the current one, which is emptied. */
async function removeEmpty(p: string, name: string, isCurrent: boolean, warn: (text: string) => void): Promise<void> {
  try {
    if (isCurrent) await fsp.truncate(p, 0);
    else await fsp.unlink(p);
  } catch (e) {
    warn(ioError(e, `Can't delete empty message file ${name}`).message);
  }
}

async function cut(p: string, name: string, length: number, warn: (text: string) => void): Promise<void> {
  try {
    await fsp.truncate(p, length);
  } catch (e) {
    warn(ioError(e, `Error truncating mix message file ${name}`).message);
  }
}
