// Shared by the maildir driver tests: temporary folders, references, a context
// that collects what the driver says, folders built file by file as Dovecot
// leaves them, and a snapshot of a folder to prove what changed.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { MailDate } from '../../../src/mail/dates.js';
import type { MessageRecord, NewMessage } from '../../../src/store/types.js';
import { collect as collectBytes, newMessage, type Seen as SeenBytes } from '../../helpers/records.js';

export { localRef as ref } from '../../helpers/store.js';
export { batch } from '../../helpers/records.js';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'maildir-test-'));
}

export { PINNED, specContext as context } from '../../helpers/driver-fixtures.js';

export interface FileSpec {
  /** 'new/NAME' or 'cur/NAME'. */
  readonly at: string;
  readonly text: string;
  /** mtime, seconds since the epoch. */
  readonly mtime: number;
}

/** A folder as Dovecot leaves one: tmp/new/cur, the files, and dovecot-uidlist / dovecot-keywords as given. */
export function makeFolder(dir: string, files: readonly FileSpec[], extra: { uidlist?: string; keywords?: string } = {}): string {
  for (const sub of ['tmp', 'new', 'cur']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  for (const f of files) {
    const p = path.join(dir, f.at);
    fs.writeFileSync(p, f.text, 'latin1');
    fs.utimesSync(p, f.mtime, f.mtime);
  }
  if (extra.uidlist !== undefined) fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), extra.uidlist);
  if (extra.keywords !== undefined) fs.writeFileSync(path.join(dir, 'dovecot-keywords'), extra.keywords);
  return dir;
}

/**
 * Every file under dir with its content hash, size and mtime, and the directories' mtimes:
 * equal snapshots mean nothing was written. tmp/'s own mtime is left out: a write that is
 * undone leaves nothing there, but the directory has changed.
 */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const rel = path.relative(dir, p);
      if (e.isDirectory()) {
        if (rel !== 'tmp') out[`${rel}/`] = String(fs.statSync(p).mtimeMs);
        walk(p);
      } else {
        const st = fs.statSync(p);
        out[rel] = `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')} ${st.size} ${st.mtimeMs}`;
      }
    }
  };
  walk(dir);
  return out;
}

/** Names in a subdirectory, sorted. */
export function filesIn(dir: string, sub: string): string[] {
  return fs.readdirSync(path.join(dir, sub)).sort();
}

/** What a listing shows, the texts as latin1 strings. */
export type Seen = Omit<SeenBytes, 'text'> & { text: string };

export async function collect(records: AsyncIterable<MessageRecord>): Promise<Seen[]> {
  return (await collectBytes(records)).map((m) => ({ ...m, text: m.text.toString('latin1') }));
}

/** A message from CRLF text; the date defaults to 2-Jan-2023 03:04:05 UTC. */
export function message(text: string, extra: Partial<NewMessage> = {}, date: MailDate = { ms: Date.UTC(2023, 0, 2, 3, 4, 5), zone: 0 }): NewMessage {
  return newMessage(text, extra, date);
}
