// The locks repair-mbx holds (locking.md 5) and what happens to an append that was
// waiting for them when the file is replaced.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mbxRepairKit } from '../../src/drivers/mbx/index.js';
import { MailboxLocked } from '../../src/errors.js';
import { flockNow } from '../../src/locks/index.js';
import { saveLateAppend } from '../../src/ops/repair-files.js';
import { mbxBytes, SPEC_MESSAGES, tempDir } from '../drivers/mbx/helpers.js';

const base = mbxBytes(SPEC_MESSAGES);

function mailbox(): string {
  const file = path.join(tempDir(), 'box');
  fs.writeFileSync(file, base);
  return file;
}

/** Waits until a process is blocked in flock(2) on this inode (/proc/locks shows waiters as "->"). */
async function blockedOnFlock(ino: number): Promise<void> {
  for (let waited = 0; waited < 10_000; waited += 10) {
    const locks = fs.readFileSync('/proc/locks', 'utf8');
    if (locks.split('\n').some((l) => l.includes('->') && new RegExp(`:${ino} `).test(l))) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error('the appender never waited for the lock');
}

describe('the replacement lock', () => {
  it('keeps every other process\'s flock out while held', async () => {
    const file = mailbox();
    const lock = await mbxRepairKit.lockForReplacement(file, 'box', 1000);
    const other = fs.openSync(file, 'r');
    try {
      expect(flockNow(other, 'shared')).toBe(false);
      lock.close();
      expect(flockNow(other, 'shared')).toBe(true);
    } finally {
      fs.closeSync(other);
      lock.close();
    }
  });

  it('is refused while another process has the file open (holds its shared flock)', async () => {
    const file = mailbox();
    const other = fs.openSync(file, 'r');
    expect(flockNow(other, 'shared')).toBe(true);
    try {
      await expect(mbxRepairKit.lockForReplacement(file, 'box', 200)).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      fs.closeSync(other);
    }
  });

  it('lets an append waiting in flock(2) finish before it reports the old file\'s size', async () => {
    const file = mailbox();
    const lock = await mbxRepairKit.lockForReplacement(file, 'box', 1000);
    try {
      // a c-client-like appender: opens the file, waits for a shared flock, appends
      const appender = spawn('flock', ['-s', file, 'sh', '-c', `printf 'late arrival' >> '${file}'`], { stdio: 'ignore' });
      const done = new Promise((resolve) => appender.on('exit', resolve));
      await blockedOnFlock(fs.fstatSync(lock.fd).ino);
      const settled = await lock.releaseAndSettle(5000);
      await done;
      expect(settled).toBe(base.length + 'late arrival'.length);
    } finally {
      lock.close();
    }
  });
});

describe('bytes that reached the old file', () => {
  it('are saved in the next badmsg file, and the user is told', async () => {
    const file = mailbox();
    fs.writeFileSync(`${file}.badmsg.1`, 'from before');
    fs.appendFileSync(file, 'late arrival');
    const fd = fs.openSync(file, 'r');
    const warnings: string[] = [];
    try {
      const saved = await saveLateAppend(file, 'box', fd, base.length, base.length + 12, (t) => warnings.push(t));
      expect(saved).toEqual({ file: `${file}.badmsg.2`, offset: base.length, length: 12, what: 'late-append' });
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(`${file}.badmsg.2`, 'latin1')).toBe('late arrival');
    expect(warnings).toEqual([`12 bytes were appended to box while it was being repaired; they are in ${file}.badmsg.2 `
      + '(mbx header lines and texts: append them again with mailutil or mailsmith)']);
  });
});
