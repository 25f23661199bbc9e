// Shared by the mh driver tests: a home with ~/.mh_profile, MH names resolved
// as a command resolves them, a context with a pinned clock, and the golden
// MH folders with the file times EXPECTED.json records.
import fs from 'node:fs';
import path from 'node:path';
import { resolveName, type LocalRef } from '../../../src/names/index.js';
import type { StoreContext } from '../../../src/store/types.js';
import { recordingContext, type Recording } from '../../helpers/store.js';
import { tempDir } from '../mx/helpers.js';

/** Golden MH folders are copied as the mx ones are: file times as EXPECTED.json records them. */
export { batch, collect, copyGolden, expectedFor, newMessage } from '../mx/helpers.js';

/** The clock pinned to the UID validity EXPECTED.json shows for the golden MH folders (their time of open). */
export const PINNED = new Date(1795527005 * 1000);

export function context(overrides: Partial<StoreContext> = {}): Recording {
  return recordingContext({ lockTimeoutMs: 2000, now: () => PINNED, ...overrides });
}

/** A fresh home whose ~/.mh_profile says `Path: Mail`; returns the home and the MH root. */
export function mhHome(): { home: string; root: string } {
  const home = tempDir('mh-test-');
  fs.writeFileSync(path.join(home, '.mh_profile'), 'Path: Mail\n');
  const root = path.join(home, 'Mail');
  fs.mkdirSync(root);
  return { home, root };
}

/** A name as a command resolves it (#mh/NAME, #mhinbox, or a plain name). */
export function mhRef(home: string, name: string, purpose: 'open' | 'create' = 'open'): LocalRef {
  const ref = resolveName(name, { home, user: 'user', spoolDir: '/var/mail', restrict: false }, purpose);
  if (ref.kind !== 'local') throw new Error(`not a local name: ${name}`);
  return ref;
}

/** Writes MH message files (LF text) with the given times. */
export function writeMh(dir: string, files: Record<string, { text: string; mtime: number; atime?: number }>): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  for (const [n, f] of Object.entries(files)) {
    const file = path.join(dir, n);
    fs.writeFileSync(file, Buffer.from(f.text, 'latin1'));
    fs.utimesSync(file, f.atime ?? f.mtime + 60, f.mtime);
  }
}

export const numbered = (dir: string): string[] =>
  fs.readdirSync(dir).filter((e) => /^\d+$/.test(e)).sort((a, b) => Number(a) - Number(b));
