// #mh/NAME and #mhinbox (naming.md 7.1): the root comes from HOME/.mh_profile.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BadName } from '../../src/errors.js';
import { resolveName, type LocalRef, type NameContext } from '../../src/names/index.js';

let home: string;
let ctx: NameContext;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'names-mh-'));
  ctx = { home, user: 'alice', spoolDir: '/var/mail', restrict: false };
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

function profile(text: string): void {
  fs.writeFileSync(path.join(home, '.mh_profile'), text);
}

function mh(name: string, purpose: 'open' | 'create' = 'open'): LocalRef {
  const ref = resolveName(name, ctx, purpose);
  if (ref.kind !== 'local') throw new Error('expected a local ref');
  return ref;
}

describe('the MH root', () => {
  const cases: Array<[string, string, (home: string) => string]> = [
    ['a relative Path:', 'Path: dir/Mail\n', (h) => path.join(h, 'dir', 'Mail')],
    ['an absolute Path:', 'Path: /srv/mh/alice\n', () => '/srv/mh/alice'],
    ['no Path: line (HOME/Mail)', 'Editor: vi\n', (h) => path.join(h, 'Mail')],
    ['an empty profile (HOME/Mail)', '', (h) => path.join(h, 'Mail')],
    ['Path: among other lines, any case, tabs, CRLF', 'Editor: vi\r\npath:\t  Folders  \r\nPath: other\r\n',
      (h) => path.join(h, 'Folders')],
    ['a Path: without a blank after it is no Path: line', 'Path:Folders\n', (h) => path.join(h, 'Mail')],
  ];
  it.each(cases)('%s', (_what, text, root) => {
    profile(text);
    expect(mh('#mh/lists/work')).toEqual({
      kind: 'local', name: '#mh/lists/work', path: path.join(root(home), 'lists', 'work'), home, isInbox: false,
      inboxExplicit: false, mh: true, directoryOnly: false,
    });
  });

  it('is refused with an explanation when there is no profile', () => {
    for (const name of ['#mh/x', '#mhinbox']) {
      expect(() => mh(name)).toThrow(new BadName(
        `~/.mh_profile not found, #mh names need it: ${name} (create ${path.join(home, '.mh_profile')} with a line such as "Path: Mail")`,
      ));
    }
  });
});

describe('MH names', () => {
  beforeEach(() => profile('Path: Mail\n'));

  it.each(['#mhinbox', '#MHINBOX', '#MhInbox'])('%s is the folder inbox', (name) => {
    expect(mh(name)).toMatchObject({ name, mh: true, isInbox: false, path: path.join(home, 'Mail', 'inbox') });
  });

  it.each(['#MH/x', '#Mh/x'])('%s: the prefix is case-insensitive', (name) => {
    expect(mh(name)).toMatchObject({ mh: true, path: path.join(home, 'Mail', 'x') });
  });

  it('keep the folder name\'s case', () => {
    expect(mh('#mh/Lists').path).toBe(path.join(home, 'Mail', 'Lists'));
  });

  it('a trailing slash names a directory', () => {
    expect(mh('#mh/lists/')).toMatchObject({ mh: true, directoryOnly: true, path: path.join(home, 'Mail', 'lists') });
  });

  it('digits mixed with other characters are a folder name', () => {
    expect(mh('#mh/2004a/1b').path).toBe(path.join(home, 'Mail', '2004a', '1b'));
  });

  it('are made in mh format on create, and the format is left to the bytes on open', () => {
    expect(mh('#mh/new', 'create').createFormat).toBe('mh');
    expect(mh('#driver.mh/#mh/new', 'create')).toMatchObject({ createFormat: 'mh', name: '#mh/new', mh: true });
    expect(mh('#mh/new', 'open')).not.toHaveProperty('createFormat');
  });

  const refused: Array<[string, string]> = [
    ['#mh/123', 'MH folder names cannot be all digits (those are message files): 123 in #mh/123'],
    ['#mh/lists/42/x', 'MH folder names cannot be all digits (those are message files): 42 in #mh/lists/42/x'],
    ['#mh/lists/7/', 'MH folder names cannot be all digits (those are message files): 7 in #mh/lists/7/'],
    ['#mh/', 'no folder after #mh/: #mh/ (e.g. #mh/inbox)'],
    ['#mh/a//b', 'empty folder name in MH name: #mh/a//b'],
    ['#driver.mbx/#mh/x', 'MH folders are always in mh format: #driver.mbx/#mh/x (drop the #driver.mbx/ prefix)'],
    ['#driver.mh/x', 'mh format is only for MH folders: #driver.mh/x (name the folder #mh/x)'],
  ];
  it.each(refused)('%s is refused', (name, message) => {
    expect(() => resolveName(name, ctx, 'create')).toThrow(new BadName(message));
  });
});
