// The password-file reader behind ~user names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passwdHome, userHome } from '../../src/names/passwd.js';

let dir: string;
let passwd: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'names-passwd-'));
  passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, [
    'root:x:0:0:root:/root:/bin/bash',
    'bob:x:1001:1001:Bob B,,,:/home/bob:/bin/sh',
    'carol:x:1002:1002::/srv/carol/:/bin/sh',
    'broken:line',
    '',
  ].join('\n'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('passwdHome', () => {
  it.each([['root', '/root'], ['bob', '/home/bob'], ['carol', '/srv/carol/']])('%s -> %s', (user, home) => {
    expect(passwdHome(user, passwd)).toBe(home);
  });

  it.each(['nobody-here', 'broken', 'bo', ''])('%j is no user', (user) => {
    expect(passwdHome(user, passwd)).toBeUndefined();
  });

  it('finds no one in a missing file', () => {
    expect(passwdHome('root', path.join(dir, 'missing'))).toBeUndefined();
  });
});

describe('userHome', () => {
  it('answers for the current user from the system, whatever the file says', () => {
    const me = os.userInfo();
    expect(userHome(me.username, path.join(dir, 'missing'))).toBe(me.homedir);
  });

  it('reads the file for anyone else', () => {
    expect(userHome('bob', passwd)).toBe('/home/bob');
  });
});
