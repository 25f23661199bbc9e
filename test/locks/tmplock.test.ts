// The /tmp/.DEV.INO lock files: c-client's name, mode, sharing and clean-up rules.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { acquireTmpLock, readTmpLockPid, tmpLockName } from '../../src/locks/index.js';

let dir: string;
let file: string;
let dev: bigint;
let ino: bigint;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmplock-'));
  file = path.join(dir, 'box');
  fs.writeFileSync(file, 'x');
  ({ dev, ino } = fs.statSync(file, { bigint: true }));
});
afterEach(() => {
  try {
    fs.unlinkSync(tmpLockName(dev, ino));
  } catch {
    // released already
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('/tmp/.DEV.INO locks', () => {
  it('are named after the device and inode in lower-case hex, as stat(1) reports them', () => {
    const [devHex, inoDec] = execFileSync('stat', ['-c', '%D %i', file], { encoding: 'latin1' }).trim().split(' ');
    expect(tmpLockName(dev, ino)).toBe(`/tmp/.${devHex}.${BigInt(inoDec!).toString(16)}`);
  });

  it('are created mode 0666 so that any user can lock a shared mailbox', async () => {
    const lock = await acquireTmpLock(dev, ino, 'exclusive', 0);
    expect(lock).not.toBeNull();
    expect(fs.statSync(lock!.path).mode & 0o777).toBe(0o666);
    lock!.release();
  });

  it('exclude a second exclusive holder until released, then are removed', async () => {
    const a = await acquireTmpLock(dev, ino, 'exclusive', 0);
    expect(await acquireTmpLock(dev, ino, 'exclusive', 50)).toBeNull();
    expect(await acquireTmpLock(dev, ino, 'shared', 0)).toBeNull();
    a!.release();
    expect(fs.existsSync(tmpLockName(dev, ino))).toBe(false);
    const b = await acquireTmpLock(dev, ino, 'exclusive', 0);
    expect(b).not.toBeNull();
    b!.release();
  });

  it('wait for a holder that lets go within the timeout', async () => {
    const a = await acquireTmpLock(dev, ino, 'exclusive', 0);
    setTimeout(() => a!.release(), 50);
    const b = await acquireTmpLock(dev, ino, 'exclusive', 2000);
    expect(b).not.toBeNull();
    b!.release();
  });

  it('can be shared, and the last holder removes the file', async () => {
    const a = await acquireTmpLock(dev, ino, 'shared', 0);
    const b = await acquireTmpLock(dev, ino, 'shared', 0);
    expect(a && b).toBeTruthy();
    a!.release();
    expect(fs.existsSync(tmpLockName(dev, ino))).toBe(true);
    b!.release();
    expect(fs.existsSync(tmpLockName(dev, ino))).toBe(false);
  });

  it('carry the PID of a unix read-write session, and releaseSession removes the file', async () => {
    const lock = await acquireTmpLock(dev, ino, 'exclusive', 0);
    lock!.writePid();
    expect(fs.readFileSync(lock!.path, 'latin1')).toBe(String(process.pid));
    expect(readTmpLockPid(dev, ino)).toBe(process.pid);
    lock!.releaseSession();
    expect(fs.existsSync(tmpLockName(dev, ino))).toBe(false);
    expect(readTmpLockPid(dev, ino)).toBeUndefined();
  });

  it('refuse a lock name that is a symbolic link', async () => {
    fs.symlinkSync(path.join(dir, 'elsewhere'), tmpLockName(dev, ino));
    await expect(acquireTmpLock(dev, ino, 'exclusive', 0)).rejects.toThrow(/symbolic link on lock name/);
  });
});
