// Is this file a unix mailbox? (formats-flat.md 2.1)
import { promises as fsp } from 'node:fs';
import { parseFromLine } from './from-line.js';

/** c-client reads this much of the file to decide. */
const PROBE_BYTES = 1023;

/** True when the bytes start like a unix mailbox: optional CR/LF/SP/TAB ending in LF, then a From_ line. */
export function looksLikeUnix(head: Uint8Array): boolean {
  let s = 0;
  let last = 0x0a;
  while (s < head.length && (head[s] === 0x0d || head[s] === 0x0a || head[s] === 0x20 || head[s] === 0x09)) {
    last = head[s++]!;
  }
  if (last !== 0x0a) return false;
  const lf = head.indexOf(0x0a, s);
  return lf >= 0 && parseFromLine(head, s, lf) !== undefined;
}

export async function probeUnix(path: string): Promise<boolean> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(path, 'r');
    const buf = Buffer.alloc(PROBE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, PROBE_BYTES, 0);
    return bytesRead > 0 && looksLikeUnix(buf.subarray(0, bytesRead));
  } catch {
    // unreadable: not ours to claim
    return false;
  } finally {
    await fh?.close();
  }
}
