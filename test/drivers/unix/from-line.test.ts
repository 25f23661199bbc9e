// The From_ line (formats-flat.md 2.1-2.3): which first lines make a unix
// mailbox, and the internal date c-client builds from them.
process.env.TZ = 'UTC';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { unixDriver } from '../../../src/drivers/unix/index.js';
import { looksLikeUnix } from '../../../src/drivers/unix/probe.js';
import { message, readMailbox, tempDir } from './helpers.js';

const latin1 = (s: string): Buffer => Buffer.from(s, 'latin1');

// formats-flat.md 2.2, every row of the verified table (date = what c-client reported)
const ACCEPTED: [string, string][] = [
  ['From user Wed Dec  2 05:53 1992', ' 2-Dec-1992 05:53:00 +0000'],
  ['From user Wed Dec  2 05:53:22 1992', ' 2-Dec-1992 05:53:22 +0000'],
  ['From user Wed Dec  2 05:53 PST 1992', ' 2-Dec-1992 05:53:00 -0800'],
  ['From user Wed Dec  2 05:53:22 PST 1992', ' 2-Dec-1992 05:53:22 -0800'],
  ['From user Wed Dec  2 05:53 -0700 1992', ' 2-Dec-1992 05:53:00 -0700'],
  ['From user Wed Dec  2 05:53:22 -0700 1992', ' 2-Dec-1992 05:53:22 -0700'],
  ['From user Wed Dec  2 05:53 1992 PST', ' 2-Dec-1992 05:53:00 -0800'],
  ['From user Wed Dec  2 05:53:22 1992 PST', ' 2-Dec-1992 05:53:22 -0800'],
  ['From user Wed Dec  2 05:53 1992 -0700', ' 2-Dec-1992 05:53:00 -0700'],
  ['From user Wed Dec  2 05:53:22 1992 -0700', ' 2-Dec-1992 05:53:22 -0700'],
  ['From user Wed Dec  2 05:53:22 1992 remote from uunet', ' 2-Dec-1992 05:53:22 +0000'],
  ['From user Wed Dec  2 05:53:22 1992 -0700 remote from uunet', ' 2-Dec-1992 05:53:22 -0700'],
  ['From user Wed Dec  2 05:53:22 1992 remote from ', ' 2-Dec-1992 05:53:22 +0000'],
  ['From user Wed Dec 02 05:53:22 1992', ' 2-Dec-1992 05:53:22 +0000'],
  ['From user Wed Dec 12 05:53:22 1992', '12-Dec-1992 05:53:22 +0000'],
  ['From  Wed Dec  2 05:53 1992', ' 2-Dec-1992 05:53:00 +0000'],
  ['From a b c Wed Dec  2 05:53:22 1992', ' 2-Dec-1992 05:53:22 +0000'],
  ['From user Wed Dec  2 05:53:22 1992 +0530', ' 2-Dec-1992 05:53:22 +0530'],
  ['From user Wed Dec  2 05:53:22 1992 EDT', ' 2-Dec-1992 05:53:22 -0400'],
  ['From user Wed Dec  2 05:53:22 UTC 1992', ' 2-Dec-1992 05:53:22 +0000'],
  ['From user Xxx Foo  2 05:53:22 1992', ' 1-Jan-1970 00:00:00 +0000'],
  // unknown zone names mean the machine's offset now (UTC here)
  ['From user Wed Dec  2 05:53:22 1992 CET', ' 2-Dec-1992 05:53:22 +0000'],
];

const REJECTED = [
  'From user Wed Dec 2 05:53:22 1992',
  'From user Wed Dec  2 5:53:22 1992',
  'From user Wed Dec  2 05:53:22 92',
  'From user Wed Dec  2 05:53:22 1992 +05:30',
  'From user Wed, 2 Dec 1992 05:53:22 -0700',
  'From user',
  'from user Wed Dec  2 05:53:22 1992',
  'From user Wed Dec  2 05:53:22 1992 ',
  // a NUL inside the line ends c-client's C string before the LF
  'From user\0Wed Dec  2 05:53:22 1992',
];

describe('From_ line recognition (2.2)', () => {
  it.each(ACCEPTED)('accepts %j with internal date %j', async (line, date) => {
    expect(looksLikeUnix(latin1(message(line)))).toBe(true);
    const r = await readMailbox(message(line));
    expect(r.messages.map((m) => m.internalDate)).toEqual([date]);
  });

  it.each(REJECTED)('rejects %j', (line) => {
    expect(looksLikeUnix(latin1(message(line)))).toBe(false);
  });

  it('accepts a CRLF-terminated From_ line', () => {
    expect(looksLikeUnix(latin1('From user Wed Dec  2 05:53:22 1992\r\nSubject: x\r\n\r\n'))).toBe(true);
  });

  it('splits messages at the same lines it accepts first', async () => {
    const file = [...ACCEPTED.map(([l]) => l), ...REJECTED.filter((l) => !l.includes('\0'))]
      .map((l) => message(l)).join('');
    const r = await readMailbox(file);
    // every rejected line stays inside the message before it
    expect(r.messages.map((m) => m.internalDate)).toEqual(ACCEPTED.map(([, d]) => d));
  });
});

describe('probe (2.1)', () => {
  const dir = tempDir();
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  const probe = async (content: string): Promise<boolean> => {
    const f = path.join(dir, `f${Math.random()}`);
    fs.writeFileSync(f, latin1(content));
    return unixDriver.probe(f);
  };
  const line = 'From user Wed Dec  2 05:53:22 1992\n';

  it('skips leading CR, LF, SP and TAB when the last one skipped is a LF', async () => {
    expect(await probe(`\n\n  \t\n${line}`)).toBe(true);
    expect(await probe(`\n   \n${line}`)).toBe(true);
    expect(await probe(`\r\n${line}`)).toBe(true);
    expect(await probe(`   ${line}`)).toBe(false);
    expect(await probe(`\n\t${line}`)).toBe(false);
  });

  it('needs the From_ line to end within the first 1023 bytes', async () => {
    const filler = '\n'.repeat(1023 - line.length);
    expect(await probe(filler + line)).toBe(true);
    expect(await probe(`\n${filler}${line}`)).toBe(false);
  });

  it('rejects an empty file and a missing one', async () => {
    expect(await probe('')).toBe(false);
    expect(await unixDriver.probe(path.join(dir, 'missing'))).toBe(false);
  });
});

describe('internal date (2.3)', () => {
  it('warns with the string c-client built when the date does not parse, and uses the epoch', async () => {
    const r = await readMailbox(message('From user Xxx Foo  2 05:53:22 1992'));
    expect(r.warnings).toEqual(['Unable to parse internal date:  2-Foo-1992 05:53:22-LCL']);
    expect(r.messages[0]!.internalDate).toBe(' 1-Jan-1970 00:00:00 +0000');
  });

  it('keeps the day at midnight +0000 when only the time is bad (verified with ccdump)', async () => {
    const r = await readMailbox(message('From user Wed Dec  2 24:53:22 1992'));
    expect(r.warnings).toEqual(['Unable to parse internal date:  2-Dec-1992 24:53:22-LCL']);
    expect(r.messages[0]!.internalDate).toBe(' 2-Dec-1992 00:00:00 +0000');
  });

  it('refuses years before 1970 and day 00', async () => {
    const r = await readMailbox(message('From user Wed Dec 00 05:53:22 1969'));
    expect(r.warnings).toEqual(['Unable to parse internal date: 00-Dec-1969 05:53:22-LCL']);
    expect(r.messages[0]!.internalDate).toBe(' 1-Jan-1970 00:00:00 +0000');
  });

  it('reads a zone-less line in the machine zone of the moment', async () => {
    const before = process.env.TZ;
    process.env.TZ = 'America/New_York';
    try {
      const r = await readMailbox(message('From user Thu Jul  2 05:53:22 1992'));
      // the clock is pinned to November: EST, not the EDT of July 1992
      expect(r.messages[0]!.internalDate).toBe(' 2-Jul-1992 05:53:22 -0500');
    } finally {
      process.env.TZ = before;
    }
  });
});
