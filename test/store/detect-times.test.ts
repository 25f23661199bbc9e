// Probing a mailbox reads its first bytes; the access time that read moves is put back, to the
// nanosecond, and the modification time is never touched (mail readers compare the two).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { setAccessTime } from '../../src/io/native.js';
import { detect } from '../../src/store/index.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'detect-times-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

it('a probe leaves atime and mtime as they were, to the nanosecond', async () => {
  const file = path.join(dir, 'box');
  fs.writeFileSync(file, 'From alice@example.org Mon Nov 30 06:00:00 2026\nSubject: x\n\nbody\n');
  // the mtime the write left (nanoseconds), and an access time before it, so that any read moves
  // it (relatime included)
  const st = fs.statSync(file, { bigint: true });
  expect(setAccessTime(file, st.mtimeNs - 3_600_123_456_789n)).toBe(0);
  const before = fs.statSync(file, { bigint: true });
  const found = await detect(file);
  expect(found.kind === 'mailbox' && found.driver.format).toBe('unix');
  const after = fs.statSync(file, { bigint: true });
  expect(after.mtimeNs).toBe(before.mtimeNs);
  expect(after.atimeNs).toBe(before.atimeNs);
});
