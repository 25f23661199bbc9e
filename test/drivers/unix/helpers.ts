// Shared fixtures for the unix driver tests: a temporary folder, a context that
// records warnings and notes with a pinned clock, and references to files in it.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { acquireTmpLock, type TmpLock } from '../../../src/locks/index.js';
import { formatInternalDate } from '../../../src/mail/dates.js';
import type { Driver, LocalRef, Mailbox, MailboxMeta, MessageRecord, StoreContext } from '../../../src/store/types.js';
import { specContext } from '../../helpers/driver-fixtures.js';
import { goldenDir } from '../../interop/golden.js';
import { localRef as sharedLocalRef } from '../../helpers/store.js';

/** The body of the pseudo-message c-client writes first in a unix or mmdf file it creates. */
export const PSEUDO_BODY =
  'This text is part of the internal format of your mail folder, and is not\n' +
  'a real message.  It is created automatically by the mail system software.\n' +
  'If deleted, important folder data will be lost, and it will be re-created\n' +
  'with the data reset to initial values.\n';

export { PINNED } from '../../helpers/driver-fixtures.js';

export interface TestContext extends StoreContext {
  readonly warnings: string[];
  readonly notes: string[];
}

/** A context whose warnings and notes the test can read, with the spec's user, host and clock. */
export function testContext(overrides: Partial<StoreContext> = {}): TestContext {
  const r = specContext(overrides);
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
export function readMailbox(content: string | Buffer, mode: 'read' | 'write' = 'read'): Promise<ReadResult> {
  return readWith(unixDriver, content, mode);
}

/** Writes content to a new file (with the given modification time), reads it with `driver` and closes it again. */
export async function readWith(driver: Driver, content: string | Buffer, mode: 'read' | 'write', mtime?: Date): Promise<ReadResult> {
  const dir = tempDir(`${driver.format}-`);
  try {
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    if (mtime) fs.utimesSync(file, mtime, mtime);
    const ctx = testContext();
    const box = await driver.open(localRef(file), mode, ctx);
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

/** The device and inode that name a file's /tmp/.DEV.INO lock. */
export function fileIdentity(file: string): { dev: bigint; ino: bigint } {
  const st = fs.statSync(file, { bigint: true });
  return { dev: st.dev, ino: st.ino };
}

/** Another session's lock on the file, as a c-client read-write session holds it. */
export async function holdSession(file: string): Promise<TmpLock> {
  const id = fileIdentity(file);
  const lock = await acquireTmpLock(id.dev, id.ino, 'exclusive', 0);
  if (!lock) throw new Error('could not take the session lock');
  return lock;
}

/** What a driver reports about a copy of a golden mailbox, and whether the copy stayed as it was. */
export interface GoldenRead {
  readonly meta: MailboxMeta;
  readonly messages: Dumped[];
  readonly warnings: string[];
  readonly unchanged: boolean;
}

/** Reads a copy of golden mailbox `name` with `driver` (reading takes a dot-lock beside the file: nothing may be written into ../shared). */
export async function readGoldenCopy(driver: Driver, name: string, mode: 'read' | 'write'): Promise<GoldenRead> {
  const dir = tempDir('golden-');
  try {
    const file = path.join(dir, name);
    fs.copyFileSync(path.join(goldenDir(), name), file);
    const ctx = testContext();
    const box = await driver.open(localRef(file), mode, ctx);
    const messages = await dump(box);
    const meta = box.meta;
    // what reading said, before close
    const warnings = [...ctx.warnings];
    await box.close();
    const unchanged = fs.readFileSync(file).equals(fs.readFileSync(path.join(goldenDir(), name)));
    return { meta, messages, warnings, unchanged };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A message as EXPECTED.json and a dump both describe it, flags and keywords in order. */
export function comparable(m: Pick<Dumped, 'uid' | 'internalDate' | 'flags' | 'keywords' | 'size' | 'sha256'>): object {
  return {
    uid: m.uid, internalDate: m.internalDate, flags: [...m.flags].sort(), keywords: [...m.keywords].sort(),
    size: m.size, sha256: m.sha256,
  };
}
