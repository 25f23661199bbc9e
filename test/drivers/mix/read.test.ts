// Reading mix mailboxes as c-client reads them: the goldens written by the
// real mailutil give exactly EXPECTED.json, \Recent is the missing "old" bit,
// reading (read-only or read-write) writes nothing, and the reader accepts
// what c-client accepts (LF line ends, extra fields, missing status records).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixDriver } from '../../../src/drivers/mix/index.js';
import { tuning } from '../../../src/drivers/mix/tuning.js';
import { goldenDiffs, goldenDir, loadExpected } from '../../interop/golden.js';
import { batch, collect, context, ref, SAMPLE, SAMPLE_KEYWORDS, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

/** A writable copy of a golden mix directory in a fresh home. */
function goldenCopy(name: string): { home: string; dir: string } {
  const home = tempDir();
  const dir = path.join(home, name);
  fs.cpSync(path.join(goldenDir(), name), dir, { recursive: true });
  fs.chmodSync(dir, 0o700);
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o600);
  return { home, dir };
}

/** Every file of a directory with its sha256 and inode. */
function snapshot(dir: string): Record<string, string> {
  return Object.fromEntries(fs.readdirSync(dir).sort().map((f) => {
    const p = path.join(dir, f);
    return [f, `${createHash('sha256').update(fs.readFileSync(p)).digest('hex')} ${fs.statSync(p).ino}`];
  }));
}

describe.each(['mix', 'mix-pruned'])('golden %s (written by mailutil)', (name) => {
  it.each(['read', 'write'] as const)('reads as EXPECTED.json, without warnings, and writes nothing (%s)', async (mode) => {
    const expected = (await loadExpected())[name]!;
    const { home, dir } = goldenCopy(name);
    const before = snapshot(dir);
    const { ctx, warnings } = context();
    const mb = await mixDriver.open(ref(home, name), mode, ctx);
    const messages = await collect(mb.messages());
    await mb.close();
    expect(mb.format).toBe(expected.driver);
    expect(goldenDiffs({ meta: mb.meta, messages }, expected)).toEqual([]);
    expect(warnings).toEqual([]);
    expect(snapshot(dir)).toEqual(before);
  });

  it('counts \\Recent as c-client does: the messages without the "old" bit', async () => {
    const expected = (await loadExpected())[name]!;
    const { home } = goldenCopy(name);
    const mb = await mixDriver.open(ref(home, name), 'read', context().ctx);
    const messages = await collect(mb.messages());
    await mb.close();
    const recent = messages.filter((m) => m.recent).length;
    const unseen = messages.filter((m) => !m.flags.includes('\\Seen')).length;
    expect(`${recent} new message(s) (${unseen} unseen), ${messages.length} total in ${name}`).toBe(expected.check);
  });
});

/** A mailbox of the four sample messages, written by mailsmith. */
async function sampleBox(): Promise<{ home: string; dir: string }> {
  const home = tempDir();
  const { ctx } = context();
  const r = ref(home, 'box');
  await mixDriver.create(r, ctx, { meta: { keywords: SAMPLE_KEYWORDS } });
  const mb = await mixDriver.open(r, 'write', ctx);
  await mb.append(batch(SAMPLE));
  await mb.close();
  return { home, dir: r.path };
}

async function read(home: string): Promise<{ messages: Awaited<ReturnType<typeof collect>>; warnings: string[] }> {
  const { ctx, warnings } = context();
  const mb = await mixDriver.open(ref(home, 'box'), 'read', ctx);
  try {
    return { messages: await collect(mb.messages()), warnings };
  } finally {
    await mb.close();
  }
}

const rewrite = (dir: string, file: string, edit: (text: string) => string): void => {
  const p = path.join(dir, file);
  fs.writeFileSync(p, edit(fs.readFileSync(p, 'latin1')), 'latin1');
};

describe('what the reader accepts (formats-dir.md 2.5, 2.6, 10.1)', () => {
  it('reads back what was appended: text, date with its zone, flags, keywords, UIDs, all \\Recent', async () => {
    const { home } = await sampleBox();
    const { messages, warnings } = await read(home);
    expect(warnings).toEqual([]);
    expect(messages.map((m) => [m.uid, m.internalDate, m.flags, m.keywords, m.recent, m.size])).toEqual([
      [1, '22-Nov-2023 10:11:12 +0000', ['\\Seen', '\\Flagged', '\\Answered'], ['work', 'urgent'], true, 152],
      [2, '23-Nov-2023 01:02:03 -0500', ['\\Deleted', '\\Draft'], ['work'], true, 220],
      [3, '24-Nov-2023 23:59:59 +0000', [], [], true, 167],
      [4, '25-Nov-2023 08:00:00 +0000', ['\\Seen'], ['personal'], true, 184],
    ]);
    expect(messages.map((m) => m.text)).toEqual(SAMPLE.map((m) => m.text));
  });

  it('LF line ends and extra fields in .mixindex and .mixstatus', async () => {
    const { home, dir } = await sampleBox();
    const expected = (await read(home)).messages;
    rewrite(dir, '.mixindex', (t) => t.replace(/\r\n/g, '\n').replace(/:\n/g, ':extra:\n'));
    rewrite(dir, '.mixstatus', (t) => t.replace(/\r\n/g, '\n').replace(/:\n/g, ':more:fields:\n'));
    const { messages, warnings } = await read(home);
    expect(messages).toEqual(expected);
    expect(warnings).toEqual([]);
  });

  it('empty lines are skipped with c-client\'s warning', async () => {
    const { home, dir } = await sampleBox();
    const expected = (await read(home)).messages;
    rewrite(dir, '.mixindex', (t) => t.replace('\r\n:', '\r\n\r\n:'));
    const { messages, warnings } = await read(home);
    expect(messages).toEqual(expected);
    expect(warnings).toEqual(['Empty mix index record']);
  });

  it('a message without a status record has no flags and is \\Recent; records for other UIDs are ignored', async () => {
    const { home, dir } = await sampleBox();
    rewrite(dir, '.mixstatus', (t) => {
      const lines = t.split('\r\n');
      // drop UID 2's record, add one for a UID the index does not have
      return [lines[0], lines[1], lines[3], ':00000063:00000001:0011:00000001:', lines[4], ''].join('\r\n');
    });
    const { messages } = await read(home);
    expect(messages.map((m) => [m.uid, m.flags, m.keywords, m.recent])).toEqual([
      [1, ['\\Seen', '\\Flagged', '\\Answered'], ['work', 'urgent'], true],
      [2, [], [], true],
      [3, [], [], true],
      [4, ['\\Seen'], ['personal'], true],
    ]);
  });

  it('keyword bits without a name and unknown flag bits are ignored', async () => {
    const { home, dir } = await sampleBox();
    rewrite(dir, '.mixstatus', (t) => t.replace(':00000004:00000004:0001:', ':00000004:80000004:0f51:'));
    const m4 = (await read(home)).messages[3]!;
    expect([m4.flags, m4.keywords, m4.recent]).toEqual([['\\Seen'], ['personal'], false]);
  });

  it('a .mixsortcache, stale or not, changes nothing', async () => {
    const { home, dir } = await sampleBox();
    const expected = (await read(home)).messages;
    fs.writeFileSync(path.join(dir, '.mixsortcache'), 'S00000001\r\n:00000063:junk\r\n');
    expect((await read(home)).messages).toEqual(expected);
  });

  it('number 0 is the data file .mix, as pre-release versions wrote it', async () => {
    const { home, dir } = await sampleBox();
    const expected = (await read(home)).messages;
    const [data] = fs.readdirSync(dir).filter((f) => /^\.mix[0-9a-f]+$/.test(f));
    fs.renameSync(path.join(dir, data!), path.join(dir, '.mix'));
    rewrite(dir, '.mixindex', (t) => t.replace(new RegExp(`:${data!.slice(4)}:`, 'g'), ':00000000:'));
    expect((await read(home)).messages).toEqual(expected);
  });

  it('reads texts through small chunks and texts bigger than a chunk', async () => {
    const saved = tuning.chunkSize;
    try {
      const { home } = await sampleBox();
      tuning.chunkSize = 200;
      const { messages } = await read(home);
      expect(messages.map((m) => m.text)).toEqual(SAMPLE.map((m) => m.text));
    } finally {
      tuning.chunkSize = saved;
    }
  });
});

describe('a session and other processes', () => {
  it('reads the index and status again only when another process has rewritten them (a new sequence)', async () => {
    const { home } = await sampleBox();
    const mine = await mixDriver.open(ref(home, 'box'), 'write', context().ctx);
    expect((await collect(mine.messages())).map((m) => m.flags.length)).toEqual([3, 2, 0, 1]);
    const other = await mixDriver.open(ref(home, 'box'), 'write', context().ctx);
    await other.store([3], { add: { flags: ['\\Flagged'], keywords: ['fresh'] } });
    await other.append(batch([SAMPLE[0]!]));
    await other.close();
    const seen = await collect(mine.messages());
    expect(seen.map((m) => [m.uid, m.flags.length])).toEqual([[1, 3], [2, 2], [3, 1], [4, 1], [5, 3]]);
    expect(seen[2]!.keywords).toEqual(['fresh']);
    expect(mine.meta.keywords).toEqual([...SAMPLE_KEYWORDS, 'fresh']);
    await mine.close();
  });
});
