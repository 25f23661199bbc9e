// Proves mailsmith reads every unix and mbx mailbox the real UW mailutil wrote
// (../shared/corpus/golden) exactly as c-client does: per message the UID,
// internal date, flags, keywords, size and text (sha256) of EXPECTED.json,
// the mailbox's UID validity, last UID and keywords, \Recent as c-client counts
// it, without changing a byte of the file; and that `mailsmith check` prints
// mailutil's check line for each.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedSetup } from './oracle.js';
import { UNIX_AND_MBX_GOLDENS, goldenDir, goldenDiffs, loadExpected } from './golden.js';
import { checkLine, mailsmithCli, readWithMailsmith } from './mailsmith.js';

process.env.TZ = 'UTC';

describe.each(UNIX_AND_MBX_GOLDENS)('golden %s', (name) => {
  const setup = sharedSetup('golden', async (home) => {
    await home.putCopy(name, path.join(goldenDir(), name));
    return { expected: (await loadExpected())[name]! };
  });
  afterAll(() => setup.dispose());

  it('reads as EXPECTED.json, in the right format, without warnings', async () => {
    const { home, expected } = await setup.get();
    const dump = await readWithMailsmith(home.dir, name);
    expect(dump.format).toBe(expected.driver);
    expect(goldenDiffs(dump, expected)).toEqual([]);
    expect(dump.warnings).toEqual([]);
  });

  it('counts \\Recent and unseen messages as mailutil check does', async () => {
    const { home, expected } = await setup.get();
    expect(checkLine(await readWithMailsmith(home.dir, name), name)).toBe(expected.check);
  });

  it('leaves the file byte for byte as it was', async () => {
    const { home } = await setup.get();
    const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
    await readWithMailsmith(home.dir, name);
    expect(sha(await home.read(name))).toBe(sha(await fsp.readFile(path.join(goldenDir(), name))));
  });

  it('mailsmith check prints the check line of EXPECTED.json', async () => {
    const { home, expected } = await setup.get();
    const r = await mailsmithCli(home.dir, 'check', name);
    expect({ status: r.status, stdout: r.stdout.trim(), stderr: r.stderr }).toEqual({
      status: 0, stdout: expected.check, stderr: '',
    });
  });
});
