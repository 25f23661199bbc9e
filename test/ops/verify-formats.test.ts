// check --verify in every local format: for each, a mailbox mailsmith made is verified
// sound except for the NUL bytes put in one message (FAQ 7.34), and then each classic
// problem that applies to the format is made and must be reported, with exit status 3's
// condition (healthy false), without a byte of the mailbox changing.
//   unix, mmdf: a broken UID regime (X-UIDs that do not rise, FAQ 7.14); the mailbox data
//     and the first line are in verify.test.ts (FAQ 6.14, 7.1, 7.2).
//   mbx, mtx, tenex, mix: damage that stops a reader; mbx and mix: UIDs c-client rejects.
//   mx: a damaged .mxindex. maildir: a damaged dovecot-uidlist, UIDs out of order.
//   mh: nothing but NULs can be wrong (a message is a numbered file, its number its UID).
//   phile: NULs here; mail in a plain file (FAQ 7.2) is in verify.test.ts.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyMailbox, type VerifyProblem } from '../../src/ops/verify.js';
import { createMailbox, openMailbox } from '../../src/store/index.js';
import type { FormatName, LocalRef, NewMessage } from '../../src/store/types.js';
import { localRef, recordingContext } from '../helpers/store.js';

process.env.TZ = 'UTC';

type Writable = 'unix' | 'mmdf' | 'mbx' | 'mix' | 'mtx' | 'tenex' | 'mx' | 'mh' | 'maildir';
const WRITABLE: readonly Writable[] = ['unix', 'mmdf', 'mbx', 'mix', 'mtx', 'tenex', 'mx', 'mh', 'maildir'];

const text = (subject: string, body: string): Buffer =>
  Buffer.from(`From: alice@example.org\r\nSubject: ${subject}\r\nDate: Mon, 7 May 2001 20:54:30 +0000\r\n\r\n${body}\r\n`, 'latin1');

const MESSAGES: NewMessage[] = [
  { text: text('one', 'plain text'), internalDate: { ms: Date.UTC(2001, 4, 7, 20, 54, 30), zone: 0 }, flags: ['\\Seen'], keywords: [] },
  { text: text('two', 'a NUL \0 in the body'), internalDate: { ms: Date.UTC(2001, 4, 8, 20, 54, 30), zone: 0 }, flags: [], keywords: [] },
  { text: text('three', 'more text'), internalDate: { ms: Date.UTC(2001, 4, 9, 20, 54, 30), zone: 0 }, flags: ['\\Flagged'], keywords: [] },
];
const NUL_PROBLEM: VerifyProblem = {
  kind: 'nul', faq: '7.34', text: '1 message(s) hold NUL bytes, which IMAP does not allow and some clients choke on (message 2)',
};

let home: string;
beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-formats-'));
  fs.writeFileSync(path.join(home, '.mh_profile'), 'Path: Mail\n');
  fs.mkdirSync(path.join(home, 'Mail'));
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function refFor(format: Writable, name: string): LocalRef {
  if (format === 'mh') return localRef(home, path.join('Mail', name), { mh: true, createFormat: 'mh' });
  return localRef(home, name, { createFormat: format });
}

/** A mailbox of this format holding MESSAGES, as mailsmith writes it. */
async function made(format: Writable, name: string): Promise<LocalRef> {
  const ref = refFor(format, name);
  const ctx = recordingContext().ctx;
  await createMailbox(ref, ctx, { meta: { uidValidity: 1700000000, uidLast: 0, keywords: [] } });
  const box = await openMailbox(ref, 'write', ctx);
  try {
    await box.append((async function* () {
      yield* MESSAGES;
    })());
  } finally {
    await box.close();
  }
  return ref;
}

/** Every file under p with its sha256. */
function snapshot(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (f: string): void => {
    if (fs.statSync(f).isDirectory()) for (const e of fs.readdirSync(f)) walk(path.join(f, e));
    else out[f] = createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  };
  walk(p);
  return out;
}

async function verified(ref: LocalRef, format: FormatName | null) {
  const before = snapshot(ref.path);
  const rec = recordingContext({ lockTimeoutMs: 1000 });
  const result = await verifyMailbox(ref, rec.ctx);
  expect(result.format).toBe(format);
  expect(snapshot(ref.path), 'verify changes nothing').toEqual(before);
  expect(rec.warnings).toEqual([]);
  return result;
}

/** Replaces the first match in a file (the damage must change something). */
function edit(file: string, from: string | RegExp, to: string): void {
  const was = fs.readFileSync(file, 'latin1');
  const now = was.replace(from, to);
  expect(now, `the damage to ${file} changed nothing`).not.toBe(was);
  fs.writeFileSync(file, now, 'latin1');
}

describe('NUL bytes in a message (FAQ 7.34), in every format', () => {
  it.each(WRITABLE)('%s: the message is named, nothing else is reported', async (format) => {
    const ref = await made(format, `nul-${format}`);
    const result = await verified(ref, format);
    expect(result.problems).toEqual([NUL_PROBLEM]);
    expect(result).toMatchObject({ healthy: false, complete: true, counts: { total: MESSAGES.length } });
  });

  it('phile: a plain file holding a NUL is read as base64 data, so no NUL reaches a reader: nothing to report', async () => {
    fs.writeFileSync(path.join(home, 'plain'), 'shopping list\n- milk \0\n');
    const result = await verified(localRef(home, 'plain'), 'phile');
    expect(result).toMatchObject({ healthy: true, complete: true, problems: [], counts: { total: 1 } });
  });
});

/** The problems, without the NUL finding every mailbox here has. */
const beyondNul = (problems: readonly VerifyProblem[]): VerifyProblem[] => problems.filter((p) => p.kind !== 'nul');

describe('the classic problems that apply to each format', () => {
  it.each<['unix' | 'mmdf']>([['unix'], ['mmdf']])('%s: X-UIDs that do not rise (FAQ 7.14)', async (format) => {
    const ref = await made(format, `uid-${format}`);
    // mailsmith writes no X-UID until UIDs are made permanent: the first two messages get 5 and 2
    edit(ref.path, /\nX-Keywords:/, '\nX-UID: 5\nX-Keywords:');
    edit(ref.path, /\nX-Keywords:(\r?\nFrom: alice@example.org\r?\nSubject: two)/, '\nX-UID: 2\nX-Keywords:$1');
    const result = await verified(ref, format);
    expect(beyondNul(result.problems)).toEqual([{ kind: 'uid', faq: '7.14', text: 'Message 2 UID 2 less than 6' }]);
    expect(result.healthy).toBe(false);
  });

  it('mbx: damage a reader stops at (FAQ 7.15), and a UID c-client rejects (FAQ 7.14)', async () => {
    const ref = await made('mbx', 'damage-mbx');
    const bytes = fs.readFileSync(ref.path);
    const third = nthLine(bytes, 2048, 2, '\r\n');
    // the second message's UID set to the first's; the third message's comma gone
    const second = nthLine(bytes, 2048, 1, '\r\n');
    bytes.write('00000001', bytes.indexOf('-', bytes.indexOf(';', second)) + 1, 'latin1');
    bytes[bytes.indexOf(',', third)] = 0x20;
    fs.writeFileSync(ref.path, bytes);
    const result = await verified(ref, 'mbx');
    expect(result.complete).toBe(false);
    expect(beyondNul(result.problems).map((p) => [p.kind, p.faq, p.offset, p.text.split(':')[0]])).toEqual([
      ['damage', '7.15', third, 'Unable to parse internal header at ' + third],
      ['uid', '7.14', second, 'Invalid UID 00000001 in message 2 (at ' + second + ')'],
    ]);
  });

  it.each<['mtx' | 'tenex', string]>([['mtx', '\r\n'], ['tenex', '\n']])('%s: damage a reader stops at', async (format, eol) => {
    const ref = await made(format, `damage-${format}`);
    const bytes = fs.readFileSync(ref.path);
    const second = nthLine(bytes, 0, 1, eol);
    bytes[bytes.indexOf(',', second)] = 0x20;
    fs.writeFileSync(ref.path, bytes);
    const result = await verified(ref, format);
    const line = bytes.toString('latin1', second, bytes.indexOf(eol, second));
    expect(result.problems).toEqual([{ kind: 'damage', offset: second, text: `Unable to parse internal header at ${second}: ${line}` }]);
    expect(result).toMatchObject({ healthy: false, complete: false });
  });

  it('mix: an index whose UIDs do not rise stops a reader at the open', async () => {
    const ref = await made('mix', 'damage-mix');
    edit(path.join(ref.path, '.mixindex'), /\r\n:00000003:/, '\r\n:00000002:');
    const result = await verified(ref, 'mix');
    expect(result.problems).toEqual([{ kind: 'damage', offset: expect.any(Number), text: expect.stringMatching(/^mix index UID mismatch \(2 < 2\) \(\.mixindex, byte \d+\)$/) }]);
    expect(result).toMatchObject({ healthy: false, complete: false, counts: null });
  });

  it('mix: a UID above the last UID (FAQ 7.14)', async () => {
    const ref = await made('mix', 'uid-mix');
    edit(path.join(ref.path, '.mixindex'), /\r\n:00000003:/, '\r\n:00000004:');
    const data = fs.readdirSync(ref.path).find((f) => /^\.mix[0-9a-f]{8}$/.test(f))!;
    edit(path.join(ref.path, data), ':msg:00000003:', ':msg:00000004:');
    const result = await verified(ref, 'mix');
    expect(beyondNul(result.problems)).toEqual([{ kind: 'uid', faq: '7.14', text: 'mix index invalid UID (00000004 < 00000003)' }]);
  });

  it('mx: a damaged .mxindex', async () => {
    const ref = await made('mx', 'damage-mx');
    const index = path.join(ref.path, '.mxindex');
    edit(index, /;/, '!');
    const result = await verified(ref, 'mx');
    expect(beyondNul(result.problems)).toEqual([{
      kind: 'warning', text: expect.stringMatching(/^damage-mx: Error in index: .* \(at byte \d+ of \.mxindex\); the flags and keywords after it are not known$/),
    }]);
    expect(result.healthy).toBe(false);
  });

  it.each([
    ['a broken header', (f: string) => edit(f, /^3 V\d+/, '3 V0'), 'warning', undefined, /line 1: Broken header \(uidvalidity = 0, next_uid=\d+\)/],
    ['UIDs out of order (FAQ 7.14)', (f: string) => edit(f, /\n3 /, '\n1 '), 'uid', '7.14', /line 4: UIDs not ordered \(1 >= 2\)/],
  ])('maildir: %s in dovecot-uidlist', async (what, damage, kind, faq, text) => {
    const ref = await made('maildir', `damage-maildir-${what.length}`);
    damage(path.join(ref.path, 'dovecot-uidlist'));
    const result = await verified(ref, 'maildir');
    expect(beyondNul(result.problems)).toEqual([{ kind, ...(faq ? { faq } : {}), text: expect.stringMatching(text) }]);
    expect(result.healthy).toBe(false);
  });
});

/** The offset of the n-th (from 0) header line of a file whose messages start at `from`, each line, size, text. */
function nthLine(bytes: Buffer, from: number, n: number, eol: string): number {
  let at = from;
  for (let k = 0; k < n; k++) {
    const end = bytes.indexOf(eol, at);
    const size = Number(/,(\d+);/.exec(bytes.toString('latin1', at, end))![1]);
    at = end + eol.length + size;
  }
  return at;
}
