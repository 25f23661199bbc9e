// One shape for "what a reader reports about a mailbox", whoever the reader is
// (c-client through ccdump, mailsmith, or a model of what was written), and a
// comparison that names every difference in words a driver author can act on.
import { SYSTEM_FLAGS } from '../../src/mail/flags.js';
import type { CcdumpResult } from './ccdump.js';

export interface DumpMessage {
  readonly uid: number;
  /** IMAP internal date text, ` 5-Feb-2022 09:19:10 +0000`. */
  readonly internalDate: string;
  readonly flags: readonly string[];
  readonly keywords: readonly string[];
  readonly size: number;
  /** The message text in CRLF form. */
  readonly text: Buffer;
}

export interface DumpMeta {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: readonly string[];
}

export interface MailboxDump {
  readonly meta: DumpMeta;
  readonly messages: readonly DumpMessage[];
}

export function fromCcdump(r: CcdumpResult): MailboxDump {
  return {
    meta: { uidValidity: r.meta.uidValidity, uidLast: r.meta.uidLast, keywords: r.meta.keywords },
    messages: r.messages.map((m) => ({
      uid: m.uid, internalDate: m.internalDate, flags: m.flags, keywords: m.keywords, size: m.size, text: m.text,
    })),
  };
}

export interface DiffOptions {
  /** Compare UIDs and the UID validity / last UID (default true). */
  readonly uids?: boolean;
  /** Compare the mailbox's keyword list, in order (default true). */
  readonly mailboxKeywords?: boolean;
}

/** Every difference between two dumps, one line each; empty when they agree. */
export function diffDumps(actual: MailboxDump, expected: MailboxDump, options: DiffOptions = {}): string[] {
  const uids = options.uids ?? true;
  const diffs: string[] = [];
  if (uids && actual.meta.uidValidity !== expected.meta.uidValidity) {
    diffs.push(`UID validity ${actual.meta.uidValidity}, expected ${expected.meta.uidValidity}`);
  }
  if (uids && actual.meta.uidLast !== expected.meta.uidLast) {
    diffs.push(`last UID ${actual.meta.uidLast}, expected ${expected.meta.uidLast}`);
  }
  if ((options.mailboxKeywords ?? true) && actual.meta.keywords.join(' ') !== expected.meta.keywords.join(' ')) {
    diffs.push(`mailbox keywords [${actual.meta.keywords.join(' ')}], expected [${expected.meta.keywords.join(' ')}]`);
  }
  if (actual.messages.length !== expected.messages.length) {
    diffs.push(`${actual.messages.length} messages, expected ${expected.messages.length}`);
  }
  const n = Math.min(actual.messages.length, expected.messages.length);
  for (let i = 0; i < n; i++) {
    const a = actual.messages[i]!;
    const e = expected.messages[i]!;
    const at = `message ${i + 1} (expected UID ${e.uid})`;
    if (uids && a.uid !== e.uid) diffs.push(`${at}: UID ${a.uid}`);
    if (a.internalDate !== e.internalDate) diffs.push(`${at}: internal date "${a.internalDate}", expected "${e.internalDate}"`);
    const af = canonicalFlags(a.flags);
    const ef = canonicalFlags(e.flags);
    if (af !== ef) diffs.push(`${at}: flags [${af}], expected [${ef}]`);
    const ak = [...a.keywords].sort().join(' ');
    const ek = [...e.keywords].sort().join(' ');
    if (ak !== ek) diffs.push(`${at}: keywords [${ak}], expected [${ek}]`);
    if (a.size !== e.size) diffs.push(`${at}: size ${a.size}, expected ${e.size}`);
    // c-client itself can report a size that is not its text's length (a header line with a CR before its
    // name counts in the size but is filtered from the text); matching it is right, being inconsistent alone is not
    if (a.size !== a.text.length && e.size === e.text.length) diffs.push(`${at}: size ${a.size} but the text has ${a.text.length} bytes`);
    if (!a.text.equals(e.text)) diffs.push(`${at}: ${describeTextDifference(a.text, e.text)}`);
  }
  return diffs;
}

function canonicalFlags(flags: readonly string[]): string {
  const order = SYSTEM_FLAGS as readonly string[];
  const rank = (f: string): number => (order.includes(f) ? order.indexOf(f) : order.length);
  return [...new Set(flags)].sort((x, y) => rank(x) - rank(y) || (x < y ? -1 : x > y ? 1 : 0)).join(' ');
}

/** Where two texts part, with a little context of each, bytes escaped. */
export function describeTextDifference(actual: Buffer, expected: Buffer): string {
  let i = 0;
  while (i < actual.length && i < expected.length && actual[i] === expected[i]) i++;
  const from = Math.max(0, i - 24);
  const show = (b: Buffer): string => escapeBytes(b.subarray(from, i + 24)) + (b.length > i + 24 ? '...' : '');
  return (
    `text differs at byte ${i} (lengths ${actual.length} and ${expected.length} expected): ` +
    `got ${from > 0 ? '...' : ''}"${show(actual)}", expected ${from > 0 ? '...' : ''}"${show(expected)}"`
  );
}

export function escapeBytes(b: Buffer): string {
  let s = '';
  for (const c of b) {
    if (c === 0x0d) s += '\\r';
    else if (c === 0x0a) s += '\\n';
    else if (c === 0x5c) s += '\\\\';
    else if (c === 0x22) s += '\\"';
    else if (c >= 0x20 && c < 0x7f) s += String.fromCharCode(c);
    else s += `\\x${c.toString(16).padStart(2, '0')}`;
  }
  return s;
}
