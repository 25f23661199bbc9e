// The golden mailboxes written by the real UW mailutil read back exactly as
// c-client reported them (EXPECTED.json): UIDs, dates, flags, keywords, sizes, texts.
process.env.TZ = 'UTC';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { goldenDir, loadExpected } from '../../interop/golden.js';
import { comparable, readGoldenCopy } from './helpers.js';

const golden = goldenDir();
const expected = await loadExpected();

describe.each(['source.mbox', 'unix', 'unix-pruned'])('golden %s', (name) => {
  const e = expected[name]!;

  it('is recognised as unix', async () => {
    expect(await unixDriver.probe(path.join(golden, name))).toBe(true);
  });

  for (const mode of ['read', 'write'] as const) {
    it(`reads every message as c-client does (${mode === 'read' ? 'read-only' : 'read-write'})`, async () => {
      const r = await readGoldenCopy(unixDriver, name, mode);
      expect(r.meta).toEqual({ uidValidity: e.uidValidity, uidLast: e.uidLast, keywords: e.keywords });
      expect(r.messages.length).toBe(e.count);
      expect(r.messages.map(comparable)).toEqual(e.messages.map(comparable));
      expect(r.warnings).toEqual([]);
      // unlike a c-client session, a read-write open that changes nothing writes nothing
      if (mode === 'write') expect(r.unchanged).toBe(true);
    });
  }
});
