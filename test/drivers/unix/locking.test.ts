// The unix locking protocol (locking.md 4): the read-write session lock on
// /tmp/.DEV.INO, the dot-lock and flock around reads and writes, a read-only
// session's shared flock, and delete/rename refused while a session holds it.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { CorruptMailbox, MailboxLocked } from '../../../src/errors.js';
import { acquireTmpLock, readTmpLockPid, tmpLockName } from '../../../src/locks/index.js';
import { dump, fileIdentity, holdSession, localRef, tempDir, testContext } from './helpers.js';
import { expectSharedFlockUntilClose } from '../../helpers/session-flock.js';

let dir: string;
let file: string;
const CONTENT = 'From a Wed Dec  2 05:53:22 1992\nSubject: 1\n\none\n\nFrom b Wed Dec  2 05:53:22 1992\nSubject: 2\n\ntwo\n';
beforeEach(() => {
  dir = tempDir();
  file = path.join(dir, 'box');
  fs.writeFileSync(file, CONTENT);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('read-write sessions', () => {
  it('hold the session lock with their PID until close, then remove it', async () => {
    const id = fileIdentity(file);
    const box = await unixDriver.open(localRef(file), 'write', testContext());
    expect(readTmpLockPid(id.dev, id.ino)).toBe(process.pid);
    await box.close();
    expect(fs.existsSync(tmpLockName(id.dev, id.ino))).toBe(false);
  });

  it('fail with MailboxLocked after the timeout when another session holds the lock', async () => {
    const other = await holdSession(file);
    try {
      const started = Date.now();
      const err = await unixDriver.open(localRef(file, 'INBOX.old'), 'write', testContext({ lockTimeoutMs: 300 }))
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MailboxLocked);
      expect((err as Error).message).toBe('Mailbox INBOX.old is in use by another process');
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      // a read-only open needs no session lock
      const ro = await unixDriver.open(localRef(file), 'read', testContext());
      expect((await dump(ro)).length).toBe(2);
      await ro.close();
    } finally {
      other.releaseSession();
    }
  });

  it('move their session lock to the new file when a rewrite replaces the old one', async () => {
    const box = await unixDriver.open(localRef(file), 'write', testContext());
    await box.store([1], { add: { flags: ['\\Deleted'] } });
    await box.expunge();
    const id = fileIdentity(file);
    expect(readTmpLockPid(id.dev, id.ino)).toBe(process.pid);
    expect(await acquireTmpLock(id.dev, id.ino, 'exclusive', 0)).toBeNull();
    await box.close();
  });

  it('wait for a dot-lock, then report the mailbox as locked', async () => {
    fs.writeFileSync(`${file}.lock`, '');
    const err = await unixDriver.open(localRef(file), 'write', testContext({ lockTimeoutMs: 200 })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MailboxLocked);
    // the failed open released its session lock
    const id = fileIdentity(file);
    expect(fs.existsSync(tmpLockName(id.dev, id.ino))).toBe(false);
  });
});

describe('read-only sessions', () => {
  it('keep a shared flock while open, and leave no dot-lock behind', async () => {
    const box = await unixDriver.open(localRef(file), 'read', testContext());
    expect(fs.existsSync(`${file}.lock`)).toBe(false);
    await expectSharedFlockUntilClose(file, box);
  });

  it('read only what was there at open, and stop when the file shrinks', async () => {
    const box = await unixDriver.open(localRef(file), 'read', testContext());
    fs.appendFileSync(file, 'From c Wed Dec  2 05:53:22 1992\n\nthree\n');
    expect((await dump(box)).length).toBe(2);
    fs.truncateSync(file, 40);
    const err = await dump(box).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CorruptMailbox);
    expect((err as CorruptMailbox).detail).toBe(`Mailbox shrank from ${CONTENT.length} to 40 bytes, aborted`);
    await box.close();
  });
});

describe('delete and rename (4.5)', () => {
  it('are refused while a read-write session holds the mailbox', async () => {
    const other = await holdSession(file);
    try {
      await expect(unixDriver.delete(localRef(file, 'old'), testContext())).rejects.toThrow('Mailbox old is in use by another process');
      await expect(unixDriver.rename(localRef(file, 'old'), localRef(path.join(dir, 'new')), testContext()))
        .rejects.toBeInstanceOf(MailboxLocked);
      expect(fs.existsSync(file)).toBe(true);
    } finally {
      other.releaseSession();
    }
  });

  it('remove or move the file and every lock file', async () => {
    const id = fileIdentity(file);
    const to = path.join(dir, 'new');
    await unixDriver.rename(localRef(file), localRef(to), testContext());
    expect(fs.readdirSync(dir)).toEqual(['new']);
    await unixDriver.delete(localRef(to), testContext());
    expect(fs.readdirSync(dir)).toEqual([]);
    expect(fs.existsSync(tmpLockName(id.dev, id.ino))).toBe(false);
  });
});

describe('file times', () => {
  it('keep "new mail" (accessed before modified) after a read-only session saw recent messages', async () => {
    const old = new Date('2020-01-01T00:00:00Z');
    fs.utimesSync(file, new Date('2020-06-01T00:00:00Z'), old);
    const box = await unixDriver.open(localRef(file), 'read', testContext());
    await dump(box);
    await box.close();
    const st = fs.statSync(file);
    expect(st.mtimeMs).toBe(old.getTime());
    expect(st.atimeMs).toBe(old.getTime() - 1000);
  });
});
