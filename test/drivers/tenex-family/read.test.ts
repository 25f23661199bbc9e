// Reading mtx and tenex files as c-client reads them: the golden files mailutil
// wrote (EXPECTED.json, UID validity aside: it is the time of the open), UIDs as
// positions, octal flags, tenex's LF form, and read-only sessions that never
// change a byte.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { tuning } from '../../../src/drivers/tenex-family/tuning.js';
import { sortFlags, type SystemFlag } from '../../../src/mail/flags.js';
import { goldenDir, loadExpected, type ExpectedMailbox } from '../../interop/golden.js';
import {
  collect, context, FAMILY, fileSha, PINNED, ref, sha256, SPEC_MESSAGES, stored, tempDir, writeBox,
} from './helpers.js';

process.env.TZ = 'UTC';

const golden = goldenDir();

let expected: Record<string, ExpectedMailbox>;
beforeAll(async () => {
  expected = await loadExpected();
});

const defaults = { ...tuning };
afterEach(() => Object.assign(tuning, defaults));

const PINNED_VALIDITY = Math.floor(PINNED.getTime() / 1000);

describe.each(FAMILY.flatMap((f) => [[f.format, f], [`${f.format}-pruned`, f]] as const))('golden %s', (name, f) => {
  it.each([
    ['read-only, 4 MB chunks', 'read', defaults.chunkSize],
    ['read-only, 1 KB chunks', 'read', 1024],
    ['read-write, 1 KB chunks', 'write', 1024],
  ] as const)('reads as c-client does (%s), changing nothing', async (_, mode, chunk) => {
    tuning.chunkSize = chunk;
    const dir = tempDir();
    const p = path.join(dir, name);
    fs.copyFileSync(path.join(golden, name), p);
    fs.chmodSync(p, 0o600);
    const before = fileSha(p);
    const { ctx, warnings } = context();
    const mb = await f.driver.open(ref(dir, name), mode, ctx);
    const seen = await collect(mb.messages());
    const e = expected[name]!;
    expect(e.driver).toBe(f.format);
    expect(seen.map((m) => ({
      uid: m.uid, internalDate: m.internalDate, flags: m.flags, keywords: m.keywords, size: m.size, sha256: sha256(m.text),
    }))).toEqual(e.messages.map((m) => ({
      uid: m.uid, internalDate: m.internalDate, flags: sortFlags(m.flags as SystemFlag[]), keywords: m.keywords,
      size: m.size, sha256: m.sha256,
    })));
    // c-client's UID validity is the time of its open; ours is too
    expect(mb.meta).toEqual({ uidValidity: PINNED_VALIDITY, uidLast: e.uidLast, keywords: e.keywords });
    expect(warnings).toEqual([]);
    await mb.close();
    expect(fileSha(p)).toBe(before);
  });
});

it.each(FAMILY)('$format: golden messages are recent until a read-write session has seen them (mailutil check)', async (f) => {
  for (const [name, recent] of [[f.format, 14], [`${f.format}-pruned`, 0]] as const) {
    const dir = tempDir();
    fs.copyFileSync(path.join(golden, name), path.join(dir, name));
    const mb = await f.driver.open(ref(dir, name), 'read', context().ctx);
    expect((await collect(mb.messages())).filter((m) => m.recent).length).toBe(recent);
    await mb.close();
  }
});

describe.each(FAMILY)('$format', (f) => {
  it('reads the spec example: dates, octal flags ("old" = not recent), exact text, UIDs 1..n', async () => {
    const dir = tempDir();
    const messages = SPEC_MESSAGES.map((m, i) => ({ ...m, flags: ['000000000031', '000000000066', '000000000020'][i]! }));
    writeBox(f, dir, 'box', messages);
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    expect(mb.meta).toEqual({ uidValidity: PINNED_VALIDITY, uidLast: 0, keywords: [] });
    const seen = await collect(mb.messages());
    expect(seen.map((m) => [m.uid, m.internalDate, m.flags, m.recent, m.size])).toEqual([
      [1, ' 7-May-2001 20:54:30 -0700', ['\\Seen', '\\Answered'], false, 120],
      [2, ' 2-Dec-1992 05:53:22 +0000', ['\\Deleted', '\\Flagged', '\\Draft'], false, 81],
      [3, ' 9-Jan-2007 03:04:05 -0800', [], false, 59],
    ]);
    expect(seen.map((m) => m.text.toString('latin1'))).toEqual(SPEC_MESSAGES.map((m) => m.text));
    expect(mb.meta.uidLast).toBe(3);
    await mb.close();
  });

  it('ignores keyword bits (none defined) and reads flag digits 8 and 9 as c-client does (checked with ccdump)', async () => {
    const dir = tempDir();
    writeBox(f, dir, 'box', [{ date: '7-May-2001 20:54:30 -0700', flags: '777777777799', text: 'abcde' }]);
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    // 9 * 8 + 9 = 81: \Seen, "old", and a bit that means nothing
    expect((await collect(mb.messages())).map((m) => [m.flags, m.keywords, m.recent])).toEqual([[['\\Seen'], [], false]]);
    await mb.close();
  });

  it('accepts a SIZE with leading blanks or a sign, as strtoul reads it (checked with ccdump)', async () => {
    const dir = tempDir();
    writeBox(f, dir, 'box', [{ ...SPEC_MESSAGES[2]!, size: ` +${Buffer.byteLength(stored(f, SPEC_MESSAGES[2]!.text))}` }]);
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.text.toString('latin1'))).toEqual([SPEC_MESSAGES[2]!.text]);
    await mb.close();
  });

  it('reads messages larger than the chunk and messages that straddle chunks; text() works after the listing moved on', async () => {
    tuning.chunkSize = 300;
    const big = { ...SPEC_MESSAGES[1]!, text: 'Subject: big\r\n\r\n' + 'x\r\n'.repeat(500) };
    const messages = [SPEC_MESSAGES[0]!, big, SPEC_MESSAGES[1]!, SPEC_MESSAGES[2]!, SPEC_MESSAGES[0]!];
    const dir = tempDir();
    writeBox(f, dir, 'box', messages);
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    const seen = await collect(mb.messages());
    expect(seen.map((m) => m.text.toString('latin1'))).toEqual(messages.map((m) => m.text));
    expect(seen.map((m) => m.size)).toEqual(messages.map((m) => m.text.length));
    const records = [];
    for await (const r of mb.messages()) records.push(r);
    expect((await records[0]!.text()).toString('latin1')).toBe(messages[0]!.text);
    await mb.close();
  });

  it('gives position as the offset after each message and accepts an empty file', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    writeBox(f, dir, 'empty', []);
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    expect(mb.byteSize).toBe(fs.statSync(p).size);
    const positions = [];
    for await (const m of mb.messages()) positions.push(m.position);
    // the spec's offsets of the second and third messages (formats-flat.md 5.5, 6), then the end
    expect(positions).toEqual(f.format === 'mtx' ? [165, 290, 393] : [158, 276, 374]);
    await mb.close();
    const empty = await f.driver.open(ref(dir, 'empty'), 'write', context().ctx);
    expect(await collect(empty.messages())).toEqual([]);
    await empty.close();
  });

  it('numbers messages appended by others after the open on from the last UID', async () => {
    const dir = tempDir();
    for (const mode of ['read', 'write'] as const) {
      const p = writeBox(f, dir, 'box', SPEC_MESSAGES.slice(0, 2));
      const mb = await f.driver.open(ref(dir, 'box'), mode, context().ctx);
      expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1, 2]);
      fs.appendFileSync(p, `${SPEC_MESSAGES[2]!.date},5;000000000000${f.eol}abcde`);
      expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1, 2, 3]);
      expect(mb.meta.uidLast).toBe(3);
      await mb.close();
    }
  });
});

describe('tenex LF form (formats-flat.md 6)', () => {
  const tenex = FAMILY.find((f) => f.format === 'tenex')!;

  it('reads each LF as CR LF, keeps CR LF and lone CRs, and counts RFC822.SIZE so (checked with ccdump)', async () => {
    const dir = tempDir();
    // a file another program wrote with CRs in it: c-client read 19 bytes as 20
    writeBox(tenex, dir, 'box', [{ date: ' 7-May-2001 20:54:30 -0700', flags: '000000000001', text: '', size: '19' }]);
    fs.appendFileSync(path.join(dir, 'box'), 'Subject: a\r\n\nb\rc\r\r\n');
    const mb = await tenex.driver.open(ref(dir, 'box'), 'read', context().ctx);
    const [m] = await collect(mb.messages());
    expect([m!.size, m!.text.toString('latin1')]).toEqual([20, 'Subject: a\r\n\r\nb\rc\r\r\n']);
    await mb.close();
  });

  it('counts sizes across chunk boundaries', async () => {
    tuning.chunkSize = 64;
    const dir = tempDir();
    const text = 'Subject: x\r\n\r\n' + 'line\r\n'.repeat(40);
    writeBox(tenex, dir, 'box', [{ ...SPEC_MESSAGES[0]!, text }, SPEC_MESSAGES[1]!]);
    const mb = await tenex.driver.open(ref(dir, 'box'), 'read', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.size)).toEqual([text.length, SPEC_MESSAGES[1]!.text.length]);
    await mb.close();
  });
});
