// Is this file a unix mailbox? (formats-flat.md 2.1; formats-dir.md 7.9 for
// the files other programs write that c-client does not take)
import { promises as fsp } from 'node:fs';
import type { StoreContext } from '../../store/types.js';
import { parseFromLine } from '../berkeley/from-line.js';
import { headerFieldAt, lineText, parseLenientFromLine } from './dialects.js';

/** c-client reads this much of the file to decide. */
const PROBE_BYTES = 1023;
/** How much of a file mailsmith looks at to see an envelope line c-client rejects (and the header line after it). */
const LENIENT_PROBE_BYTES = 4096;

/** Index of the first line: after CR/LF/SP/TAB when the last of them is a LF; -1 when they end otherwise. */
function firstLineStart(head: Uint8Array): number {
  let s = 0;
  let last = 0x0a;
  while (s < head.length && (head[s] === 0x0d || head[s] === 0x0a || head[s] === 0x20 || head[s] === 0x09)) {
    last = head[s++]!;
  }
  return last === 0x0a ? s : -1;
}

/** True when the bytes start like a unix mailbox: optional CR/LF/SP/TAB ending in LF, then a From_ line. */
export function looksLikeUnix(head: Uint8Array): boolean {
  const s = firstLineStart(head);
  if (s < 0) return false;
  const lf = head.indexOf(0x0a, s);
  return lf >= 0 && parseFromLine(head, s, lf) !== undefined;
}

/**
 * The first line, when the bytes start like an mbox whose first envelope line c-client
 * rejects: "From " and a date c-client cannot place, then a header field line.
 */
export function rejectedFirstLine(head: Uint8Array, now: Date): string | undefined {
  const s = firstLineStart(head);
  if (s < 0) return undefined;
  const lf = head.indexOf(0x0a, s);
  if (lf < 0 || headerFieldAt(head, lf + 1, head.length) !== true) return undefined;
  const line = lineText(head, s, lf).replace(/\r$/, '');
  return parseLenientFromLine(line, now) ? line : undefined;
}

/**
 * c-client's test. With a context, a file that is clearly an mbox but whose first
 * line c-client rejects is also unix when lenient; otherwise a warning says what
 * c-client makes of it (a single plain-file message) and that --lenient reads it.
 */
export async function probeUnix(path: string, ctx?: StoreContext): Promise<boolean> {
  let fh: fsp.FileHandle | undefined;
  try {
    fh = await fsp.open(path, 'r');
    const buf = Buffer.alloc(ctx ? LENIENT_PROBE_BYTES : PROBE_BYTES);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (bytesRead === 0) return false;
    if (looksLikeUnix(head.subarray(0, PROBE_BYTES))) return true;
    if (!ctx) return false;
    const line = rejectedFirstLine(head, ctx.now());
    if (line === undefined) return false;
    if (ctx.lenient) return true;
    ctx.warn(
      `${path}: its first line "${line}" looks like an mbox From_ line, but c-client does not accept it, so c-client ` +
      `(and mailsmith without --lenient) reads the whole file as a single message; --lenient reads it as an mbox`,
    );
    return false;
  } catch {
    // unreadable: not ours to claim
    return false;
  } finally {
    await fh?.close();
  }
}
