// mtx and tenex files as wholes: probe, create, delete, rename (formats-flat.md
// 5.1, 5.4, 6; locking.md 6).
import fs from 'node:fs';
import { createExclusive } from '../../io/fd.js';
import type { LocalRef, StoreContext } from '../../store/types.js';
import { MAX_LINE } from './header-line.js';
import type { Layout } from './layout.js';
import * as inode from '../shared/inode-locks.js';
import { probeFile } from '../shared/probe-file.js';

const CR = 0x0d;
const LF = 0x0a;

/** strchr(3) from `from`: the first `ch` before a NUL, or -1. */
function cStrchr(buf: Uint8Array, from: number, ch: number): number {
  for (let i = from; i < buf.length && buf[i] !== 0; i++) if (buf[i] === ch) return i;
  return -1;
}

/**
 * c-client's validity test on the first 64 bytes, read into a zeroed buffer and looked at as C
 * strings: a first line ending in CR LF (mtx) or in a LF without CR (tenex), `-` at 2 and 6 or at
 * 1 and 5, a `,` from index 18 on and a `;` at least two bytes after it. The searches run on past
 * the end of a short line, as c-client's do. An empty file is not claimed (the store treats it).
 */
export function looksLikeFamily(layout: Layout, first: Uint8Array): boolean {
  const tmp = new Uint8Array(1024);
  tmp.set(first.subarray(0, MAX_LINE));
  let end: number;
  if (layout.lfText) {
    end = cStrchr(tmp, 0, LF);
    if (end < 0 || (end > 0 && tmp[end - 1] === CR)) return false;
  } else {
    end = cStrchr(tmp, 0, CR);
    if (end < 0 || tmp[end + 1] !== LF) return false;
  }
  tmp[end] = 0;
  const dash = (a: number, b: number): boolean => tmp[a] === 0x2d && tmp[b] === 0x2d;
  if (!dash(2, 6) && !dash(1, 5)) return false;
  const comma = cStrchr(tmp, 18, 0x2c);
  return comma >= 0 && cStrchr(tmp, comma + 2, 0x3b) >= 0;
}

export function probeFamily(layout: Layout, path: string): Promise<boolean> {
  return probeFile(path, (fd) => {
    if (!fs.fstatSync(fd).isFile()) return false;
    const buf = Buffer.alloc(MAX_LINE);
    const n = fs.readSync(fd, buf, 0, MAX_LINE, 0);
    return n > 0 && looksLikeFamily(layout, buf.subarray(0, n));
  });
}

/**
 * c-client makes a new mtx or tenex mailbox as an empty file (mode 0600 here): its format shows only
 * once it holds a message, so the first append must name it (`#driver.mtx/NAME`).
 */
export async function createFamily(ref: LocalRef): Promise<void> {
  fs.closeSync(createExclusive(ref.path, ref.name));
}

/** Runs fn while nobody else has the file open, as c-client's mtx_rename/tenex_rename. */
function withWholeFile(ref: LocalRef, ctx: StoreContext, what: string, fn: () => void): Promise<void> {
  const errors = { open: `Can't open mailbox ${ref.name}`, change: `Can't ${what} mailbox ${ref.name}` };
  return inode.withWholeFile(ref, ctx.lockTimeoutMs, errors, fn);
}

export async function deleteFamily(ref: LocalRef, ctx: StoreContext): Promise<void> {
  await withWholeFile(ref, ctx, 'delete', () => fs.unlinkSync(ref.path));
}

/** Renames the file; renaming INBOX leaves a new, empty INBOX behind, as c-client does. */
export async function renameFamily(from: LocalRef, to: LocalRef, ctx: StoreContext): Promise<void> {
  await withWholeFile(from, ctx, 'rename', () => fs.renameSync(from.path, to.path));
  if (from.isInbox) await createFamily(from);
}
