// Fixtures for the mmdf driver tests: the unix tests' context, dump and
// references, and mmdf's delimiter.
import fs from 'node:fs';
import path from 'node:path';
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { dump, localRef, tempDir, testContext, type ReadResult } from '../unix/helpers.js';

export { PINNED, dump, localRef, tempDir, testContext } from '../unix/helpers.js';

/** ^A^A^A^A LF. */
export const D = '\x01\x01\x01\x01\n';

/** A message between delimiters: optional From_ line, header lines, empty line, body. */
export function mmdfMessage(fromLine: string | undefined, header = 'Subject: x\n', body = 'body\n'): string {
  return `${D}${fromLine ? `${fromLine}\n` : ''}${header}\n${body}${D}`;
}

/** Writes content to a new file (with the given modification time), reads it with the mmdf driver, closes it. */
export async function readMmdf(content: string | Buffer, mode: 'read' | 'write' = 'read', mtime?: Date): Promise<ReadResult> {
  const dir = tempDir('mmdf-');
  try {
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
    if (mtime) fs.utimesSync(file, mtime, mtime);
    const ctx = testContext();
    const box = await mmdfDriver.open(localRef(file), mode, ctx);
    const messages = await dump(box);
    const meta = box.meta;
    await box.close();
    return { meta, messages, warnings: ctx.warnings, notes: ctx.notes };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
