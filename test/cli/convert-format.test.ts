// convert-format as users and scripts run it: its lines, its JSON, its exit codes.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { detect } from '../../src/store/index.js';
import { goldenDir } from '../interop/golden.js';
import { hasStackTrace, mailsmith } from './cli.js';

function home(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convert-cli-'));
  for (const f of ['unix', 'mbx']) {
    fs.copyFileSync(path.join(goldenDir(), f), path.join(dir, f));
    fs.chmodSync(path.join(dir, f), 0o600);
  }
  return dir;
}

function treeHash(dir: string): string {
  const h = createHash('sha256');
  const visit = (p: string, rel: string): void => {
    const st = fs.lstatSync(p);
    h.update(`${rel}:${st.mode}:${st.isFile() ? fs.readFileSync(p).toString('base64') : ''}\n`);
    if (st.isDirectory()) for (const n of fs.readdirSync(p).sort()) visit(path.join(p, n), `${rel}/${n}`);
  };
  visit(dir, '.');
  return h.digest('hex');
}

async function formatOf(p: string): Promise<string> {
  const found = await detect(p);
  return found.kind === 'mailbox' ? found.driver.format : found.kind;
}

describe('mailsmith convert-format', () => {
  it('converts several mailboxes, says what it did per mailbox, and skips one already in the format', async () => {
    const dir = home();
    const r = await mailsmith(['convert-format', '--home', dir, 'unix', 'mbx', '--to', 'mbx']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^unix: converted from unix to mbx \\(14 messages; UID validity and UIDs kept\\); the original is kept as ${dir}/unix\\.bak-\\d{8}T\\d{6}Z$`));
    expect(lines[1]).toBe('mbx: already in mbx format');
    expect(lines[2]).toBe('converted 1 mailbox to mbx (1 left alone)');
    expect(await formatOf(path.join(dir, 'unix'))).toBe('mbx');
  });

  it('--dry-run prints the plan and changes nothing (--json)', async () => {
    const dir = home();
    const before = treeHash(dir);
    const r = await mailsmith(['convert-format', '--home', dir, '--dry-run', '--json', 'unix', 'mbx', '--to', 'mix']);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({ ok: true, to: 'mix', dryRun: true, planned: 2, converted: 0 });
    expect(doc.mailboxes.map((m: { mailbox: string; status: string; messages: number }) => [m.mailbox, m.status, m.messages]))
      .toEqual([['unix', 'planned', 14], ['mbx', 'planned', 14]]);
    expect(treeHash(dir)).toBe(before);
  });

  it('names the losses and exits 3; --strict refuses before writing and exits 1', async () => {
    const dir = home();
    const before = treeHash(dir);
    const strict = await mailsmith(['convert-format', '--home', dir, '--strict', 'mbx', '--to', 'tenex']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^mbx: not converted: --strict: .* cannot hold keywords/m);
    expect(treeHash(dir)).toBe(before);
    const lossy = await mailsmith(['convert-format', '--home', dir, '--no-backup', 'mbx', '--to', 'tenex']);
    expect(lossy.code).toBe(3);
    expect(lossy.stderr).toMatch(/^warning: mbx: keyword dropped \S+: \d+ messages? \(tenex cannot hold it\)$/m);
    expect(fs.readdirSync(dir).sort()).toEqual(['mbx', 'unix']);
  });

  it('--recursive converts a tree and reports each mailbox', async () => {
    const dir = home();
    fs.mkdirSync(path.join(dir, 'mail', 'sub'), { recursive: true });
    fs.renameSync(path.join(dir, 'unix'), path.join(dir, 'mail', 'a'));
    fs.renameSync(path.join(dir, 'mbx'), path.join(dir, 'mail', 'sub', 'b'));
    const r = await mailsmith(['convert-format', '--home', dir, '-r', '--json', '--no-backup', 'mail', '--to', 'maildir']);
    const doc = JSON.parse(r.stdout);
    expect(doc.mailboxes.map((m: { mailbox: string; status: string }) => [m.mailbox, m.status]))
      .toEqual([['mail/a', 'converted'], ['mail/sub/b', 'converted']]);
    expect(await formatOf(path.join(dir, 'mail', 'a'))).toBe('maildir');
    expect(await formatOf(path.join(dir, 'mail', 'sub', 'b'))).toBe('maildir');
    // mbx keeps each date's zone, Maildir only the instant: named, exit 3
    expect(r.code).toBe(3);
  });

  it('is a usage error without --to, and a one-line error for a missing mailbox', async () => {
    const dir = home();
    const usage = await mailsmith(['convert-format', '--home', dir, 'unix']);
    expect(usage.code).toBe(2);
    const missing = await mailsmith(['convert-format', '--home', dir, 'nothing', '--to', 'mbx']);
    expect(missing.code).toBe(1);
    expect(missing.stdout).toBe('nothing: not converted: no such mailbox: nothing\nconverted 0 mailboxes to mbx (1 failed)\n');
    expect(hasStackTrace(missing.stderr + missing.stdout)).toBe(false);
  });
});
