// Proves the interop harness itself tells the truth before anything is judged
// by it: missing tools fail with the install command, mailutil runs as the
// oracle user with TZ=UTC in its own home, ccdump and `mailutil check` report
// for the golden unix and mbx files exactly what EXPECTED.json recorded, and
// the model of the unix format's transformations matches what c-client's own
// unix writer did to the golden messages.
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_ORACLE_TOOLS, INSTALL_COMMAND, ORACLE_USER, requireOracleTools, runAsOracle,
} from '../helpers/oracle-user.js';
import { sharedSetup } from './oracle.js';
import { parseCcdump } from './ccdump.js';
import { UNIX_AND_MBX_GOLDENS, goldenDir, goldenDiffs, loadExpected } from './golden.js';
import { cClientUnixNul, unixStoredForm } from './messages.js';
import { describeTextDifference } from './dump.js';

describe('missing oracle tools', () => {
  it.each([
    ['mailutil', { ...DEFAULT_ORACLE_TOOLS, mailutil: '/nonexistent/mailutil' }],
    ['the c-client header', { ...DEFAULT_ORACLE_TOOLS, cClientHeader: '/nonexistent/c-client.h' }],
    ['the C compiler', { ...DEFAULT_ORACLE_TOOLS, cc: 'no-such-cc-anywhere' }],
  ])('without %s, fails saying how to install them', (_what, tools) => {
    expect(() => requireOracleTools(tools)).toThrow(INSTALL_COMMAND);
  });
});

describe("ccdump's output", () => {
  it('is parsed field by field, keywords holding a TAB included (c-client splits keyword lists at spaces only)', async () => {
    const out = '#mailbox\tunix\tnmsgs=1\tuidvalidity=7\tuidlast=3\tkeywords=a\tb c\n1\t3\t 1-Jan-1971 00:00:00 +0000\t\\Seen \\Draft\ta\tb\t13\n';
    const texts = new Map([[1, Buffer.from('Subject: x\r\n')]]);
    expect(await parseCcdump(out, async (n) => texts.get(n)!)).toEqual({
      meta: { driver: 'unix', nmsgs: 1, uidValidity: 7, uidLast: 3, keywords: ['a\tb', 'c'] },
      messages: [{
        msgno: 1, uid: 3, internalDate: ' 1-Jan-1971 00:00:00 +0000', flags: ['\\Seen', '\\Draft'], keywords: ['a\tb'],
        size: 13, text: texts.get(1),
      }],
    });
  });
});

describe('the oracle', () => {
  const setup = sharedSetup('harness', async (home) => {
    for (const name of UNIX_AND_MBX_GOLDENS) await home.putCopy(name, path.join(goldenDir(), name));
    return { expected: await loadExpected() };
  });
  afterAll(() => setup.dispose());

  it('runs as the oracle user (when we are root), in its home, with TZ=UTC', async () => {
    const { home } = await setup.get();
    const r = await runAsOracle(home.dir, ['sh', '-c', 'id -un; echo "$HOME"; echo "$TZ"; pwd']);
    const [user, envHome, tz, cwd] = r.stdout.toString().trim().split('\n');
    expect(user).toBe(process.getuid?.() === 0 ? ORACLE_USER : os.userInfo().username);
    expect([envHome, tz, cwd]).toEqual([home.dir, 'UTC', home.dir]);
  });

  it.each(UNIX_AND_MBX_GOLDENS)('ccdump reports for %s what EXPECTED.json says', async (name) => {
    const { home, expected } = await setup.get();
    const dump = await home.ccdump(name);
    expect(dump.warnings).toEqual([]);
    expect(goldenDiffs(dump, expected[name]!)).toEqual([]);
  });

  it.each(UNIX_AND_MBX_GOLDENS)('mailutil check %s prints EXPECTED.json\'s line', async (name) => {
    const { home, expected } = await setup.get();
    expect(await home.check(name)).toBe(expected[name]!.check);
  });

  it("the unix model turns each source message into what c-client's unix writer stored", async () => {
    const { home } = await setup.get();
    const source = await home.ccdump('source.mbox');
    const unix = await home.ccdump('unix');
    expect(unix.messages.length).toBe(source.messages.length);
    const diffs = source.messages.flatMap((m, i) => {
      const modelled = cClientUnixNul(unixStoredForm(m.text).text);
      const actual = unix.messages[i]!.text;
      return modelled.equals(actual) ? [] : [`message ${i + 1}: ${describeTextDifference(modelled, actual)}`];
    });
    expect(diffs).toEqual([]);
  });
});
