// dovecot-uidlist.lock as Dovecot's file_dotlock makes and judges it
// (formats-dir.md 6.6, 6.8): O_EXCL, "<pid>:<host>", held for every change and
// removed after; a live holder is waited for; a holder of this host that is
// gone (once the lock is 2 s old) or a lock unchanged for the stale time is
// overridden.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { maildirDriver } from '../../../src/drivers/maildir/index.js';
import { UidlistLock } from '../../../src/drivers/maildir/uidlist-lock.js';
import { MailboxLocked } from '../../../src/errors.js';
import { batch, context, filesIn, makeFolder, message, ref, snapshot, tempDir } from './helpers.js';

const LOCK = 'dovecot-uidlist.lock';

function folder(): string {
  return makeFolder(path.join(tempDir(), 'md'), [{ at: 'cur/1.M1P1.h:2,', text: 'a\n', mtime: 1 }],
    { uidlist: '3 V9 N2 G096ecc0c4e8c056b0062000083ecc375\n1 :1.M1P1.h\n' });
}

function holdLock(dir: string, holder: string, ageSeconds = 0): string {
  const file = path.join(dir, LOCK);
  fs.writeFileSync(file, holder);
  if (ageSeconds > 0) {
    const t = Date.now() / 1000 - ageSeconds;
    fs.utimesSync(file, t, t);
  }
  return file;
}

/** A PID that no process has any more. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

async function flag(dir: string, lockTimeoutMs: number) {
  const rec = context({ lockTimeoutMs });
  const mb = await maildirDriver.open(ref(path.dirname(dir), path.basename(dir)), 'write', rec.ctx);
  try {
    await mb.store([1], { add: { flags: ['\\Seen'] } });
  } finally {
    await mb.close();
  }
  return rec.warnings;
}

describe('dovecot-uidlist.lock', () => {
  it('is made with O_EXCL holding "<pid>:<host>", and removed on release', async () => {
    const dir = folder();
    const lock = await UidlistLock.acquire(dir, 'md', { timeoutMs: 0, warn: () => {} });
    expect(fs.readFileSync(path.join(dir, LOCK), 'utf8')).toBe(`${process.pid}:${os.hostname()}`);
    await expect(UidlistLock.acquire(dir, 'md', { timeoutMs: 0, warn: () => {} })).rejects.toThrow(MailboxLocked);
    lock.release();
    expect(fs.existsSync(path.join(dir, LOCK))).toBe(false);
  });

  it('every change holds it: a flag change waits for a live holder, then fails without changing anything', async () => {
    const dir = folder();
    holdLock(dir, `${process.pid}:${os.hostname()}`, 60);
    const before = snapshot(dir);
    await expect(flag(dir, 300)).rejects.toThrow(`Mailbox md is locked by another process (${LOCK}); try again later`);
    expect(snapshot(dir)).toEqual(before);
    fs.unlinkSync(path.join(dir, LOCK));
    expect(await flag(dir, 300)).toEqual([]);
    expect(filesIn(dir, 'cur')).toEqual(['1.M1P1.h:2,S']);
  });

  it('an append that cannot get it removes the files it wrote to tmp/', async () => {
    const dir = folder();
    holdLock(dir, `${process.pid}:${os.hostname()}`);
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'md'), 'write', context({ lockTimeoutMs: 200 }).ctx);
    await expect(mb.append(batch([message('x\r\n'), message('y\r\n', { flags: ['\\Seen'] })]))).rejects.toThrow(MailboxLocked);
    await mb.close();
    expect([filesIn(dir, 'tmp'), filesIn(dir, 'new'), filesIn(dir, 'cur')]).toEqual([[], [], ['1.M1P1.h:2,']]);
  });

  it('overrides a lock whose holder on this host is gone, once the lock is 2 seconds old', async () => {
    const dir = folder();
    const pid = deadPid();
    holdLock(dir, `${pid}:${os.hostname()}`, 3);
    expect(await flag(dir, 300)).toEqual([`md: overriding a stale ${LOCK} (process ${pid} that made it is gone)`]);
    expect(filesIn(dir, 'cur')).toEqual(['1.M1P1.h:2,S']);
    expect(fs.existsSync(path.join(dir, LOCK))).toBe(false);
  });

  it('does not judge a fresh lock by its PID (Dovecot waits 2 seconds before reading it)', async () => {
    const dir = folder();
    holdLock(dir, `${deadPid()}:${os.hostname()}`);
    await expect(flag(dir, 300)).rejects.toThrow(MailboxLocked);
  });

  it('overrides a lock of another host (or without PID) that did not change for the stale time', async () => {
    const dir = folder();
    holdLock(dir, '4242:some-other-host');
    const warnings: string[] = [];
    await expect(UidlistLock.acquire(dir, 'md', { timeoutMs: 0, warn: (t) => warnings.push(t), staleMs: 60_000 })).rejects.toThrow(MailboxLocked);
    vi.useFakeTimers({ now: Date.now() + 61_000, toFake: ['Date'] });
    try {
      const lock = await UidlistLock.acquire(dir, 'md', { timeoutMs: 0, warn: (t) => warnings.push(t), staleMs: 60_000 });
      lock.release();
    } finally {
      vi.useRealTimers();
    }
    expect(warnings.at(-1)).toMatch(new RegExp(`^md: overriding a stale ${LOCK} \\(unchanged for 6\\d seconds\\)$`));
  });

  it('says so on release when another process took the lock away meanwhile', async () => {
    const dir = folder();
    const warnings: string[] = [];
    const lock = await UidlistLock.acquire(dir, 'md', { timeoutMs: 0, warn: (t) => warnings.push(t) });
    fs.unlinkSync(path.join(dir, LOCK));
    holdLock(dir, '1:elsewhere');
    lock.release();
    expect(warnings).toEqual([`${path.join(dir, LOCK)} was overridden by another process while mailsmith held it`]);
    expect(fs.readFileSync(path.join(dir, LOCK), 'utf8')).toBe('1:elsewhere');
  });
});
