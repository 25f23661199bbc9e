// Listing a local hierarchy, as c-client's LIST does it (naming.md 9, 10):
//
//   const entries = await listLocal(base, ctx);                    // every name starting with base.name
//   const tree = await listLocal(base, ctx, { match: 'tree' });    // base and everything below it
//
// `base` is a resolved local name (resolveName(..., 'open')). In 'prefix' mode (transfer:
// c-client's reference SOURCE with pattern "*") the walk starts in the directory part of the
// name and takes every entry whose name starts with what follows the last "/": `x/src` also
// finds `x/srcsibling`, `x/src/` only what is inside x/src. In 'tree' mode (convert-format
// --recursive) it is base itself, when it exists, and everything inside it.
//
// Each entry says what the name holds:
//   kind 'mailbox'      a mailbox in `format` (directory formats too: mix, mx, mh, maildir)
//   kind 'empty-file'   a zero-length file: an empty mailbox of no format yet (c-client's dummy)
//   kind 'directory'    a plain directory: a \NoSelect hierarchy node, never opened
//   kind 'unknown-file' a non-empty file no driver claims
// `hasChildren` is true when a directory (plain, or a directory-format mailbox holding child
// mailboxes next to its own files: "dual use") has entries that are not the format's own;
// Driver.isInternal hides those (.mixmeta, .mxindex, MH message numbers, Maildir's cur/new/tmp).
// `ref` opens, creates or deletes the entry through src/store/index.ts; `name` is the user's
// spelling of the prefix plus the path below it, with "/" as the delimiter.
//
// Order: sorted by name within each directory, a directory before what it holds (c-client
// lists in directory-read order; a stable order makes plans and reports reproducible).
// Symbolic links are followed (stat), at most MAX_DEPTH levels deep, as c-client's default.
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { ioError } from '../errors.js';
import { detectRef } from './detect.js';
import type { Driver, FormatName, LocalRef, StoreContext } from './types.js';

export type LocalListKind = 'mailbox' | 'empty-file' | 'directory' | 'unknown-file';

export interface LocalListEntry {
  /** The name as listed: the prefix as typed, then the path below it ("/" between levels). */
  readonly name: string;
  /** A reference to the entry (same home and MH setting as the base). */
  readonly ref: LocalRef;
  readonly kind: LocalListKind;
  /** The mailbox's format (kind 'mailbox' only). */
  readonly format?: FormatName;
  /** It can be opened: a mailbox or an empty file (not a plain directory). */
  readonly selectable: boolean;
  /** A directory (plain, or a directory-format mailbox) holding entries that are not its format's own. */
  readonly hasChildren: boolean;
  /** Directory levels below where the walk started (prefix: 0 for entries in the start directory; tree: 0 for base). */
  readonly depth: number;
}

export interface ListLocalOptions {
  /** 'prefix' (default): names starting with base.name; 'tree': base and everything inside it. */
  readonly match?: 'prefix' | 'tree';
  /** How many directory levels to descend (c-client's list-maximum-level, 20). */
  readonly maxDepth?: number;
}

/** c-client's default list-maximum-level. */
export const MAX_DEPTH = 20;

export async function listLocal(base: LocalRef, ctx?: StoreContext, options: ListLocalOptions = {}): Promise<LocalListEntry[]> {
  const maxDepth = options.maxDepth ?? MAX_DEPTH;
  const out: LocalListEntry[] = [];
  if (options.match === 'tree') {
    const self = await entryFor({ ...base, directoryOnly: false }, base.name.replace(/\/+$/, ''), 0, ctx);
    if (!self) return out;
    out.push(withoutDriver(self));
    if (isDirectoryEntry(self)) await walk(base.path, `${self.name}/`, '', 1, maxDepth, base, self.driver, out, ctx);
    return out;
  }
  // reference + "*": the directory part of the name is where the walk starts
  const cut = base.name.lastIndexOf('/') + 1;
  const dirName = base.name.slice(0, cut);
  const stem = base.name.slice(cut);
  const startPath = base.directoryOnly ? base.path : path.dirname(base.path);
  // starting inside a directory-format mailbox (x/mixbox/): its own files are not children
  const start = await detectRef({ ...base, path: startPath, directoryOnly: false }, ctx);
  const owner = start.kind === 'mailbox' && start.driver.kind === 'directory' ? start.driver : undefined;
  await walk(startPath, dirName, stem, 0, maxDepth, base, owner, out, ctx);
  return out;
}

interface Found extends LocalListEntry {
  /** The directory format that owns the entry, whose own files are not children. */
  readonly driver?: Driver;
}

const isDirectoryEntry = (e: Found): boolean => e.kind === 'directory' || e.driver?.kind === 'directory';

async function walk(
  dir: string, namePrefix: string, stem: string, depth: number, maxDepth: number, base: LocalRef,
  owner: Driver | undefined, out: LocalListEntry[], ctx: StoreContext | undefined,
): Promise<void> {
  if (depth > maxDepth) return;
  const names = (await readDir(dir))
    .filter((n) => n.startsWith(stem) && !owner?.isInternal?.(n))
    .sort();
  for (const n of names) {
    const ref: LocalRef = {
      ...base, name: `${namePrefix}${n}`, path: path.join(dir, n), isInbox: false, inboxExplicit: false,
      directoryOnly: false, createFormat: undefined,
    };
    const found = await entryFor(ref, ref.name, depth, ctx);
    if (!found) continue;
    out.push(withoutDriver(found));
    if (isDirectoryEntry(found) && found.hasChildren) {
      await walk(ref.path, `${ref.name}/`, '', depth + 1, maxDepth, base, found.driver, out, ctx);
    }
  }
}

/** What a name holds; undefined when it is missing or is neither a file nor a directory. */
async function entryFor(ref: LocalRef, name: string, depth: number, ctx: StoreContext | undefined): Promise<Found | undefined> {
  const found = await detectRef(ref, ctx);
  const common = { name, ref: { ...ref, name }, depth };
  switch (found.kind) {
    case 'missing':
      return undefined;
    case 'directory':
      return { ...common, kind: 'directory', selectable: false, hasChildren: await hasChildren(ref.path, undefined) };
    case 'empty-file':
      if (!(await isRegularFile(ref.path))) return undefined;
      return { ...common, kind: 'empty-file', selectable: true, hasChildren: false };
    case 'unknown-file':
      if (!(await isRegularFile(ref.path))) return undefined;
      return { ...common, kind: 'unknown-file', selectable: false, hasChildren: false };
    case 'mailbox': {
      const { driver } = found;
      const children = driver.kind === 'directory' && (await hasChildren(ref.path, driver));
      return { ...common, kind: 'mailbox', format: driver.format, selectable: true, hasChildren: children, driver };
    }
  }
}

function withoutDriver(found: Found): LocalListEntry {
  const { driver: _driver, ...entry } = found;
  return entry;
}

async function hasChildren(dir: string, owner: Driver | undefined): Promise<boolean> {
  return (await readDir(dir)).some((n) => !owner?.isInternal?.(n));
}

async function isRegularFile(p: string): Promise<boolean> {
  try {
    return (await fsp.stat(p)).isFile();
  } catch {
    return false;
  }
}

/** A directory's entries without . and ..; a missing or unreadable starting point lists nothing. */
async function readDir(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw ioError(e, `can't list ${dir}`);
  }
}
