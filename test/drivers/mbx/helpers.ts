// Shared by the mbx driver tests: temporary folders, references, a context that
// collects what the driver says, and mbx files built byte by byte.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mbx-test-'));
}


export { localRef as ref } from '../../helpers/store.js';
export { batch, collect, newMessage, type Seen } from '../../helpers/records.js';

export { fileSha, PINNED, sha256, specContext as context } from '../../helpers/driver-fixtures.js';

export interface RawMessage {
  date: string;
  status: string; // KKKKKKKKSSSS
  uid: number;
  text: string;
  /** SIZE field as written; defaults to the text's byte count. */
  size?: string;
}

/** The three messages of formats-flat.md 4.9 (sizes 120, 81, 59). */
export const SPEC_MESSAGES: RawMessage[] = [
  {
    date: ' 7-May-2001 20:54:30 -0700', status: '000000030019', uid: 2,
    text: 'From: Alice <alice@example.com>\r\nTo: bob@example.com\r\nSubject: one\r\n'
      + 'Date: Mon, 7 May 2001 20:54:30 -0700\r\n\r\nHello Bob.\r\n',
  },
  {
    date: ' 2-Dec-1992 05:53:22 +0000', status: '000000040036', uid: 3,
    text: 'From: Bob <bob@example.com>\r\nSubject: two\r\n\r\nSecond.\r\nFrom here on\r\n>From there\r\n',
  },
  {
    date: ' 9-Jan-2007 03:04:05 -0800', status: '000000000010', uid: 4,
    text: 'From: Carol <carol@example.com>\r\nSubject: three\r\n\r\nThird.\r\n',
  },
];

/** An mbx header as c-client writes it after a flag change (PID field set). */
export function headerBytes(opts: { validity?: number; last: number; keywords?: string[]; pid?: number | null }): Buffer {
  const h = Buffer.alloc(2048, 0);
  const hex8 = (n: number): string => n.toString(16).padStart(8, '0');
  const kw = opts.keywords ?? ['work', '$Label1', 'Junk'];
  let s = `*mbx*\r\n${hex8(opts.validity ?? 0x6aebd58b)}${hex8(opts.last)}\r\n`;
  for (let i = 0; i < 30; i++) s += `${kw[i] ?? ''}\r\n`;
  h.write(s, 'latin1');
  if (opts.pid !== null) h.write(`${hex8(opts.pid ?? 0x2aa4)}\r\n`, 2038, 'latin1');
  return h;
}

export function messageBytes(m: RawMessage): Buffer {
  const size = m.size ?? String(Buffer.byteLength(m.text, 'latin1'));
  return Buffer.from(`${m.date},${size};${m.status}-${m.uid.toString(16).padStart(8, '0')}\r\n${m.text}`, 'latin1');
}

export function mbxBytes(messages: RawMessage[], header: Parameters<typeof headerBytes>[0] = { last: 4 }): Buffer {
  return Buffer.concat([headerBytes(header), ...messages.map(messageBytes)]);
}

export function writeMbx(dir: string, name: string, messages: RawMessage[], header?: Parameters<typeof headerBytes>[0]): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, mbxBytes(messages, header), { mode: 0o600 });
  return p;
}


/** The status fields `;KKKKKKKKSSSS-UUUUUUUU` of every header line in the file, in order. */
export function statusFields(p: string): string[] {
  const b = fs.readFileSync(p);
  const out: string[] = [];
  let pos = 2048;
  while (pos < b.length) {
    const cr = b.indexOf(13, pos);
    const line = b.toString('latin1', pos, cr);
    out.push(line.slice(line.indexOf(';')));
    pos = cr + 2 + Number(line.slice(line.indexOf(',') + 1, line.indexOf(';')));
  }
  return out;
}
