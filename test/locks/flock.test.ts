// flockNow/flockWait are real flock(2) locks: they exclude other processes
// (here util-linux flock(1), which uses the same system call as c-client).
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { flockNow, flockWait } from '../../src/locks/index.js';

let dir: string;
let holder: ChildProcess | undefined;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flock-'));
});
/** flock(1) runs its command in a child that inherits the lock: kill the whole group. */
function stopHolder(): void {
  if (holder?.pid) {
    try {
      process.kill(-holder.pid, 'SIGKILL');
    } catch {
      // gone already
    }
  }
  holder = undefined;
}

afterEach(() => {
  stopHolder();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Starts `flock MODE FILE sleep 30` and resolves once it holds the lock. */
async function holdWithFlockCommand(file: string, mode: '--shared' | '--exclusive'): Promise<void> {
  holder = spawn('flock', [mode, file, 'sh', '-c', 'echo held; sleep 30'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  await new Promise<void>((resolve) => holder!.stdout!.once('data', () => resolve()));
}

describe('flock', () => {
  it('is refused while another process holds an exclusive lock, and obtained after it lets go', async () => {
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, 'x');
    await holdWithFlockCommand(file, '--exclusive');
    const fd = fs.openSync(file, 'r');
    expect(flockNow(fd, 'shared')).toBe(false);
    expect(flockNow(fd, 'exclusive')).toBe(false);
    expect(await flockWait(fd, 'shared', 100)).toBe(false);
    stopHolder();
    expect(await flockWait(fd, 'exclusive', 5000)).toBe(true);
    fs.closeSync(fd);
  });

  it('shares a shared lock with another process but not an exclusive one', async () => {
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, 'x');
    await holdWithFlockCommand(file, '--shared');
    const fd = fs.openSync(file, 'r');
    expect(flockNow(fd, 'shared')).toBe(true);
    expect(flockNow(fd, 'exclusive')).toBe(false);
    expect(flockNow(fd, 'unlock')).toBe(true);
    fs.closeSync(fd);
  });

  it('holds a lock per open file, so two descriptors in one process exclude each other', () => {
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, 'x');
    const a = fs.openSync(file, 'r');
    const b = fs.openSync(file, 'r');
    expect(flockNow(a, 'exclusive')).toBe(true);
    expect(flockNow(b, 'shared')).toBe(false);
    flockNow(a, 'unlock');
    expect(flockNow(b, 'shared')).toBe(true);
    fs.closeSync(a);
    fs.closeSync(b);
  });
});
