// Fault injection: a full disk (simulated with a file-size limit, which makes
// writes fail with EFBIG part-way, as ENOSPC would) and a kiss of death
// (SIGUSR2) must lose nothing and leave no half-made mailbox.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTmpLock } from '../../src/locks/index.js';
import { projectRoot, sharedDir } from '../helpers/paths.js';
import { run } from '../helpers/run.js';
import { hasStackTrace, mailsmith } from './cli.js';

const golden = path.join(sharedDir(), 'corpus', 'golden');
let home: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'faults-'));
  for (const f of ['source.mbox', 'mbx', 'unix']) fs.copyFileSync(path.join(golden, f), path.join(home, f));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

/** Runs mailsmith with files limited to `kib` KiB: a write past it fails like a full disk. */
async function withFileLimit(kib: number, args: string[]): Promise<{ code: number | null; stderr: string }> {
  const bin = path.join(projectRoot(), 'bin', 'run.js');
  const r = await run('bash', ['-c', `ulimit -f ${kib}; exec "$@"`, 'bash', process.execPath, bin, ...args, '--home', home], {
    env: { PATH: process.env.PATH, TZ: 'UTC' },
  });
  return { code: r.status, stderr: r.stderr.toString('utf8') };
}

describe('a disk that fills up', () => {
  it.each(['mbx', 'unix'])('fails a copy into a new %s mailbox cleanly: one line, no destination, source intact', async (format) => {
    const before = fs.readFileSync(path.join(home, 'source.mbox'));
    const r = await withFileLimit(8, ['move', 'source.mbox', `#driver.${format}/out`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/File too large/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(fs.existsSync(path.join(home, 'out'))).toBe(false);
    expect(fs.readFileSync(path.join(home, 'source.mbox')).equals(before)).toBe(true);
  });

  it.each(['mbx', 'unix'])('fails an append into an existing %s mailbox and truncates it back to what it was', async (name) => {
    const before = fs.readFileSync(path.join(home, name));
    const limit = Math.ceil(before.length / 1024) + 4;
    const r = await withFileLimit(limit, ['appenddelete', 'source.mbox', name]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/File too large/);
    expect(fs.readFileSync(path.join(home, name)).equals(before)).toBe(true);
    expect((await mailsmith(['check', 'source.mbox', '--home', home])).stdout).toMatch(/14 total/);
  });
});

describe('a kiss of death (SIGUSR2) from another c-client program', () => {
  it('does not kill mailsmith: it ends its work and exits normally', async () => {
    const file = path.join(home, 'unix');
    const { dev, ino } = fs.statSync(file, { bigint: true });
    const session = await acquireTmpLock(dev, ino, 'exclusive', 0);
    try {
      const child = spawn(process.execPath, [path.join(projectRoot(), 'bin', 'run.js'), 'move', 'unix', 'out', '--home', home, '--lock-timeout', '2'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stderr: Buffer[] = [];
      child.stderr.on('data', (b: Buffer) => stderr.push(b));
      await new Promise((r) => setTimeout(r, 700));
      child.kill('SIGUSR2');
      const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
        child.on('close', (c, s) => resolve([c, s]));
      });
      expect(signal).toBeNull();
      expect(code).toBe(1);
      expect(Buffer.concat(stderr).toString('utf8')).toMatch(/in use by another process/);
    } finally {
      session!.releaseSession();
    }
  });
});
