// MH folder names, `#mh/NAME` and `#mhinbox` (naming.md 7.1): folders live under
// the `Path:` of HOME/.mh_profile, as c-client's mh_path and mh_namevalid decide.
import fs from 'node:fs';
import path from 'node:path';
import { BadName, ioError } from '../errors.js';

const MH_PREFIX = /^#mh\//i;
const MH_INBOX = /^#mhinbox$/i;
/** c-client's default MH root when the profile has no Path: line. */
const DEFAULT_MH_PATH = 'Mail';

/** True for names in the MH namespace (`#mh/...` or `#mhinbox`, any letter case). */
export function isMhName(name: string): boolean {
  return MH_PREFIX.test(name) || MH_INBOX.test(name);
}

/** The folder path of an MH name (the caller has checked isMhName). */
export function mhFolderPath(name: string, home: string): string {
  const folder = MH_INBOX.test(name) ? 'inbox' : name.slice('#mh/'.length);
  checkFolder(folder, name);
  return path.resolve(mhRoot(home, name), folder);
}

/** Every component must be non-empty and not all digits (digit names are MH message files). */
function checkFolder(folder: string, name: string): void {
  if (folder === '') throw new BadName(`no folder after #mh/: ${name} (e.g. #mh/inbox)`);
  const parts = folder.split('/');
  // A trailing slash names the folder as a directory; it leaves one empty part at the end.
  if (parts.at(-1) === '') parts.pop();
  for (const part of parts) {
    if (part === '') throw new BadName(`empty folder name in MH name: ${name}`);
    if (/^\d+$/.test(part)) {
      throw new BadName(`MH folder names cannot be all digits (those are message files): ${part} in ${name}`);
    }
  }
}

/** The MH root: the Path: line of HOME/.mh_profile (absolute or relative to HOME), else HOME/Mail. */
export function mhRoot(home: string, name: string): string {
  const profile = path.join(home, '.mh_profile');
  let text: string;
  try {
    text = fs.readFileSync(profile, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new BadName(`~/.mh_profile not found, #mh names need it: ${name} (create ${profile} with a line such as "Path: Mail")`);
    }
    throw ioError(e, `can't read ${profile}`);
  }
  return path.resolve(home, profilePath(text) ?? DEFAULT_MH_PATH);
}

/** The value of the first `Path:` line; as c-client, the keyword is case-insensitive and needs a blank after it. */
function profilePath(text: string): string | undefined {
  for (const line of text.split(/\r\n|\r|\n/)) {
    const m = /^(\S+)[ \t]+(.*)$/.exec(line);
    if (m && m[1]!.toLowerCase() === 'path:') return m[2]!.trim();
  }
  return undefined;
}
