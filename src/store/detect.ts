// What a local path holds, decided the way c-client decides it: directory
// formats claim directories, flat formats claim files by their first bytes,
// and whatever no driver claims is left to c-client's "dummy" rules.
import fs, { promises as fsp, type BigIntStats } from 'node:fs';
import path from 'node:path';
import { ioError } from '../errors.js';
import { setAccessTime } from '../io/native.js';
import { mhRoot } from '../names/mh.js';
import { driverFor, probeDrivers } from './registry.js';
import type { Driver, LocalRef, StoreContext } from './types.js';

export type Detected =
  | { readonly kind: 'missing' }
  /** A directory that no directory format claims: a hierarchy node, not a mailbox. */
  | { readonly kind: 'directory' }
  /** A zero-length file: an empty mailbox of the default format (c-client's dummy driver). */
  | { readonly kind: 'empty-file' }
  /** A non-empty file no driver claims. */
  | { readonly kind: 'unknown-file' }
  | { readonly kind: 'mailbox'; readonly driver: Driver };

/** ctx: the command's context, for a lenient read and for what probing has to say (Driver.probe). */
export async function detect(path: string, ctx?: StoreContext): Promise<Detected> {
  let st: BigIntStats;
  try {
    st = await fsp.stat(path, { bigint: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    throw ioError(e, `can't look at ${path}`);
  }
  if (st.isDirectory()) {
    const driver = await probeDrivers(path, 'directory');
    return driver ? { kind: 'mailbox', driver } : { kind: 'directory' };
  }
  if (st.size === 0n) return { kind: 'empty-file' };
  const driver = await probeDrivers(path, 'file', ctx);
  await keepAccessTime(path, st);
  return driver ? { kind: 'mailbox', driver } : { kind: 'unknown-file' };
}

/**
 * What a local name holds. MH folders are known by name, not by content (c-client's
 * mh_isvalid): a #mh/ name's directory is an MH folder whatever it holds, and so is a
 * directory inside the MH root that no directory format before mh claims.
 */
export async function detectRef(ref: LocalRef, ctx?: StoreContext): Promise<Detected> {
  const found = await detect(ref.path, ctx);
  const isDirectory = found.kind === 'directory' || (found.kind === 'mailbox' && found.driver.kind === 'directory');
  if (ref.mh) {
    if (found.kind === 'missing') return found;
    return isDirectory ? { kind: 'mailbox', driver: driverFor('mh') } : { kind: 'unknown-file' };
  }
  if (found.kind === 'directory' && insideMhRoot(ref)) return { kind: 'mailbox', driver: driverFor('mh') };
  return found;
}

function insideMhRoot(ref: LocalRef): boolean {
  if (!fs.existsSync(path.join(ref.home, '.mh_profile'))) return false;
  const root = mhRoot(ref.home, ref.name);
  return ref.path.startsWith(root + path.sep) && ref.path.length > root.length + 1;
}

/**
 * Probing reads the file, which can move its access time; c-client puts the
 * times back so that "new mail" (accessed before modified) is still visible
 * to mail readers and biff.
 */
async function keepAccessTime(path: string, before: BigIntStats): Promise<void> {
  try {
    const after = await fsp.stat(path, { bigint: true });
    // only the access time goes back: the modification time, untouched, stays to the nanosecond
    if (after.atimeNs !== before.atimeNs && after.mtimeNs === before.mtimeNs) setAccessTime(path, before.atimeNs);
  } catch {
    // the times are a courtesy to mail readers; failing to restore them loses nothing
  }
}
