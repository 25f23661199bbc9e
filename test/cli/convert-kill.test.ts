// A conversion killed (SIGKILL) at any moment leaves the mailbox's name holding either the old
// mailbox byte for byte or the new one complete, never neither and never half; and the next
// run settles what it left and finishes the job. The real CLI converts a mailbox big enough to
// take a while, and is killed at times spread over a whole conversion, and as soon as the
// finished new mailbox appears beside the old one (just before the swap).
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { convertMailbox } from '../../src/ops/convert.js';
import { detect } from '../../src/store/index.js';
import type { FormatName } from '../../src/store/types.js';
import { projectRoot } from '../helpers/paths.js';
import { localRef, recordingContext } from '../helpers/store.js';
import { readWithMailsmith } from '../interop/mailsmith.js';
import { realMessages, unixMbox, withoutEnvelope } from '../interop/messages.js';

const COPIES = 2;
const RUNS_PER_FORMAT = 4;

interface Fixture {
  readonly original: Buffer;
  /** UID and text hash of every message, as the original reads. */
  readonly messages: readonly string[];
}

async function fixture(): Promise<Fixture> {
  const real = await realMessages();
  const entries = Array.from({ length: COPIES }, () => real).flat().map((m, i) => ({
    envelope: `sender${i}@example.org Mon Nov 30 06:00:00 2026`,
    status: [...(i === 0 ? [`X-IMAPbase: 1700000000 ${String(real.length * COPIES).padStart(10, '0')}`] : []), `X-UID: ${i + 1}`],
    text: withoutEnvelope(m.raw),
  }));
  const original = unixMbox(entries);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convert-kill-'));
  fs.writeFileSync(path.join(dir, 'box'), original, { mode: 0o600 });
  return { original, messages: await summary(dir) };
}

async function summary(dir: string): Promise<string[]> {
  const dump = await readWithMailsmith(dir, 'box');
  return dump.messages.map((m) => `${m.uid} ${createHash('sha256').update(m.text).digest('hex')}`);
}

function freshHome(f: Fixture): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'convert-kill-'));
  fs.writeFileSync(path.join(dir, 'box'), f.original, { mode: 0o600 });
  return dir;
}

function cli(dir: string, to: FormatName): ReturnType<typeof spawn> {
  const bin = path.join(projectRoot(), 'bin', 'run.js');
  return spawn(process.execPath, [bin, 'convert-format', '--home', dir, '--no-progress', 'box', '--to', to], {
    stdio: 'ignore', env: { PATH: process.env.PATH, HOME: dir, TZ: 'UTC' },
  });
}

const exited = (child: ReturnType<typeof spawn>): Promise<void> => new Promise((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) resolve();
  else child.once('exit', () => resolve());
});

/** Runs a whole conversion; how long it took (ms). */
async function timedRun(f: Fixture, to: FormatName): Promise<number> {
  const dir = freshHome(f);
  const start = Date.now();
  const child = cli(dir, to);
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  await exited(child);
  clearTimeout(timer);
  expect(child.exitCode).toBe(0);
  expect(await state(dir, f, to)).toBe('new');
  return Date.now() - start;
}

/** 'old' (the original, byte for byte) or 'new' (complete in the new format); anything else fails. */
async function state(dir: string, f: Fixture, to: FormatName): Promise<'old' | 'new'> {
  const p = path.join(dir, 'box');
  expect(fs.existsSync(p)).toBe(true);
  if (fs.statSync(p).isFile() && fs.readFileSync(p).equals(f.original)) return 'old';
  const found = await detect(p);
  expect(found.kind === 'mailbox' ? found.driver.format : found.kind).toBe(to);
  expect(await summary(dir)).toEqual(f.messages);
  return 'new';
}

const leftovers = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.includes('.convert-'));

/** Kills the conversion at `afterMs`, or as soon as `when` says so (polled every millisecond). */
async function killedRun(dir: string, to: FormatName, afterMs: number, when?: () => boolean): Promise<void> {
  const child = cli(dir, to);
  const done = exited(child);
  const deadline = Date.now() + afterMs;
  while (child.exitCode === null && child.signalCode === null && Date.now() < deadline && !when?.()) {
    await new Promise((r) => setTimeout(r, 1));
  }
  child.kill('SIGKILL');
  await done;
}

describe('convert-format killed at any moment', () => {
  it.each<[FormatName]>([['mix'], ['mbx']])('unix -> %s: the name always holds the old mailbox or the new one, and a rerun finishes', async (to) => {
    const f = await fixture();
    const full = await timedRun(f, to);
    const seen = { old: 0, new: 0, leftovers: 0 };
    const check = async (dir: string): Promise<void> => {
      seen[await state(dir, f, to)]++;
      if (leftovers(dir).length > 0) seen.leftovers++;
      const { ctx } = recordingContext();
      const r = await convertMailbox(localRef(dir, 'box'), ctx, { to });
      expect(['converted', 'skipped']).toContain(r.status);
      expect(await state(dir, f, to)).toBe('new');
      expect(leftovers(dir)).toEqual([]);
    };
    for (let k = 0; k < RUNS_PER_FORMAT; k++) {
      const dir = freshHome(f);
      // spread over the whole run, node's start-up included, with some jitter
      await killedRun(dir, to, Math.round(full * (0.2 + (0.9 * k) / RUNS_PER_FORMAT) + Math.random() * 40));
      await check(dir);
    }
    // just before the swap: the finished new mailbox is beside the old one
    const dir = freshHome(f);
    await killedRun(dir, to, 60_000, () => leftovers(dir).some((n) => n.includes('.convert-ready-')));
    await check(dir);
    expect(seen.leftovers).toBeGreaterThan(0);
  }, 300_000);
});
