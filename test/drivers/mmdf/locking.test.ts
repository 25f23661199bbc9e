// mmdf locks as unix does (locking.md 4): the read-write session lock on
// /tmp/.DEV.INO with the PID, the dot-lock and flock around reads and writes,
// a read-only session's shared flock, delete and rename refused while a
// session holds the mailbox.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { MailboxLocked } from '../../../src/errors.js';
import { flockNow, readTmpLockPid, tmpLockName } from '../../../src/locks/index.js';
import { D, dump, fileIdentity, holdSession, localRef, tempDir, testContext } from './helpers.js';

let dir: string;
let file: string;
beforeEach(() => {
  dir = tempDir('mmdf-');
  file = path.join(dir, 'box');
  fs.writeFileSync(file, `${D}From a Wed Dec  2 05:53:22 1992\nSubject: 1\n\none\n${D}${D}From b Wed Dec  2 05:53:22 1992\nSubject: 2\n\ntwo\n${D}`);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('sessions', () => {
  it('read-write: hold the session lock with the PID until close, move it with a rewrite, then remove it', async () => {
    const box = await mmdfDriver.open(localRef(file), 'write', testContext());
    expect(readTmpLockPid(fileIdentity(file).dev, fileIdentity(file).ino)).toBe(process.pid);
    await box.store([1], { add: { flags: ['\\Deleted'] } });
    await box.expunge();
    const id = fileIdentity(file);
    expect(readTmpLockPid(id.dev, id.ino)).toBe(process.pid);
    await box.close();
    expect(fs.existsSync(tmpLockName(id.dev, id.ino))).toBe(false);
  });

  it('read-write: fail with MailboxLocked when another session holds the lock; read-only still works', async () => {
    const other = await holdSession(file);
    try {
      const err = await mmdfDriver.open(localRef(file, 'old'), 'write', testContext({ lockTimeoutMs: 200 })).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MailboxLocked);
      expect((err as Error).message).toBe('Mailbox old is in use by another process');
      const ro = await mmdfDriver.open(localRef(file), 'read', testContext());
      expect((await dump(ro)).length).toBe(2);
      await ro.close();
    } finally {
      other.releaseSession();
    }
  });

  it('wait for a dot-lock, then report the mailbox as locked', async () => {
    fs.writeFileSync(`${file}.lock`, '');
    await expect(mmdfDriver.open(localRef(file), 'read', testContext({ lockTimeoutMs: 200 }))).rejects.toBeInstanceOf(MailboxLocked);
  });

  it('read-only: keep a shared flock while open, and no dot-lock', async () => {
    const box = await mmdfDriver.open(localRef(file), 'read', testContext());
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    const fd = fs.openSync(file, 'r');
    try {
      expect(flockNow(fd, 'exclusive')).toBe(false);
      await box.close();
      expect(flockNow(fd, 'exclusive')).toBe(true);
    } finally {
      fs.closeSync(fd);
    }
  });
});

describe('delete and rename', () => {
  it('are refused while a read-write session holds the mailbox, and work once it is free', async () => {
    const other = await holdSession(file);
    try {
      await expect(mmdfDriver.delete(localRef(file, 'old'), testContext())).rejects.toThrow('Mailbox old is in use by another process');
      await expect(mmdfDriver.rename(localRef(file), localRef(path.join(dir, 'new')), testContext())).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      other.releaseSession();
    }
    const to = path.join(dir, 'new');
    await mmdfDriver.rename(localRef(file), localRef(to), testContext());
    expect(await mmdfDriver.probe(to)).toBe(true);
    await mmdfDriver.delete(localRef(to), testContext());
    expect(fs.readdirSync(dir)).toEqual([]);
  });
});
