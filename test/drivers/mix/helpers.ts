// Shared by the mix driver tests: temporary folders, references, a context
// with a pinned clock, the sample messages of formats-dir.md section 8 as
// c-client hands them to a driver, and mix files read back as text.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { NewMessage, StoreContext } from '../../../src/store/types.js';
import { recordingContext, type Recording } from '../../helpers/store.js';

export { localRef as ref } from '../../helpers/store.js';
export { batch, collect, newMessage, type Seen } from '../../helpers/records.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mix-test-'));
}

/** A clock that shows `seconds` (a Unix time) until moved with set(). */
export class Clock {
  constructor(public seconds: number) {}
  set(seconds: number): void {
    this.seconds = seconds;
  }
  now = (): Date => new Date(this.seconds * 1000);
}

/** A context recording what the driver says, with a pinned clock. */
export function context(clock: Clock = new Clock(0x6b058d82), overrides: Partial<StoreContext> = {}): Recording {
  return recordingContext({ lockTimeoutMs: 2000, user: 'user', host: 'host', now: clock.now, ...overrides });
}

const crlf = (lines: string[]): Buffer => Buffer.from(lines.map((l) => `${l}\r\n`).join(''), 'latin1');

/**
 * The four messages of formats-dir.md section 8 as c-client's unix driver hands them over
 * (CRLF, status headers gone), with their internal dates, flags and keywords.
 */
export const SAMPLE: NewMessage[] = [
  {
    text: crlf(['Date: Wed, 22 Nov 2023 10:11:00 -0800', 'From: Alice <alice@example.com>', 'To: bob@example.org',
      'Subject: one', 'Message-ID: <one@example.com>', '', 'Hello one.']),
    internalDate: { ms: Date.UTC(2023, 10, 22, 10, 11, 12), zone: 0 },
    flags: ['\\Seen', '\\Flagged', '\\Answered'],
    keywords: ['work', 'urgent'],
  },
  {
    text: crlf(['Date: Thu, 23 Nov 2023 01:02:00 -0500', 'From: Bob <bob@example.org>', 'To: alice@example.com',
      'Subject: two', 'Message-ID: <two@example.org>', '', 'Body two line 1', '>From here it is quoted',
      'From the desk of Bob (not a separator)']),
    internalDate: { ms: Date.UTC(2023, 10, 23, 6, 2, 3), zone: -300 },
    flags: ['\\Deleted', '\\Draft'],
    keywords: ['work'],
  },
  {
    text: crlf(['Date: Fri, 24 Nov 2023 23:59:59 +0000', 'From: carol@example.net', 'To: bob@example.org',
      'Subject: three', 'Message-ID: <three@example.net>', '', 'Recent, unseen message three.']),
    internalDate: { ms: Date.UTC(2023, 10, 24, 23, 59, 59), zone: 0 },
    flags: [],
    keywords: [],
  },
  {
    text: crlf(['Date: Sat, 25 Nov 2023 08:00:00 +0100', 'From: dave@example.com', 'To: bob@example.org',
      'Subject: four', 'Message-ID: <four@example.com>', '', 'Seen message four, no trailing blank line issues.']),
    internalDate: { ms: Date.UTC(2023, 10, 25, 8, 0, 0), zone: 0 },
    flags: ['\\Seen'],
    keywords: ['personal'],
  },
];

export const SAMPLE_KEYWORDS = ['work', 'urgent', 'personal'];


/** A file of the mailbox as text (CRLF shown as it is). */
export function fileText(dir: string, file: string): string {
  return fs.readFileSync(path.join(dir, file), 'latin1');
}

/** The lines of a mix file without their CRLF. */
export function fileLines(dir: string, file: string): string[] {
  return fileText(dir, file).split('\r\n').slice(0, -1);
}

/** The data files of a mix directory (.mix followed by hex digits), sorted, with their sizes. */
export function dataFiles(dir: string): [string, number][] {
  return fs.readdirSync(dir)
    .filter((e) => /^\.mix[0-9a-f]*$/.test(e))
    .sort()
    .map((e) => [e, fs.statSync(path.join(dir, e)).size]);
}

export function inode(p: string): number {
  return fs.statSync(p).ino;
}
