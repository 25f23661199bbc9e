// Shared by the mtx/tenex tests: temporary folders, a context that collects what
// the driver says, and files built byte by byte in either layout.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll } from 'vitest';
import { mtxDriver } from '../../../src/drivers/mtx/index.js';
import { tenexDriver } from '../../../src/drivers/tenex/index.js';
import type { Driver } from '../../../src/store/types.js';

export { localRef as ref } from '../../helpers/store.js';
export { batch, collect, newMessage, type Seen } from '../../helpers/records.js';

export interface Family {
  readonly format: 'mtx' | 'tenex';
  readonly driver: Driver;
  readonly eol: string;
}

export const FAMILY: readonly Family[] = [
  { format: 'mtx', driver: mtxDriver, eol: '\r\n' },
  { format: 'tenex', driver: tenexDriver, eol: '\n' },
];

const made: string[] = [];
afterAll(() => {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh folder, removed after the test file has run. */
export function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tenex-family-test-'));
  made.push(dir);
  return dir;
}

export { fileSha, PINNED, sha256, specContext as context } from '../../helpers/driver-fixtures.js';

export interface RawMessage {
  readonly date: string;
  /** The 12 flag digits. */
  readonly flags: string;
  /** The text in CRLF form, as c-client hands it over. */
  readonly text: string;
  /** SIZE as written; defaults to the stored byte count. */
  readonly size?: string;
}

/** The three messages of formats-flat.md 2.14 as `mailutil copy` left them in mtx/tenex (5.2, 6). */
export const SPEC_MESSAGES: readonly RawMessage[] = [
  {
    date: ' 7-May-2001 20:54:30 -0700', flags: '000000000011',
    text: 'From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: one\r\n'
      + 'Date: Mon, 7 May 2001 20:54:30 -0700\r\n\r\nHello Bob.\r\n',
  },
  {
    date: ' 2-Dec-1992 05:53:22 +0000', flags: '000000000046',
    text: 'From: Bob <bob@example.com>\r\nSubject: two\r\n\r\nSecond.\r\nFrom here on\r\n>From there\r\n',
  },
  {
    date: ' 9-Jan-2007 03:04:05 -0800', flags: '000000000000',
    text: 'From: Carol <carol@example.com>\r\nSubject: three\r\n\r\nThird.\r\n',
  },
];

/** The text as the layout stores it: tenex without any CR. */
export function stored(f: Family, text: string): string {
  return f.format === 'tenex' ? text.replaceAll('\r', '') : text;
}

export function messageBytes(f: Family, m: RawMessage): Buffer {
  const body = stored(f, m.text);
  const size = m.size ?? String(Buffer.byteLength(body, 'latin1'));
  return Buffer.from(`${m.date},${size};${m.flags}${f.eol}${body}`, 'latin1');
}

export function fileBytes(f: Family, messages: readonly RawMessage[]): Buffer {
  return Buffer.concat(messages.map((m) => messageBytes(f, m)));
}

export function writeBox(f: Family, dir: string, name: string, messages: readonly RawMessage[]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, fileBytes(f, messages), { mode: 0o600 });
  return p;
}


/** The flag fields (the 12 digits ending each header line) of every message in the file, in order. */
export function flagFields(f: Family, p: string): string[] {
  const b = fs.readFileSync(p);
  const out: string[] = [];
  let pos = 0;
  while (pos < b.length) {
    const end = b.indexOf(f.eol, pos, 'latin1');
    const line = b.toString('latin1', pos, end);
    out.push(line.slice(line.indexOf(';') + 1));
    pos = end + f.eol.length + Number(line.slice(line.indexOf(',') + 1, line.indexOf(';')));
  }
  return out;
}
