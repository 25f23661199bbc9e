// The golden mmdf mailboxes written by the real UW mailutil read back exactly as
// c-client reported them (EXPECTED.json): UIDs, dates, flags, keywords, sizes,
// texts, and the mailbox's UID validity, last UID and keywords.
process.env.TZ = 'UTC';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { goldenDir, loadExpected } from '../../interop/golden.js';
import { comparable, readGoldenCopy } from './helpers.js';

const golden = goldenDir();
const expected = await loadExpected();

describe.each(['mmdf', 'mmdf-pruned'])('golden %s', (name) => {
  const e = expected[name]!;

  it('is recognised as mmdf', async () => {
    expect(await mmdfDriver.probe(path.join(golden, name))).toBe(true);
  });

  for (const mode of ['read', 'write'] as const) {
    it(`reads every message as c-client does (${mode === 'read' ? 'read-only' : 'read-write'}), changing nothing`, async () => {
      const r = await readGoldenCopy(mmdfDriver, name, mode);
      expect(r.meta).toEqual({ uidValidity: e.uidValidity, uidLast: e.uidLast, keywords: e.keywords });
      expect(r.messages.length).toBe(e.count);
      expect(r.messages.map(comparable)).toEqual(e.messages.map(comparable));
      expect(r.warnings).toEqual([]);
      expect(r.unchanged).toBe(true);
    });
  }
});
