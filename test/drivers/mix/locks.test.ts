// c-client's locks on a mix mailbox (formats-dir.md 2.13, locking.md 7), seen
// from another holder: the session's shared .mixmeta lock, .mixindex and
// .mixstatus taken exclusively to change and shared to read, waiting for a
// holder and giving up with MailboxLocked.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixDriver } from '../../../src/drivers/mix/index.js';
import { MailboxLocked } from '../../../src/errors.js';
import { flockNow, type FlockMode } from '../../../src/locks/index.js';
import { batch, collect, context, ref, SAMPLE, SAMPLE_KEYWORDS, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

async function sampleBox(): Promise<{ home: string; dir: string }> {
  const home = tempDir();
  const r = ref(home, 'box');
  await mixDriver.create(r, context().ctx, { meta: { keywords: SAMPLE_KEYWORDS } });
  const mb = await mixDriver.open(r, 'write', context().ctx);
  await mb.append(batch(SAMPLE));
  await mb.close();
  return { home, dir: r.path };
}

/** Another process's lock on a mix file: a descriptor of our own, flocked. */
function hold(dir: string, file: string, mode: FlockMode): { release(): void } {
  const fd = fs.openSync(path.join(dir, file), 'r');
  expect(flockNow(fd, mode)).toBe(true);
  return { release: () => fs.closeSync(fd) };
}

const quick = { lockTimeoutMs: 150 };

describe('the session lock on .mixmeta', () => {
  it('is shared and held from open to close, by read-only and read-write sessions', async () => {
    const { home, dir } = await sampleBox();
    for (const mode of ['read', 'write'] as const) {
      const mb = await mixDriver.open(ref(home, 'box'), mode, context().ctx);
      const probe = fs.openSync(path.join(dir, '.mixmeta'), 'r');
      expect(flockNow(probe, 'exclusive')).toBe(false);
      expect(flockNow(probe, 'shared')).toBe(true);
      fs.closeSync(probe);
      await mb.close();
      const after = fs.openSync(path.join(dir, '.mixmeta'), 'r');
      expect(flockNow(after, 'exclusive')).toBe(true);
      fs.closeSync(after);
    }
  });

  it('an exclusive holder (a burp, a delete) keeps an open waiting, then MailboxLocked', async () => {
    const { home, dir } = await sampleBox();
    const other = hold(dir, '.mixmeta', 'exclusive');
    try {
      await expect(mixDriver.open(ref(home, 'box'), 'read', context(undefined, quick).ctx)).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      other.release();
    }
  });
});

describe('.mixindex and .mixstatus', () => {
  it('reading takes them shared: other readers do not stop it, a writer does', async () => {
    const { home, dir } = await sampleBox();
    const readers = [hold(dir, '.mixindex', 'shared'), hold(dir, '.mixstatus', 'shared')];
    const mb = await mixDriver.open(ref(home, 'box'), 'read', context(undefined, quick).ctx);
    expect((await collect(mb.messages())).length).toBe(4);
    readers.forEach((r) => r.release());
    const writer = hold(dir, '.mixstatus', 'exclusive');
    try {
      await expect(collect(mb.messages())).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      writer.release();
      await mb.close();
    }
  });

  it.each([
    ['append', '.mixindex', 'shared'],
    ['append', '.mixstatus', 'shared'],
    ['expunge', '.mixindex', 'shared'],
    ['store', '.mixstatus', 'shared'],
    ['store', '.mixindex', 'exclusive'],
  ] as const)('%s waits for %s held %s, and gives up with MailboxLocked', async (op, file, mode) => {
    const { home, dir } = await sampleBox();
    const mb = await mixDriver.open(ref(home, 'box'), 'write', context(undefined, quick).ctx);
    const other = hold(dir, file, mode);
    const run = (): Promise<unknown> => op === 'append' ? mb.append(batch([SAMPLE[0]!]))
      : op === 'expunge' ? mb.expunge() : mb.store([1], { add: { flags: ['\\Draft'] } });
    try {
      await expect(run()).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      other.release();
    }
    // once the other process lets go, the same change goes through
    await run();
    await mb.close();
  });

  it('a flag change without a new keyword shares the index with readers', async () => {
    const { home, dir } = await sampleBox();
    const reader = hold(dir, '.mixindex', 'shared');
    try {
      const mb = await mixDriver.open(ref(home, 'box'), 'write', context(undefined, quick).ctx);
      await mb.store([1], { add: { flags: ['\\Draft'] } });
      await mb.close();
    } finally {
      reader.release();
    }
  });

  it('a lock held for a moment is waited for', async () => {
    const { home, dir } = await sampleBox();
    const mb = await mixDriver.open(ref(home, 'box'), 'write', context(undefined, { lockTimeoutMs: 5000 }).ctx);
    const other = hold(dir, '.mixindex', 'exclusive');
    setTimeout(() => other.release(), 100);
    expect((await mb.append(batch([SAMPLE[0]!]))).uids).toEqual([5]);
    await mb.close();
  });
});
