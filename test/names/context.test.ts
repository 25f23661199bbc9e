// buildNameContext: the mail home, INBOX, user and restriction from flags and environment.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildNameContext } from '../../src/names/index.js';

let dir: string;
const me = os.userInfo();

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'names-ctx-'));
  fs.mkdirSync(path.join(dir, 'flag-home'));
  fs.mkdirSync(path.join(dir, 'env-home'));
  fs.mkdirSync(path.join(dir, 'HOME'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('the mail home', () => {
  it('is --home first', () => {
    const env = { MAILSMITH_HOME: path.join(dir, 'env-home'), HOME: path.join(dir, 'HOME') };
    expect(buildNameContext({ home: path.join(dir, 'flag-home') }, env).home).toBe(path.join(dir, 'flag-home'));
  });

  it('then MAILSMITH_HOME', () => {
    const env = { MAILSMITH_HOME: path.join(dir, 'env-home'), HOME: path.join(dir, 'HOME') };
    expect(buildNameContext({}, env).home).toBe(path.join(dir, 'env-home'));
  });

  it('then HOME when it is an existing directory', () => {
    expect(buildNameContext({}, { HOME: path.join(dir, 'HOME') }).home).toBe(path.join(dir, 'HOME'));
  });

  it('else the password-file home', () => {
    expect(buildNameContext({}, { HOME: path.join(dir, 'missing') }).home).toBe(path.resolve(me.homedir));
    fs.writeFileSync(path.join(dir, 'a-file'), '');
    expect(buildNameContext({}, { HOME: path.join(dir, 'a-file') }).home).toBe(path.resolve(me.homedir));
    expect(buildNameContext({}, {}).home).toBe(path.resolve(me.homedir));
  });

  it('is made absolute', () => {
    expect(buildNameContext({ home: 'rel/home' }, {}).home).toBe(path.resolve('rel/home'));
    expect(buildNameContext({}, { MAILSMITH_HOME: 'rel2' }).home).toBe(path.resolve('rel2'));
  });
});

describe('INBOX, user, spool and restriction', () => {
  it('take --inbox, else MAILSMITH_INBOX, made absolute; else no inbox', () => {
    expect(buildNameContext({ inbox: 'flag-inbox' }, { MAILSMITH_INBOX: '/env/inbox' }).inbox).toBe(path.resolve('flag-inbox'));
    expect(buildNameContext({}, { MAILSMITH_INBOX: 'env/inbox' }).inbox).toBe(path.resolve('env/inbox'));
    expect(buildNameContext({}, {})).not.toHaveProperty('inbox');
  });

  it('use the login name from the password file and spool directory /var/mail', () => {
    const ctx = buildNameContext({}, { USER: 'not-me', LOGNAME: 'not-me-either' });
    expect(ctx.user).toBe(me.username);
    expect(ctx.spoolDir).toBe('/var/mail');
  });

  it('restrict with --restrict or MAILSMITH_RESTRICT=1', () => {
    expect(buildNameContext({}, {}).restrict).toBe(false);
    expect(buildNameContext({ restrict: true }, {}).restrict).toBe(true);
    expect(buildNameContext({}, { MAILSMITH_RESTRICT: '1' }).restrict).toBe(true);
    expect(buildNameContext({}, { MAILSMITH_RESTRICT: '0' }).restrict).toBe(false);
  });
});
