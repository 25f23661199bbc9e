// Shared fixtures for the unix driver tests: a temporary folder, a context that
// records warnings and notes with a pinned clock, and references to files in it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { formatInternalDate } from '../../../src/mail/dates.js';
import type { LocalRef, Mailbox, MessageRecord, StoreContext } from '../../../src/store/types.js';
import { recordingContext, localRef as sharedLocalRef } from '../../helpers/store.js';

/** Thu Nov  5 01:02:03 2026 UTC, the clock of formats-flat.md's examples. */
export const PINNED = new Date(1793840523 * 1000);

export interface TestContext extends StoreContext {
  readonly warnings: string[];
  readonly notes: string[];
}

/** A context whose warnings and notes the test can read, with the spec's user, host and clock. */
export function testContext(overrides: Partial<StoreContext> = {}): TestContext {
  const r = recordingContext({ lockTimeoutMs: 2000, user: 'user', host: 'host', now: () => PINNED, ...overrides });
  return { ...r.ctx, warnings: r.warnings, notes: r.notes };
}

export function tempDir(prefix = 'unix-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** The reference of a mailbox file, named by its base name. */
export function localRef(file: string, name = path.basename(file)): LocalRef {
  return sharedLocalRef(path.dirname(file), name, { path: file });
}

export interface Dumped {
  readonly uid: number;
  readonly internalDate: string;
  readonly flags: string[];
  readonly keywords: string[];
  readonly recent: boolean;
  readonly size: number;
  readonly text: string;
  readonly sha256: string;
}

/** Every message of a mailbox in comparable form (text as latin1). */
export async function dump(box: Mailbox): Promise<Dumped[]> {
  const out: Dumped[] = [];
  for await (const m of box.messages()) out.push(await dumpOne(m));
  return out;
}

async function dumpOne(m: MessageRecord): Promise<Dumped> {
  const text = await m.text();
  return {
    uid: m.uid,
    internalDate: formatInternalDate(m.internalDate),
    flags: [...m.flags],
    keywords: [...m.keywords],
    recent: m.recent,
    size: m.size,
    text: text.toString('latin1'),
    sha256: createHash('sha256').update(text).digest('hex'),
  };
}

export interface ReadResult {
  readonly meta: { uidValidity: number; uidLast: number; keywords: readonly string[] };
  readonly messages: Dumped[];
  readonly warnings: string[];
  readonly notes: string[];
}

/** Writes content to a new file, reads it with the unix driver and closes it again. */
export async function readMailbox(content: string | Buffer, mode: 'read' | 'write' = 'read'): Promise<ReadResult> {
  const dir = tempDir();
  try {
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    const ctx = testContext();
    const box = await unixDriver.open(localRef(file), mode, ctx);
    const messages = await dump(box);
    const meta = box.meta;
    await box.close();
    return { meta, messages, warnings: ctx.warnings, notes: ctx.notes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** `From user Wed Dec  2 05:53:22 1992` etc.: a small message after a From_ line. */
export function message(fromLine: string, header = 'Subject: x\n', body = 'body\n'): string {
  return `${fromLine}\n${header}\n${body}`;
}
