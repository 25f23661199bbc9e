// Where the project and the shared reference material live. CI lays ../shared
// out beside the project, so it is found relative to the project root, never
// by an absolute path.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The directory holding mailsmith's package.json, found from this file (works from src and from dist). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, 'utf8')).name === 'mailsmith') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`can't find mailsmith's package.json above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
}

/** The shared reference folder (corpus, bench tools, specs): ../shared beside the project. */
export function sharedDir(): string {
  return path.resolve(projectRoot(), '..', 'shared');
}
