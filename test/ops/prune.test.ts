// prune as an operation: which messages go (matches, and as in mailutil the
// ones already \Deleted), --keep-deleted, nothing expunged when nothing
// matches, a dry run that changes no byte, and mailboxes that cannot change.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ReadOnlyMailbox } from '../../src/errors.js';
import { pruneLine, pruneMailbox, type PruneCandidate } from '../../src/ops/prune.js';
import type { ProgressEvent } from '../../src/ops/progress.js';
import { SearchCriteria } from '../../src/search/index.js';
import { openMailbox } from '../../src/store/index.js';
import { sharedDir } from '../helpers/paths.js';
import { localRef, recordingContext } from '../helpers/store.js';

const golden = path.join(sharedDir(), 'corpus', 'golden');
let home: string;

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'ops-prune-'));
  for (const f of ['unix', 'mbx', 'unix-pruned', 'mbx-pruned']) fs.copyFileSync(path.join(golden, f), path.join(home, f));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const criteria = (...words: string[]): SearchCriteria => SearchCriteria.parse(words);
const sha = (name: string): string => createHash('sha256').update(fs.readFileSync(path.join(home, name))).digest('hex');

async function contents(name: string): Promise<{ uid: number; flags: readonly string[]; text: string }[]> {
  const { ctx } = recordingContext();
  const box = await openMailbox(localRef(home, name), 'read', ctx);
  const out = [];
  try {
    for await (const m of box.messages()) out.push({ uid: m.uid, flags: m.flags, text: (await m.text()).toString('latin1') });
  } finally {
    await box.close();
  }
  return out;
}

describe.each(['unix', 'mbx'] as const)('prune on the golden %s mailbox', (name) => {
  it('`from alice` leaves what mailutil\'s prune left (golden NAME-pruned), counting the already deleted message', async () => {
    const { ctx } = recordingContext();
    const r = await pruneMailbox(localRef(home, name), criteria('from alice'), ctx);
    expect(r).toMatchObject({ matched: 3, alsoDeleted: 1, purged: 4, dryRun: false, criteria: 'FROM "alice"' });
    expect(pruneLine(r)).toBe('4 message(s) purged');
    const pruned = await contents(`${name}-pruned`);
    expect((await contents(name)).map((m) => [m.uid, m.text])).toEqual(pruned.map((m) => [m.uid, m.text]));
  });

  it('--keep-deleted expunges only the matches', async () => {
    const { ctx } = recordingContext();
    const before = await contents(name);
    const r = await pruneMailbox(localRef(home, name), criteria('from alice'), ctx, { keepDeleted: true });
    expect(r).toMatchObject({ matched: 3, alsoDeleted: 0, purged: 3 });
    const after = await contents(name);
    expect(after.map((m) => m.uid)).toEqual(before.filter((m) => !r.uids.includes(m.uid)).map((m) => m.uid));
    expect(after.filter((m) => m.flags.includes('\\Deleted'))).toHaveLength(1);
  });

  it('with no match changes nothing at all, and keeps the deleted message', async () => {
    const { ctx } = recordingContext();
    const before = sha(name);
    const r = await pruneMailbox(localRef(home, name), criteria('subject "nonexistent thing"'), ctx);
    expect(r).toMatchObject({ matched: 0, purged: 0, alsoDeleted: 0 });
    expect(pruneLine(r)).toBe('No matching messages, so nothing purged');
    expect(sha(name)).toBe(before);
  });

  it('a dry run says what the real run does, lists what would go, and changes no byte', async () => {
    const { ctx } = recordingContext();
    const before = sha(name);
    const listed: PruneCandidate[] = [];
    const dry = await pruneMailbox(localRef(home, name), criteria('or from alice subject flags'), ctx, { dryRun: true, onCandidate: (c) => listed.push(c) });
    expect(sha(name)).toBe(before);
    expect(pruneLine(dry)).toBe('dry run: 5 message(s) would be purged (4 matching, 1 already marked deleted); nothing changed');
    expect(listed.map((c) => [c.uid, c.matched])).toEqual([[8, true], [9, true], [10, true], [13, true], [14, false]]);
    expect(listed[0]).toEqual({ uid: 8, internalDate: '10-Jan-2024 09:00:00 +0100', from: 'Carol <carol@example.net>', subject: 'Flags and keywords', size: expect.any(Number), matched: true });
    const real = await pruneMailbox(localRef(home, name), criteria('or from alice subject flags'), ctx);
    expect({ ...real, dryRun: true }).toEqual(dry);
  });
});

describe('prune', () => {
  it('resolves * in sets against the last message', async () => {
    const { ctx } = recordingContext();
    const before = await contents('mbx');
    const r = await pruneMailbox(localRef(home, 'mbx'), criteria('uid *'), ctx, { keepDeleted: true });
    expect(r.uids).toEqual([before.at(-1)!.uid]);
    expect((await contents('mbx')).map((m) => m.uid)).toEqual(before.slice(0, -1).map((m) => m.uid));
  });

  it('lists already deleted messages only once something matches, in mailbox order', async () => {
    const { ctx } = recordingContext();
    const listed: number[] = [];
    // message 13 (UID 14) is deleted; the only match comes after it
    await pruneMailbox(localRef(home, 'mbx'), criteria('subject newline'), ctx, { dryRun: true, onCandidate: (c) => listed.push(c.uid) });
    expect(listed).toEqual([14, 15]);
    listed.length = 0;
    await pruneMailbox(localRef(home, 'mbx'), criteria('subject nonexistent'), ctx, { dryRun: true, onCandidate: (c) => listed.push(c.uid) });
    expect(listed).toEqual([]);
  });

  it('shows control characters in a listed header as U+FFFD', async () => {
    const { ctx } = recordingContext();
    fs.writeFileSync(path.join(home, 'box'), 'From a@b Mon Jan  1 00:00:00 2001\nSubject: \x1b[31mred\x07\n\nbody\n');
    const listed: PruneCandidate[] = [];
    await pruneMailbox(localRef(home, 'box'), criteria('all'), ctx, { dryRun: true, onCandidate: (c) => listed.push(c) });
    expect(listed.map((c) => c.subject)).toEqual(['\ufffd[31mred\ufffd']);
  });

  it('refuses a mailbox that cannot be changed, before changing anything', async () => {
    const { ctx } = recordingContext();
    fs.writeFileSync(path.join(home, 'file'), 'just some text\n');
    const err = await pruneMailbox(localRef(home, 'file'), criteria('all'), ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReadOnlyMailbox);
    expect((err as Error).message).toBe("can't prune file: it is read-only (phile)");
  });

  it('reports progress every 1024 messages', async () => {
    const { ctx } = recordingContext();
    const lines = Array.from({ length: 2100 }, (_v, i) => `From a@b Mon Jan  1 00:00:00 2001\nSubject: ${i}\n\nx\n`).join('\n');
    fs.writeFileSync(path.join(home, 'big'), lines);
    const events: ProgressEvent[] = [];
    const r = await pruneMailbox(localRef(home, 'big'), criteria('subject 7'), ctx, { dryRun: true, onProgress: (e) => events.push(e) });
    expect(events.map((e) => e.messages)).toEqual([1024, 2048]);
    expect(events.every((e) => e.phase === 'prune' && e.totalBytes === fs.statSync(path.join(home, 'big')).size)).toBe(true);
    expect(r.matched).toBe(Array.from({ length: 2100 }, (_v, i) => String(i)).filter((s) => s.includes('7')).length);
  });
});
