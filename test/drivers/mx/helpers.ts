// Shared by the mx driver tests: temporary folders, a context that records
// what the driver says with a pinned clock, mx directories built file by file,
// and the golden mx folders with the file times EXPECTED.json records.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import type { MailDate } from '../../../src/mail/dates.js';
import type { NewMessage, StoreContext } from '../../../src/store/types.js';
import { sharedDir } from '../../helpers/paths.js';
import { newMessage as anyNewMessage } from '../../helpers/records.js';
import { recordingContext, type Recording } from '../../helpers/store.js';

export { localRef as ref } from '../../helpers/store.js';
export { batch, collect, type Seen } from '../../helpers/records.js';

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder under the system's temporary folder, removed after the test file. */
export function tempDir(prefix = 'mx-test-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  made.push(dir);
  return dir;
}

/** The clock pinned to 0x6b058c12, the UID validity of the spec's examples. */
export const PINNED = new Date(0x6b058c12 * 1000);

export function context(overrides: Partial<StoreContext> = {}): Recording {
  return recordingContext({ lockTimeoutMs: 2000, now: () => PINNED, ...overrides });
}

export const goldenDir = path.join(sharedDir(), 'corpus', 'golden');

export interface ExpectedMailbox {
  uidValidity: number;
  uidLast: number;
  keywords: string[];
  count: number;
  check: string;
  fileMtimes: Record<string, number>;
  messages: { uid: number; internalDate: string; flags: string[]; keywords: string[]; size: number; sha256: string }[];
}

export function expectedFor(name: string): ExpectedMailbox {
  return JSON.parse(fs.readFileSync(path.join(goldenDir, 'EXPECTED.json'), 'utf8')).mailboxes[name];
}

/**
 * Copies a golden folder into dir (writable), giving every message file the mtime
 * EXPECTED.json records (git keeps none) and an atime `atime` seconds after it.
 */
export function copyGolden(name: string, dir: string, atime = 1): string {
  const to = path.join(dir, name);
  fs.mkdirSync(to, { mode: 0o700 });
  const mtimes = expectedFor(name).fileMtimes;
  for (const entry of fs.readdirSync(path.join(goldenDir, name))) {
    const file = path.join(to, entry);
    fs.copyFileSync(path.join(goldenDir, name, entry), file);
    fs.chmodSync(file, 0o600);
    const mtime = mtimes[entry];
    if (mtime !== undefined) fs.utimesSync(file, mtime + atime, mtime);
  }
  return to;
}

/** An mx folder: .mxindex with these bytes and a file per message. */
export function writeMx(dir: string, name: string, index: string, files: Record<number, { text: string; mtime?: number }>): string {
  const p = path.join(dir, name);
  fs.mkdirSync(p, { mode: 0o700 });
  fs.writeFileSync(path.join(p, '.mxindex'), Buffer.from(index, 'latin1'));
  for (const [uid, f] of Object.entries(files)) {
    const file = path.join(p, uid);
    fs.writeFileSync(file, Buffer.from(f.text, 'latin1'));
    if (f.mtime !== undefined) fs.utimesSync(file, f.mtime, f.mtime);
  }
  return p;
}

/** A message from latin1 text; the date defaults to 23-Nov-2023 06:02:03 +0000. */
export function newMessage(text: string, extra: Partial<NewMessage> = {}, date: MailDate = { ms: Date.UTC(2023, 10, 23, 6, 2, 3), zone: 0 }): NewMessage {
  return anyNewMessage(text, extra, date);
}

export const readIndex = (dir: string): string => fs.readFileSync(path.join(dir, '.mxindex'), 'latin1');

/** The spec's example mailbox (formats-dir.md 3.3): four messages, three keywords. */
export const SPEC_INDEX = 'V6b058c12L00000005Kwork\nKurgent\nKpersonal\n'
  + 'M00000002;00000003.000dM00000003;00000001.0022M00000004;00000000.0000M00000005;00000004.0001';

export const SPEC_FILES: Record<number, { text: string; mtime: number }> = {
  2: { text: 'Subject: one\r\n\r\nOne.\r\n', mtime: 1700647872 },
  3: { text: 'Subject: three\r\n\r\nThree.\r\n', mtime: 1700704923 },
  4: { text: 'Subject: three again\r\n\r\nFour.\r\n', mtime: 1700870399 },
  5: { text: 'Subject: five\r\n\r\nFive.\r\n', mtime: 1701172800 },
};
