// repair-mbx and check --verify as a user meets them: the problems in c-client's words,
// CLI.md's exit codes (0 healthy or repaired, 3 damage found by a dry run or bytes left
// in badmsg files, 1 failed, 2 usage), --json, --no-backup, and one-line errors.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flockNow } from '../../src/locks/index.js';
import { mbxBytes, SPEC_MESSAGES } from '../drivers/mbx/helpers.js';
import { sharedDir } from '../helpers/paths.js';
import { hasStackTrace, mailsmith } from './cli.js';

const base = mbxBytes(SPEC_MESSAGES);
const comma = base.indexOf(',', 2048);
/** The first header line lost its comma: c-client stops there. */
const damaged = Buffer.from(base);
damaged[comma] = 0x20;

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-repair-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const ms = (...args: string[]) => mailsmith([...args, '--home', home]);
const put = (name: string, bytes: Buffer | string): string => {
  const p = path.join(home, name);
  fs.writeFileSync(p, bytes);
  return p;
};

describe('repair-mbx', () => {
  it('says a healthy mailbox is healthy, exit 0, and leaves it alone', async () => {
    const file = put('box', base);
    const r = await ms('repair-mbx', 'box');
    expect(r).toMatchObject({ code: 0, stderr: '', stdout: 'box: no damage found (3 messages); nothing changed\n' });
    expect(fs.readdirSync(home)).toEqual(['box']);
    expect(fs.readFileSync(file).equals(base)).toBe(true);
  });

  it('says a healthy mailbox is healthy on a dry run too, exit 0', async () => {
    const file = put('box', base);
    const r = await ms('repair-mbx', '--dry-run', 'box');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toMatch(/^box: no damage found \(3 messages\)/);
    expect(fs.readdirSync(home)).toEqual(['box']);
    expect(fs.readFileSync(file).equals(base)).toBe(true);
  });

  it('lists the problems and what it would do on a dry run, exit 3, changing nothing', async () => {
    const file = put('box', damaged);
    const r = await ms('repair-mbx', '--dry-run', 'box');
    expect(r.code).toBe(3);
    expect(r.stdout).toBe([
      'box: 1 problem found:',
      '  Unable to parse internal header at 2048:  7-May-2001 20:54:30 -0700 120;000000030019-00000002',
      'a repair would:',
      '  message at 2048: header line rewritten (date from its header line)',
      'dry run: 3 messages kept, 1 header line rewritten; nothing changed',
      '',
    ].join('\n'));
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
    expect(fs.readdirSync(home)).toEqual(['box']);
  });

  it('repairs, keeps a backup, exit 0; the result reads without complaint', async () => {
    const file = put('box', damaged);
    const r = await ms('repair-mbx', 'box');
    expect(r.code).toBe(0);
    const backup = fs.readdirSync(home).find((f) => f.startsWith('box.bak-'))!;
    expect(backup).toMatch(/^box\.bak-\d{8}T\d{6}Z$/);
    expect(r.stdout.split('\n').slice(-2)).toEqual([`box repaired: 3 messages kept, 1 header line rewritten; the original is kept as ${path.join(home, backup)}`, '']);
    expect(fs.readFileSync(path.join(home, backup)).equals(damaged)).toBe(true);
    expect(fs.readFileSync(file).equals(base)).toBe(true);
    expect(await ms('check', 'box')).toMatchObject({ code: 0, stderr: '' });
  });

  it('exits 3 when bytes had to go to a badmsg file, and keeps no backup with --no-backup', async () => {
    put('box', Buffer.concat([base, Buffer.from('junk\r\n')]));
    const r = await ms('repair-mbx', '--no-backup', 'box');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain(`bytes 2468-2473 (6 bytes) saved in ${path.join(home, 'box.badmsg.1')}`);
    expect(fs.readdirSync(home).sort()).toEqual(['box', 'box.badmsg.1']);
  });

  it('gives the problems and the salvage as JSON', async () => {
    put('box', damaged);
    const r = await ms('repair-mbx', '--json', '--dry-run', 'box');
    expect(r.code).toBe(3);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      ok: true, mailbox: 'box', dryRun: true, healthy: false, messages: 3, repairedMessages: 1, renumbered: 0,
      problems: [{ offset: 2048, kind: 'line', text: 'Unable to parse internal header at 2048:  7-May-2001 20:54:30 -0700 120;000000030019-00000002' }],
      actions: [{ offset: 2048, text: 'message at 2048: header line rewritten (date from its header line)' }],
      badmsg: [], backup: null, bytes: { before: base.length, after: base.length },
      segments: [
        { offset: 0, length: 2048, kind: 'header' },
        { offset: 2048, kind: 'message' },
        { kind: 'messages', count: 2 },
      ],
      warnings: [],
    });
  });

  it('refuses a mailbox another program has open, in one line, exit 1', async () => {
    const file = put('box', damaged);
    const fd = fs.openSync(file, 'r');
    expect(flockNow(fd, 'shared')).toBe(true);
    try {
      const r = await ms('repair-mbx', '--lock-timeout', '0', 'box');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe('mailsmith: Mailbox box is in use by another process\n');
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
  });

  it('refuses a mailbox of another format, exit 1, without a stack trace', async () => {
    fs.copyFileSync(path.join(sharedDir(), 'corpus', 'golden', 'unix'), path.join(home, 'box'));
    const r = await ms('repair-mbx', 'box');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mailsmith: box is a unix mailbox, not mbx: repair-mbx repairs mbx files only\n');
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('needs a mailbox name (usage error, exit 2)', async () => {
    const r = await ms('repair-mbx');
    expect(r.code).toBe(2);
  });
});

describe('check --verify', () => {
  it('prints the check line and says nothing is wrong, exit 0', async () => {
    fs.copyFileSync(path.join(sharedDir(), 'corpus', 'golden', 'unix'), path.join(home, 'unix'));
    const r = await ms('check', '--verify', 'unix');
    expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(r.stdout).toBe('14 new message(s) (9 unseen), 14 total in unix\nunix: no problems found (unix mailbox, every message read)\n');
  });

  it('lists damage with the FAQ entry, exit 3 (--deep is the same)', async () => {
    put('box', damaged);
    for (const flag of ['--verify', '--deep']) {
      const r = await ms('check', flag, 'box');
      expect(r.code).toBe(3);
      expect(r.stdout).toBe([
        'box: 1 problem found (mbx mailbox, not every message could be read):',
        '  Unable to parse internal header at 2048:  7-May-2001 20:54:30 -0700 120;000000030019-00000002 (FAQ 7.15)',
        '',
      ].join('\n'));
    }
  });

  it('reports damage that stops a reader at the open (mix), exit 3, without a count line', async () => {
    const dir = path.join(home, 'box');
    fs.cpSync(path.join(sharedDir(), 'corpus', 'golden', 'mix'), dir, { recursive: true });
    fs.chmodSync(dir, 0o700);
    for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o600);
    const index = path.join(dir, '.mixindex');
    fs.writeFileSync(index, fs.readFileSync(index, 'latin1').replace(/\r\n:00000003:/, '\r\n:00000002:'), 'latin1');
    const r = await ms('check', '--verify', 'box');
    expect(r).toMatchObject({ code: 3, stderr: '' });
    expect(r.stdout).toBe('box: 1 problem found (mix mailbox, not every message could be read):\n  mix index UID mismatch (2 < 2) (.mixindex, byte 88)\n');
  });

  it('gives the findings as JSON', async () => {
    put('box', 'From alice@example.org\nSubject: hi\n\nbody\n');
    const r = await ms('check', '--verify', '--json', 'box');
    expect(r.code).toBe(3);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true, mailbox: 'box', format: 'phile', healthy: false, complete: true,
      counts: { total: 1 }, problems: [{ kind: 'not-a-mailbox', faq: '7.2' }],
    });
  });

  it('without --verify, counts as before', async () => {
    put('box', damaged);
    const r = await ms('check', 'box');
    expect(r.code).toBe(1);
  });
});
