// Reading mbx files as c-client reads them: the golden files mailutil wrote,
// UID numbering and rebuilding (each case checked with ccdump), hidden
// messages, and read-only sessions that never change a byte.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mbxDriver } from '../../../src/drivers/mbx/index.js';
import { tuning } from '../../../src/drivers/mbx/io.js';
import { sortFlags, type SystemFlag } from '../../../src/mail/flags.js';
import { goldenDir, loadExpected, type ExpectedMailbox } from '../../interop/golden.js';
import {
  collect, context, fileSha, PINNED, ref, sha256, SPEC_MESSAGES, tempDir, writeMbx, type RawMessage,
} from './helpers.js';

process.env.TZ = 'UTC';

const golden = goldenDir();

let expected: Record<string, ExpectedMailbox>;
beforeAll(async () => {
  expected = await loadExpected();
});

const defaults = { ...tuning };
afterEach(() => Object.assign(tuning, defaults));

describe.each(['mbx', 'mbx-pruned'])('golden %s', (name) => {
  it.each([['8 MB chunks', defaults.chunkSize], ['1 KB chunks', 1024]])('reads as c-client does (%s)', async (_, chunk) => {
    tuning.chunkSize = chunk;
    const dir = tempDir();
    fs.copyFileSync(path.join(golden, name), path.join(dir, name));
    const before = fileSha(path.join(dir, name));
    const { ctx, warnings } = context();
    const mb = await mbxDriver.open(ref(dir, name), 'read', ctx);
    const seen = await collect(mb.messages());
    const e = expected[name]!;
    expect(seen.map((m) => ({
      uid: m.uid, internalDate: m.internalDate, flags: m.flags, keywords: [...m.keywords].sort(), size: m.size, sha256: sha256(m.text),
    }))).toEqual(e.messages.map((m) => ({
      uid: m.uid, internalDate: m.internalDate, flags: sortFlags(m.flags as SystemFlag[]), keywords: [...m.keywords].sort(),
      size: m.size, sha256: m.sha256,
    })));
    expect(mb.meta).toEqual({ uidValidity: e.uidValidity, uidLast: e.uidLast, keywords: e.keywords });
    expect(warnings).toEqual([]);
    await mb.close();
    expect(fileSha(path.join(dir, name))).toBe(before);
  });
});

it('reports golden mbx messages as recent (UID 0, never opened read-write) and the pruned ones as not', async () => {
  for (const [name, recent] of [['mbx', true], ['mbx-pruned', false]] as const) {
    const dir = tempDir();
    fs.copyFileSync(path.join(golden, name), path.join(dir, name));
    const mb = await mbxDriver.open(ref(dir, name), 'read', context().ctx);
    const seen = await collect(mb.messages());
    expect(seen.every((m) => m.recent === recent)).toBe(true);
    await mb.close();
  }
});

describe('UIDs (each case checked with ccdump against c-client 2007f)', () => {
  const withUids = (uids: number[], statuses?: (string | undefined)[]): RawMessage[] =>
    SPEC_MESSAGES.map((m, i) => ({ ...m, uid: uids[i]!, status: statuses?.[i] ?? m.status }));

  async function readUids(messages: RawMessage[], last: number): Promise<{ uids: number[]; meta: { uidValidity: number; uidLast: number }; warnings: string[]; unchanged: boolean }> {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', messages, { last });
    const before = fileSha(p);
    const { ctx, warnings } = context();
    const mb = await mbxDriver.open(ref(dir, 'box'), 'read', ctx);
    const uids = (await collect(mb.messages())).map((m) => m.uid);
    const { uidValidity, uidLast } = mb.meta;
    await mb.close();
    return { uids, meta: { uidValidity, uidLast }, warnings, unchanged: fileSha(p) === before };
  }

  const now = Math.floor(PINNED.getTime() / 1000);
  it.each([
    // stored UIDs, header last UID, hidden messages -> UIDs, last UID, warning, validity renewed
    [[2, 3, 4], 4, [], [2, 3, 4], 4, undefined],
    [[0, 0, 0], 4, [], [5, 6, 7], 7, undefined],
    [[2, 9, 4], 10, [], [2, 9, 10], 10, 'Invalid UID 00000004 in message 3, rebuilding UIDs'],
    [[2, 99, 4], 4, [], [2, 3, 4], 4, 'Invalid UID 00000063 in message 2, rebuilding UIDs'],
    [[3, 0, 4], 4, [], [3, 5, 6], 6, 'Invalid UID 00000004 in message 3, rebuilding UIDs'],
    [[2, 3, 4], 3, [], [2, 3, 4], 4, 'Invalid UID 00000004 in message 3, rebuilding UIDs'],
    [[5, 3, 4], 9, [], [5, 6, 7], 7, 'Invalid UID 00000003 in message 2, rebuilding UIDs'],
    // a hidden message with UID 0 takes a UID too, so a numbered one after it is rebuilt
    [[2, 0, 4], 4, [undefined, '000000048036'], [2, 6], 6, 'Invalid UID 00000004 in message 2, rebuilding UIDs'],
    [[2, 3, 99], 4, [undefined, '000000048036'], [2, 4], 4, 'Invalid UID 00000063 in message 2, rebuilding UIDs'],
    [[2, 0, 0], 4, [undefined, '000000048036'], [2, 6], 6, undefined],
  ] as const)('stored %j, last %i, hidden %j -> %j', async (stored, last, statuses, uids, uidLast, warning) => {
    const r = await readUids(withUids([...stored], [...statuses]), last);
    expect(r.uids).toEqual(uids);
    expect(r.meta.uidLast).toBe(uidLast);
    expect(r.warnings).toEqual(warning ? [warning] : []);
    expect(r.meta.uidValidity).toBe(warning ? now : 0x6aebd58b);
    expect(r.unchanged).toBe(true);
  });

  it('warns once per session and keeps the rebuilt validity however often it lists', async () => {
    const dir = tempDir();
    writeMbx(dir, 'box', withUids([2, 99, 4]), { last: 4 });
    let clock = PINNED.getTime();
    const { ctx, warnings } = context({ now: () => new Date((clock += 5000)) });
    const mb = await mbxDriver.open(ref(dir, 'box'), 'read', ctx);
    await collect(mb.messages());
    const first = mb.meta.uidValidity;
    await collect(mb.messages());
    expect(mb.meta.uidValidity).toBe(first);
    expect(warnings).toEqual(['Invalid UID 00000063 in message 2, rebuilding UIDs']);
    await mb.close();
  });

  it('marks rebuilt and UID-less messages recent, as well as those without the "old" bit', async () => {
    const dir = tempDir();
    writeMbx(dir, 'box', withUids([2, 99, 4], ['000000030019', '000000040036', '000000000000']), { last: 4 });
    const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.recent)).toEqual([false, true, true]);
    await mb.close();
  });
});

it('reads flags, keywords, dates and text of the spec example', async () => {
  const dir = tempDir();
  writeMbx(dir, 'box', SPEC_MESSAGES);
  const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
  const seen = await collect(mb.messages());
  expect(seen.map(({ text, ...m }) => ({ ...m, text: text.toString('latin1') }))).toEqual([
    { uid: 2, internalDate: ' 7-May-2001 20:54:30 -0700', flags: ['\\Seen', '\\Answered'], keywords: ['work', '$Label1'], size: 120, recent: false, text: SPEC_MESSAGES[0]!.text },
    { uid: 3, internalDate: ' 2-Dec-1992 05:53:22 +0000', flags: ['\\Deleted', '\\Flagged', '\\Draft'], keywords: ['Junk'], size: 81, recent: false, text: SPEC_MESSAGES[1]!.text },
    { uid: 4, internalDate: ' 9-Jan-2007 03:04:05 -0800', flags: [], keywords: [], size: 59, recent: false, text: SPEC_MESSAGES[2]!.text },
  ]);
  expect(mb.byteSize).toBe(2468);
  await mb.close();
});

it('skips hidden (0x8000) messages', async () => {
  const dir = tempDir();
  writeMbx(dir, 'box', SPEC_MESSAGES.map((m, i) => (i === 1 ? { ...m, status: '000000048036' } : m)));
  const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
  expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([2, 4]);
  await mb.close();
});

it('reads messages larger than the chunk and messages that straddle chunks', async () => {
  tuning.chunkSize = 300;
  const big = 'Subject: big\r\n\r\n' + 'x'.repeat(1000) + '\r\n';
  const messages = [SPEC_MESSAGES[0]!, { ...SPEC_MESSAGES[1]!, text: big }, SPEC_MESSAGES[1]!, SPEC_MESSAGES[2]!, SPEC_MESSAGES[0]!];
  const dir = tempDir();
  writeMbx(dir, 'box', messages.map((m, i) => ({ ...m, uid: i + 1 })), { last: 5 });
  const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
  const seen = await collect(mb.messages());
  expect(seen.map((m) => m.text.toString('latin1'))).toEqual(messages.map((m) => m.text));
  // text() also works after the listing has moved on
  const records = [];
  for await (const r of mb.messages()) records.push(r);
  expect((await records[0]!.text()).toString('latin1')).toBe(messages[0]!.text);
  await mb.close();
});

it('gives position as the offset after each message and accepts an empty mailbox', async () => {
  const dir = tempDir();
  writeMbx(dir, 'box', SPEC_MESSAGES);
  writeMbx(dir, 'empty', []);
  const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
  const positions = [];
  for await (const m of mb.messages()) positions.push(m.position);
  expect(positions).toEqual([2048 + 54 + 120, 2222 + 53 + 81, 2356 + 53 + 59]);
  await mb.close();
  const empty = await mbxDriver.open(ref(dir, 'empty'), 'read', context().ctx);
  expect(await collect(empty.messages())).toEqual([]);
  await empty.close();
});
