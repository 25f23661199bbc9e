// .mxindex byte for byte (formats-dir.md 3.3): the spec's verified example and
// the golden index read and written back identically, and c-client's walk of
// odd input (strtoul, K without LF, NUL, records for missing files, records
// out of order, over-long keywords, damage with its offset).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseIndex, serializeIndex, strtoul16 } from '../../../src/drivers/mx/mxindex.js';
import { goldenDir, SPEC_INDEX } from './helpers.js';

const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('the spec example', () => {
  it('reads V, L, the keywords and a record per message', () => {
    const { state, empty, damage } = parseIndex(bytes(SPEC_INDEX), [2, 3, 4, 5], 99);
    expect({ empty, damage }).toEqual({ empty: false, damage: undefined });
    expect(state).toEqual({
      uidValidity: 0x6b058c12, uidLast: 5, slots: ['work', 'urgent', 'personal'],
      uids: [2, 3, 4, 5], keywords: [3, 1, 0, 4], flags: [0x0d, 0x22, 0, 1],
    });
  });

  it('writes the same 134 bytes back', () => {
    const out = serializeIndex(parseIndex(bytes(SPEC_INDEX), [2, 3, 4, 5], 99).state);
    expect(out.length).toBe(134);
    expect(out.toString('latin1')).toBe(SPEC_INDEX);
  });
});

it.each(['mx', 'mx-pruned'])('the golden %s index round-trips byte for byte', (name) => {
  const raw = fs.readFileSync(path.join(goldenDir, name, '.mxindex'));
  const uids = fs.readdirSync(path.join(goldenDir, name)).filter((e) => /^\d+$/.test(e)).map(Number).sort((a, b) => a - b);
  expect(serializeIndex(parseIndex(raw, uids, 0).state).equals(raw)).toBe(true);
});

describe('c-client\'s walk', () => {
  it('an empty index is a new mailbox: validity now, last UID the highest file', () => {
    expect(parseIndex(Buffer.alloc(0), [3, 9], 1234)).toMatchObject({
      empty: true, state: { uidValidity: 1234, uidLast: 9, slots: [], keywords: [0, 0], flags: [0, 0] },
    });
  });

  it('L overrides the highest file number, even below it', () => {
    expect(parseIndex(bytes('V00000001L00000002'), [1, 7], 0).state.uidLast).toBe(2);
  });

  it('ignores records for UIDs without a file and records out of UID order', () => {
    const { state } = parseIndex(bytes('V1L9M1;1.1M5;2.2M3;4.4M7;8.8'), [3, 5, 7], 0);
    // 3 comes after 5: c-client only walks forward
    expect({ keywords: state.keywords, flags: state.flags }).toEqual({ keywords: [0, 2, 8], flags: [0, 2, 8] });
  });

  it('keeps only the five system flag bits (no "old", nothing else)', () => {
    expect(parseIndex(bytes('V1L1M1;0.ffff'), [1], 0).state.flags).toEqual([0x2f]);
  });

  it('reads numbers as strtoul does: spaces, a sign, 0x, any case, any length', () => {
    const { state } = parseIndex(bytes('V 0x1AbL+10M10;  FF.0X2'), [16], 0);
    expect({ v: state.uidValidity, l: state.uidLast, kw: state.keywords, f: state.flags }).toEqual({ v: 0x1ab, l: 16, kw: [0xff], f: [2] });
    expect(strtoul16(bytes('x12'), 0)).toEqual({ value: 0, end: 0 });
    expect(strtoul16(bytes('0xg'), 0)).toEqual({ value: 0, end: 1 });
    expect(strtoul16(bytes('-1'), 0).value).toBe(2 ** 64 - 1);
  });

  it('a K record without its LF ends the walk quietly; a NUL ends the index', () => {
    const half = parseIndex(bytes('V1L1Kwork\nKhalf'), [1], 0);
    expect({ slots: half.state.slots, damage: half.damage }).toEqual({ slots: ['work'], damage: undefined });
    const nul = parseIndex(bytes('V1L1M1;1.1\0M1;2.2'), [1], 0);
    expect({ flags: nul.state.flags, damage: nul.damage }).toEqual({ flags: [1], damage: undefined });
  });

  it('an over-long keyword keeps its bit but no name; the rewrite stops at that slot, as c-client\'s', () => {
    const long = 'x'.repeat(51);
    const { state } = parseIndex(bytes(`V1L1Kwork\nK${long}\nKlate\nM1;7.0`), [1], 0);
    expect(state.slots).toEqual(['work', undefined, 'late']);
    expect(serializeIndex(state).toString('latin1')).toBe('V00000001L00000001Kwork\nM00000001;00000007.0000');
  });

  it.each([
    ['an unknown record', 'V1L2Xjunk', 4, 'Error in index: Xjunk'],
    ['M without ;', 'V1L2M00000001.0001', 13, 'Error in index: .0001'],
    ['M without .', 'V1L2M1;3;', 8, 'Error in index: ;'],
    ['a line end after the header', 'V1L2\nM1;0.0', 4, 'Error in index: \\nM1;0.0'],
  ])('damage (%s) stops the walk, with c-client\'s words and the offset', (_what, index, offset, detail) => {
    const { damage } = parseIndex(bytes(index), [1, 2], 0);
    expect(damage).toEqual({ offset, detail });
  });

  it('records before the damage count', () => {
    const { state, damage } = parseIndex(bytes('V1L2M1;1.1?M2;2.2'), [1, 2], 0);
    expect({ flags: state.flags, offset: damage?.offset }).toEqual({ flags: [1, 0], offset: 10 });
  });
});
