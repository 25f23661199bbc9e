// The golden mmdf mailboxes written by the real UW mailutil read back exactly as
// c-client reported them (EXPECTED.json): UIDs, dates, flags, keywords, sizes,
// texts, and the mailbox's UID validity, last UID and keywords.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { sharedDir } from '../../helpers/paths.js';
import { dump, localRef, tempDir, testContext } from './helpers.js';

const golden = path.join(sharedDir(), 'corpus', 'golden');
const expected = JSON.parse(fs.readFileSync(path.join(golden, 'EXPECTED.json'), 'utf8')).mailboxes as Record<string, {
  uidValidity: number; uidLast: number; keywords: string[]; count: number;
  messages: { uid: number; internalDate: string; flags: string[]; keywords: string[]; size: number; sha256: string }[];
}>;

describe.each(['mmdf', 'mmdf-pruned'])('golden %s', (name) => {
  const e = expected[name]!;

  it('is recognised as mmdf', async () => {
    expect(await mmdfDriver.probe(path.join(golden, name))).toBe(true);
  });

  for (const mode of ['read', 'write'] as const) {
    it(`reads every message as c-client does (${mode === 'read' ? 'read-only' : 'read-write'}), changing nothing`, async () => {
      // a copy: reading takes a dot-lock beside the file, and nothing may be written into ../shared
      const dir = tempDir('golden-');
      const file = path.join(dir, name);
      fs.copyFileSync(path.join(golden, name), file);
      const ctx = testContext();
      const box = await mmdfDriver.open(localRef(file), mode, ctx);
      const messages = await dump(box);
      expect(box.meta).toEqual({ uidValidity: e.uidValidity, uidLast: e.uidLast, keywords: e.keywords });
      expect(messages.length).toBe(e.count);
      expect(messages.map((m) => ({
        uid: m.uid, internalDate: m.internalDate, flags: [...m.flags].sort(), keywords: [...m.keywords].sort(),
        size: m.size, sha256: m.sha256,
      }))).toEqual(e.messages.map((x) => ({
        uid: x.uid, internalDate: x.internalDate, flags: [...x.flags].sort(), keywords: [...x.keywords].sort(),
        size: x.size, sha256: x.sha256,
      })));
      expect(ctx.warnings).toEqual([]);
      await box.close();
      expect(fs.readFileSync(file).equals(fs.readFileSync(path.join(golden, name)))).toBe(true);
      fs.rmSync(dir, { recursive: true });
    });
  }
});
