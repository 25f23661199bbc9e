// The bytes of every mix file as formats-dir.md 2.4-2.7 and 2.16 show them:
// .mixmeta, .mixindex records (77 bytes), .mixstatus records (35 bytes),
// ":msg:" lines (45 bytes), header sizes, and the worked example written
// byte for byte as c-client wrote it.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { headerSize, msgLine } from '../../../src/drivers/mix/append.js';
import { formatIndexDate, fromMailDate, parseIndexDate, toMailDate } from '../../../src/drivers/mix/dates.js';
import { indexRecord } from '../../../src/drivers/mix/index-file.js';
import { mixDriver } from '../../../src/drivers/mix/index.js';
import { parseMeta, serializeMeta } from '../../../src/drivers/mix/meta.js';
import { dataFileName, dataFileNumber } from '../../../src/drivers/mix/names.js';
import { nextSequence } from '../../../src/drivers/mix/numbers.js';
import { statusRecord } from '../../../src/drivers/mix/status-file.js';
import { formatInternalDate } from '../../../src/mail/dates.js';
import { batch, Clock, context, dataFiles, fileLines, fileText, ref, SAMPLE, SAMPLE_KEYWORDS, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

const noWarnings = { previousSeq: 0, knownKeywords: [], warn: (t: string) => { throw new Error(t); } };

describe('.mixmeta (formats-dir.md 2.4)', () => {
  it('writes the spec\'s examples byte for byte: 44 bytes fresh, 67 with keywords', () => {
    const fresh = serializeMeta({ seq: 0x6b058c08, uidValidity: 0x6b058c08, uidLast: 0, current: 0x6b058c08, keywords: [] });
    expect(fresh.toString('latin1')).toBe('S6b058c08\r\nV6b058c08\r\nL00000000\r\nN6b058c08\r\n');
    expect(fresh.length).toBe(44);
    const withKeywords = serializeMeta({ seq: 0x6b058bae, uidValidity: 0x6b058ba9, uidLast: 5, current: 0x6b058ba9, keywords: SAMPLE_KEYWORDS });
    expect(withKeywords.toString('latin1')).toBe('S6b058bae\r\nV6b058ba9\r\nL00000005\r\nN6b058ba9\r\nKwork urgent personal\r\n');
    expect(withKeywords.length).toBe(67);
  });

  it('reads them back, keys in any order, hex in either case', () => {
    const text = 'S6b058bae\r\nKwork urgent personal\r\nN6B058BA9\r\nL00000005\r\nV6b058ba9\r\n';
    expect(parseMeta(Buffer.from(text), noWarnings)).toEqual({
      seq: 0x6b058bae, uidValidity: 0x6b058ba9, uidLast: 5, current: 0x6b058ba9, keywords: SAMPLE_KEYWORDS,
    });
  });
});

describe('.mixindex, .mixstatus and :msg: records (formats-dir.md 2.5-2.7)', () => {
  const m = {
    uid: 2, date: parseIndexDate('20231122101112+0000', 0)!, size: 0x98, file: 0x6b058d82, pos: 0, hoff: 45, hsiz: 0x8c,
    keywords: 3, flags: 0x0d, modseq: 0x6b058d86,
  };

  it('an index record is 77 bytes, lower-case hex, zero padded', () => {
    const r = indexRecord(m);
    expect(r).toBe(':00000002:20231122101112+0000:00000098:6b058d82:00000000:0000002d:0000008c:\r\n');
    expect(r.length).toBe(77);
  });

  it('a status record is 35 bytes, the flags four hex digits', () => {
    const r = statusRecord(2, 3, 0x0d, 0x6b058d86);
    expect(r).toBe(':00000002:00000003:000d:6b058d86:\r\n');
    expect(r.length).toBe(35);
  });

  it('a :msg: line is 45 bytes (hoff 0000002d)', () => {
    const line = msgLine(2, '20231122101112+0000', 0x98);
    expect(line).toBe(':msg:00000002:20231122101112+0000:00000098:\r\n');
    expect(line.length).toBe(45);
  });

  it('dates keep their zone: local wall clock and offset, not UTC', () => {
    const d = { ms: Date.UTC(2023, 10, 23, 6, 2, 3), zone: -300 };
    expect(formatIndexDate(fromMailDate(d))).toBe('20231123010203-0500');
    expect(toMailDate(parseIndexDate('20231123010203-0500', 0)!)).toEqual(d);
    expect(formatInternalDate(toMailDate(parseIndexDate('20240204184510+0100', 0)!))).toBe(' 4-Feb-2024 18:45:10 +0100');
    expect(formatIndexDate(fromMailDate({ ms: Date.UTC(2020, 0, 1), zone: 330 }))).toBe('20200101053000+0530');
  });

  it('the header ends after the first CR LF CR LF as c-client finds it, else it is the whole text', () => {
    expect(headerSize(Buffer.from('A: b\r\n\r\nbody\r\n'))).toBe(8);
    expect(headerSize(Buffer.from('A: b\r\nno body'))).toBe(13);
    // c-client's state machine starts over after a CR that breaks the pattern, instead of taking
    // it as a new start: these blank lines are not seen, and the header is the whole text
    expect(headerSize(Buffer.from('A\r\r\n\r\nx'))).toBe(7);
    expect(headerSize(Buffer.from('A\r\n\r\r\n\r\nx'))).toBe(9);
  });

  it('data files are .mix and hex8; only such names are data files', () => {
    expect(dataFileName(0x6b058d82)).toBe('.mix6b058d82');
    expect(dataFileName(0)).toBe('.mix');
    expect([
      '.mix6b058d82', '.mix', '.mixABC', '.mixmeta', '.mixindex', '.mixstatus', '.mixsortcache', '.mix6b05x', 'mix1',
    ].map(dataFileNumber)).toEqual([0x6b058d82, 0, 0xabc, undefined, undefined, undefined, undefined, undefined, undefined]);
  });

  it('sequences are the clock, or one more than the old value when the clock has not passed it', () => {
    const at = (s: number): Date => new Date(s * 1000);
    expect(nextSequence(0x6b058d80, at(0x6b058d86))).toBe(0x6b058d86);
    expect(nextSequence(0x6b058d86, at(0x6b058d86))).toBe(0x6b058d87);
    expect(nextSequence(0x6b058d90, at(0x6b058d86))).toBe(0x6b058d91);
  });
});

/** The data file of the worked example: every message's :msg: line and text, back to back. */
function workedExampleData(): Buffer {
  const uids = [2, 3, 4, 5];
  return Buffer.concat(SAMPLE.flatMap((m, i) => [
    Buffer.from(msgLine(uids[i]!, formatIndexDate(fromMailDate(m.internalDate)), m.text.length), 'latin1'), m.text,
  ]));
}

describe('the worked example (formats-dir.md 2.16) and its flag changes (2.11)', () => {
  /** Created at 0x6b058d82 with keywords and last UID 1 (as after -kw's dummy), the four messages appended at 0x6b058d86. */
  async function workedExample(): Promise<{ dir: string; clock: Clock }> {
    const home = tempDir();
    const clock = new Clock(0x6b058d82);
    const { ctx } = context(clock);
    const r = ref(home, 'box');
    await mixDriver.create(r, ctx, { meta: { uidValidity: 0x6b058d82, uidLast: 1, keywords: SAMPLE_KEYWORDS } });
    clock.set(0x6b058d86);
    const mb = await mixDriver.open(r, 'write', ctx);
    const result = await mb.append(batch(SAMPLE));
    await mb.close();
    expect(result.uids).toEqual([2, 3, 4, 5]);
    return { dir: r.path, clock };
  }

  it('writes .mixindex, .mixstatus and the data file exactly as c-client did, and sizes 903/319/67/151', async () => {
    const { dir } = await workedExample();
    expect(fileLines(dir, '.mixindex')).toEqual([
      'S6b058d86',
      ':00000002:20231122101112+0000:00000098:6b058d82:00000000:0000002d:0000008c:',
      ':00000003:20231123010203-0500:000000dc:6b058d82:000000c5:0000002d:0000008a:',
      ':00000004:20231124235959+0000:000000a7:6b058d82:000001ce:0000002d:00000088:',
      ':00000005:20231125080000+0000:000000b8:6b058d82:000002a2:0000002d:00000085:',
    ]);
    expect(fileLines(dir, '.mixstatus')).toEqual([
      'S6b058d86',
      ':00000002:00000003:000d:6b058d86:',
      ':00000003:00000001:0022:6b058d86:',
      ':00000004:00000000:0000:6b058d86:',
      ':00000005:00000004:0001:6b058d86:',
    ]);
    // .mixmeta: last UID 5, one more sequence than the index and status written in the same second
    expect(fileText(dir, '.mixmeta')).toBe('S6b058d87\r\nV6b058d82\r\nL00000005\r\nN6b058d82\r\nKwork urgent personal\r\n');
    const data = fs.readFileSync(path.join(dir, '.mix6b058d82'));
    expect(data.equals(workedExampleData())).toBe(true);
    expect(data.subarray(0, 48).toString('latin1')).toBe(':msg:00000002:20231122101112+0000:00000098:\r\nDat');
    expect(Object.fromEntries(['.mix6b058d82', '.mixindex', '.mixmeta', '.mixstatus'].map((f) => [f, fs.statSync(path.join(dir, f)).size])))
      .toEqual({ '.mix6b058d82': 903, '.mixindex': 319, '.mixmeta': 67, '.mixstatus': 151 });
    expect(dataFiles(dir)).toEqual([['.mix6b058d82', 903]]);
  });

  it('flag changes: only changed records get the new modseq, a new keyword extends K (the 2.11 sequence)', async () => {
    const { dir, clock } = await workedExample();
    // the "old" state c-client's first read-write open leaves (2.6), which mailsmith itself never writes
    fs.writeFileSync(path.join(dir, '.mixstatus'), [
      'S6b058d87', ':00000002:00000003:001d:6b058d87:', ':00000003:00000001:0032:6b058d87:',
      ':00000004:00000000:0010:6b058d87:', ':00000005:00000004:0011:6b058d87:', '',
    ].join('\r\n'));
    clock.set(0x6b058d87);
    const { ctx } = context(clock);
    const mb = await mixDriver.open(ref(path.dirname(dir), 'box'), 'write', ctx);
    await mb.store([4], { add: { flags: ['\\Flagged'], keywords: ['newkw'] } });
    await mb.store([2], { remove: { flags: ['\\Seen'], keywords: ['work'] } });
    await mb.close();
    expect(fileLines(dir, '.mixstatus')).toEqual([
      'S6b058d89',
      ':00000002:00000002:001c:6b058d89:',
      ':00000003:00000001:0032:6b058d87:',
      ':00000004:00000008:0014:6b058d88:',
      ':00000005:00000004:0011:6b058d87:',
    ]);
    expect(fileText(dir, '.mixmeta')).toBe('S6b058d88\r\nV6b058d82\r\nL00000005\r\nN6b058d82\r\nKwork urgent personal newkw\r\n');
    expect(fileLines(dir, '.mixindex')[0]).toBe('S6b058d86');
  });
});
