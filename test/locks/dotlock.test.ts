// PATH.lock dot-locks: c-client's hitching-post creation, waiting, staleness and clean-up.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MailboxLocked } from '../../src/errors.js';
import { acquireDotLock } from '../../src/locks/index.js';

let dir: string;
let box: string;
let warnings: string[];
const warn = (t: string): void => {
  warnings.push(t);
};

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dotlock-'));
  box = path.join(dir, 'box');
  fs.writeFileSync(box, '');
  warnings = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('dot-locks', () => {
  it('create PATH.lock of mode 0666 holding our PID, leave no hitching post, and remove it on release', async () => {
    const lock = await acquireDotLock(box, { timeoutMs: 0, warn });
    const st = fs.statSync(`${box}.lock`);
    expect(fs.readFileSync(`${box}.lock`, 'latin1')).toBe(`${process.pid}\n`);
    expect(st.mode & 0o777).toBe(0o666);
    expect(fs.readdirSync(dir).sort()).toEqual(['box', 'box.lock']);
    lock.release();
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it('wait for a live lock and report the mailbox as locked when it stays', async () => {
    fs.writeFileSync(`${box}.lock`, '');
    const started = Date.now();
    const err = await acquireDotLock(box, { timeoutMs: 300, warn }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxLocked);
    expect((err as Error).message).toContain(`${box}.lock`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(fs.existsSync(`${box}.lock`)).toBe(true);
    expect(warnings[0]).toMatch(/is locked .* waiting up to 1 seconds/);
  });

  it('get the lock when its holder releases it while we wait', async () => {
    fs.writeFileSync(`${box}.lock`, '');
    setTimeout(() => fs.unlinkSync(`${box}.lock`), 100);
    const lock = await acquireDotLock(box, { timeoutMs: 3000, warn });
    expect(fs.existsSync(`${box}.lock`)).toBe(true);
    lock.release();
  });

  it('override a stale lock (judged by its ctime) with a warning', async () => {
    fs.writeFileSync(`${box}.lock`, 'left by a dead process');
    await new Promise((r) => setTimeout(r, 30));
    const lock = await acquireDotLock(box, { timeoutMs: 0, warn, staleMs: 20 });
    expect(warnings.some((w) => w.includes('lock overridden'))).toBe(true);
    expect(fs.readFileSync(`${box}.lock`, 'latin1')).toBe(`${process.pid}\n`);
    lock.release();
    expect(fs.existsSync(`${box}.lock`)).toBe(false);
  });

  it('override at once a lock whose PID names a process that has exited (a killed mailsmith)', async () => {
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    fs.writeFileSync(`${box}.lock`, `${gone}\n`);
    const lock = await acquireDotLock(box, { timeoutMs: 0, warn });
    expect(warnings).toEqual([expect.stringContaining(`left by process ${gone}, which has exited`)]);
    expect(fs.readFileSync(`${box}.lock`, 'latin1')).toBe(`${process.pid}\n`);
    lock.release();
  });

  it('wait for a lock whose PID names a live process, and for one that names none', async () => {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 10000)']);
    try {
      for (const content of [`${holder.pid}\n`, '', '0\n', 'not a pid']) {
        fs.writeFileSync(`${box}.lock`, content);
        const err = await acquireDotLock(box, { timeoutMs: 50, warn }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MailboxLocked);
        expect(fs.readFileSync(`${box}.lock`, 'latin1')).toBe(content);
      }
    } finally {
      holder.kill();
    }
  });

  it('go on without a lock, with c-client\'s warning, where no lock file can be made', async () => {
    const notADir = path.join(dir, 'file');
    fs.writeFileSync(notADir, '');
    const lock = await acquireDotLock(path.join(notADir, 'box'), { timeoutMs: 0, warn });
    expect(warnings[0]).toMatch(/^Mailbox vulnerable - error creating .*box\.lock: /);
    lock.release();
  });
});
