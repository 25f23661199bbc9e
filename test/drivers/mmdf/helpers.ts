// Fixtures for the mmdf driver tests: the unix tests' context, dump and
// references, and mmdf's delimiter.
import { mmdfDriver } from '../../../src/drivers/mmdf/index.js';
import { readWith, type ReadResult } from '../unix/helpers.js';

export {
  PINNED, PSEUDO_BODY, comparable, dump, fileIdentity, holdSession, localRef, readGoldenCopy, tempDir, testContext,
} from '../unix/helpers.js';

/** ^A^A^A^A LF. */
export const D = '\x01\x01\x01\x01\n';

/** A message between delimiters: optional From_ line, header lines, empty line, body. */
export function mmdfMessage(fromLine: string | undefined, header = 'Subject: x\n', body = 'body\n'): string {
  return `${D}${fromLine ? `${fromLine}\n` : ''}${header}\n${body}${D}`;
}

/** Writes content to a new file (with the given modification time), reads it with the mmdf driver, closes it. */
export function readMmdf(content: string | Buffer, mode: 'read' | 'write' = 'read', mtime?: Date): Promise<ReadResult> {
  return readWith(mmdfDriver, content, mode, mtime);
}
