// The commands as a user meets them: mailutil's lines, CLI.md's exit codes,
// one-line errors without stack traces, --json, and mailutil's spellings.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTmpLock } from '../../src/locks/index.js';
import { sharedDir } from '../helpers/paths.js';
import { hasStackTrace, mailsmith } from './cli.js';

const golden = path.join(sharedDir(), 'corpus', 'golden');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'EXPECTED.json'), 'utf8')) as {
  mailboxes: Record<string, { check: string; count: number }>;
};

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-'));
  for (const f of ['source.mbox', 'unix', 'mbx', 'unix-pruned', 'mbx-pruned']) {
    fs.copyFileSync(path.join(golden, f), path.join(home, f));
  }
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const ms = (...args: string[]) => mailsmith([...args, '--home', home]);

describe('check', () => {
  it.each(['source.mbox', 'unix', 'mbx', 'unix-pruned', 'mbx-pruned'])('prints mailutil\'s line for %s', async (name) => {
    const r = await ms('check', name);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe(`${expected.mailboxes[name]!.check}\n`);
    expect(r.code).toBe(0);
  });

  it('gives the counts as JSON', async () => {
    const r = await ms('check', 'mbx', '--json');
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, mailbox: 'mbx', format: 'mbx', recent: 14, unseen: 9, total: 14 });
  });

  it('reports a missing mailbox in one line, exit 1', async () => {
    const r = await ms('check', 'nonexist');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mailsmith: no such mailbox: nonexist\n$/);
    expect(r.stdout).toBe('');
  });

  it('reports a bad name as a usage error, exit 2', async () => {
    const r = await ms('check', '{imap.example.com:0}INBOX');
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toMatch(/^mailsmith: invalid remote specification/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('reports a corrupt mbx with c-client\'s words and the offset, exit 1', async () => {
    const bytes = fs.readFileSync(path.join(home, 'mbx'));
    const at = bytes.indexOf(',', 2048);
    bytes[at] = 0x20;
    fs.writeFileSync(path.join(home, 'broken'), bytes);
    const r = await ms('check', 'broken');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mailsmith: broken: Unable to parse internal header at 2048: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('create, delete, rename', () => {
  it('creates in the asked format, refuses an existing name, and deletes', async () => {
    expect((await ms('create', '#driver.mbx/a/new')).code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'a', 'new')).subarray(0, 7).toString('latin1')).toBe('*mbx*\r\n');
    const again = await ms('create', 'a/new');
    expect(again.code).toBe(1);
    expect(again.stderr).toBe('mailsmith: mailbox already exists: a/new\n');
    expect((await ms('rename', 'a/new', 'b/renamed')).code).toBe(0);
    expect((await ms('check', 'b/renamed')).stdout).toBe('No new messages, 0 total in b/renamed\n');
    expect((await ms('delete', 'b/renamed')).code).toBe(0);
    expect(fs.existsSync(path.join(home, 'b', 'renamed'))).toBe(false);
  });

  it('creates unix by default, and --format mbox means unix', async () => {
    await ms('create', 'u1');
    await ms('create', '--format', 'mbox', 'u2');
    for (const n of ['u1', 'u2']) expect(fs.readFileSync(path.join(home, n), 'latin1')).toMatch(/^From MAILER-DAEMON /);
  });

  it('refuses an unknown format as a usage error', async () => {
    const r = await ms('create', '--format', 'zip', 'x');
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });
});

describe('copy family', () => {
  it('copies into a new mbx mailbox that checks the same as its source', async () => {
    const r = await ms('copy', 'source.mbox', '#driver.mbx/copied');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^copied 14 messages from source\.mbox \(unix\) to copied \(mbx\); UID validity and UIDs kept\n$/);
    const check = await ms('check', 'copied');
    expect(check.stdout).toBe('14 new message(s) (9 unseen), 14 total in copied\n');
  });

  it('refuses an existing destination and copies nothing', async () => {
    const before = fs.readFileSync(path.join(home, 'mbx'));
    const r = await ms('copy', 'source.mbox', 'mbx');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mailsmith: mailbox already exists: mbx\n');
    expect(fs.readFileSync(path.join(home, 'mbx')).equals(before)).toBe(true);
  });

  it('refuses a missing source without creating the destination', async () => {
    const r = await ms('copy', 'nonexist', 'out');
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('mailsmith: no such mailbox: nonexist\n');
    expect(fs.existsSync(path.join(home, 'out'))).toBe(false);
  });

  it('moves: the destination gets every message and the source keeps none', async () => {
    const r = await ms('move', 'unix', '#driver.mbx/moved', '--json');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, copied: 14, removedFromSource: 14, destinationFormat: 'mbx' });
    expect((await ms('check', 'moved')).stdout).toBe('14 new message(s) (9 unseen), 14 total in moved\n');
    expect((await ms('check', 'unix')).stdout).toBe('No new messages, 0 total in unix\n');
  });

  it('move --dry-run changes nothing', async () => {
    const before = fs.readFileSync(path.join(home, 'unix'));
    const r = await ms('move', '--dry-run', 'unix', 'moved');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^dry run: .*14 messages.*nothing changed\n$/);
    expect(fs.existsSync(path.join(home, 'moved'))).toBe(false);
    expect(fs.readFileSync(path.join(home, 'unix')).equals(before)).toBe(true);
  });

  it('appends into an existing mailbox and refuses a missing one', async () => {
    const ok = await ms('append', 'mbx-pruned', 'mbx');
    expect(ok.code).toBe(0);
    expect((await ms('check', 'mbx')).stdout).toMatch(/, 24 total in mbx\n$/);
    const missing = await ms('append', 'mbx', 'nonexist');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toBe('mailsmith: no such mailbox: nonexist\n');
  });

  it('appenddelete empties the source into the destination', async () => {
    const r = await ms('appenddelete', 'unix-pruned', 'mbx');
    expect(r.code).toBe(0);
    expect((await ms('check', 'mbx')).stdout).toMatch(/, 24 total in mbx\n$/);
    expect((await ms('check', 'unix-pruned')).stdout).toBe('No new messages, 0 total in unix-pruned\n');
  });

  it('appends into an empty file in the format its #driver. prefix names, as mailutil does', async () => {
    fs.writeFileSync(path.join(home, 'empty'), '');
    const r = await ms('append', 'mbx', '#driver.mtx/empty', '--ignore-keywords');
    expect(r.code).toBe(0);
    expect(fs.readFileSync(path.join(home, 'empty'), 'latin1')).toMatch(/^14-Nov-2023 22:13:20 \+0000,286;000000000001\r\n/);
    expect((await ms('check', 'empty')).stdout).toBe('14 new message(s) (9 unseen), 14 total in empty\n');
  });

  it('accepts mailutil\'s spellings, switches before the command included', async () => {
    const r = await mailsmith(['-v', 'copy', '-rw', '-kw', 'source.mbox', 'kwcopy', '--home', home]);
    expect(r.code).toBe(0);
    const both = await ms('copy', '-kw', '-ig', 'source.mbox', 'x');
    expect(both.code).toBe(2);
  });

  it('waits for a mailbox another process holds, then reports it locked without touching it', async () => {
    const file = path.join(home, 'unix');
    const before = fs.readFileSync(file);
    const { dev, ino } = fs.statSync(file, { bigint: true });
    const session = await acquireTmpLock(dev, ino, 'exclusive', 0);
    session!.writePid();
    try {
      const r = await ms('move', 'unix', 'elsewhere', '--lock-timeout', '1');
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/^mailsmith: Mailbox .*unix is in use by another process/);
      expect(fs.existsSync(path.join(home, 'elsewhere'))).toBe(false);
      expect(fs.readFileSync(file).equals(before)).toBe(true);
    } finally {
      session!.releaseSession();
    }
  });
});

describe('the command line', () => {
  it('answers an unknown command with a usage error', async () => {
    const r = await mailsmith(['frobnicate']);
    expect(r.code).toBe(2);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('answers a missing argument with a usage error naming it', async () => {
    const r = await mailsmith(['copy', 'a']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/destination/i);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('refuses -u with a hint', async () => {
    const r = await mailsmith(['-u', 'alice', 'check']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not supported: run mailsmith as that user/);
  });

  it('prints no colour codes unless asked, and colours with FORCE_COLOR', async () => {
    const plain = await mailsmith(['check', 'nonexist', '--home', home]);
    expect(plain.stderr).not.toMatch(/\x1b\[/);
    const coloured = await mailsmith(['check', 'nonexist', '--home', home], { FORCE_COLOR: '1' });
    expect(coloured.stderr).toMatch(/\x1b\[/);
  });
});
