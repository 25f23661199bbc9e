import fs from 'node:fs';
import { expect } from 'vitest';
import { flockNow } from '../../src/locks/index.js';

/**
 * Checks the shared flock an open session holds on `file`: another descriptor gets a shared
 * flock but not an exclusive one; once the session is closed, an exclusive one.
 */
export async function expectSharedFlockUntilClose(file: string, session: { close(): Promise<void> }): Promise<void> {
  const fd = fs.openSync(file, 'r');
  try {
    expect(flockNow(fd, 'exclusive')).toBe(false);
    expect(flockNow(fd, 'shared')).toBe(true);
    flockNow(fd, 'unlock');
    await session.close();
    expect(flockNow(fd, 'exclusive')).toBe(true);
  } finally {
    fs.closeSync(fd);
  }
}
