// mailsmith's prune against the real mailutil's. Copies of one mailbox are
// pruned by both tools with the same criteria, and c-client (ccdump) must
// then read the same messages in both: the 5-message mailbox of mailutil.md
// 4.8's table and the golden mailboxes, in unix and mbx. On the sampler
// (charsets, MIME, time zones) and on the 252 real messages, the messages
// mailutil purges must be the ones mailsmith's search matches (plus the ones
// already deleted, as mailutil expunges them too).
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SystemFlag } from '../../src/mail/flags.js';
import { pruneLine, pruneMailbox } from '../../src/ops/prune.js';
import { SearchCriteria } from '../../src/search/index.js';
import { openMailbox } from '../../src/store/index.js';
import type { FormatName, NewMessage } from '../../src/store/types.js';
import { SAMPLER, SAMPLER_KEYWORDS, at, message } from '../search/sampler.js';
import { diffDumps } from './dump.js';
import { goldenDir } from './golden.js';
import { collectingContext, localRef, writeWithMailsmith } from './mailsmith.js';
import { realMessages, toCrlf } from './messages.js';
import { sharedSetup, type OracleHome } from './oracle.js';

process.env.TZ = 'UTC';

const META = { uidValidity: 1_600_000_000, uidLast: 10, keywords: ['work', 'Junk'] };

/** mailutil.md 4.8's mailbox: five messages, the fourth already \Deleted. */
const TABLE: NewMessage[] = [
  ['alice', 'A message about lunch', at(2003, 6, 1, 12, 0, 0, 0), ['\\Seen']],
  ['bob', 'Budget', at(2004, 12, 31, 23, 0, 0, -300), []],
  ['carol', 'third', at(2006, 1, 1, 0, 30, 0, 60), ['\\Seen', '\\Answered']],
  ['dave', 'Old news', at(2007, 5, 5, 5, 5, 5, 0), ['\\Deleted']],
  ['erin', 'Another message about work', at(2008, 8, 8, 8, 8, 8, 0), []],
].map(([from, subject, internalDate, flags], i) => ({
  uid: 11 + i,
  text: message(`From: ${from} <${from}@example.org>`, `Subject: ${subject}`, 'Date: Mon, 1 Jan 2001 00:00:00 +0000', '', `Hello from ${from}.`),
  internalDate, flags, keywords: [],
} as NewMessage));

function flagsFor(i: number): SystemFlag[] {
  return (['\\Seen', '\\Deleted', '\\Flagged', '\\Answered', '\\Draft'] as const).filter((_f, k) => i % [3, 11, 7, 5, 13][k]! === 0);
}

const ZONES = [0, -480, 60, 330, -300, 545, -210, 840, -720, 120];

const setup = sharedSetup('prune', async (home) => {
  for (const format of ['unix', 'mbx'] as const) {
    await writeWithMailsmith(home.dir, `table.${format}`, format, META, TABLE);
    await home.putCopy(`golden.${format}`, path.join(goldenDir(), format));
  }
  await writeWithMailsmith(home.dir, 'sampler', 'unix', { ...META, keywords: SAMPLER_KEYWORDS }, SAMPLER);
  const corpus: NewMessage[] = (await realMessages()).map((m, i) => ({
    text: toCrlf(m.raw),
    internalDate: { ms: Date.UTC(1995, 0, 1) + i * 41 * 86_400_000 + i * 12_345_000, zone: ZONES[i % ZONES.length]! },
    flags: flagsFor(i), keywords: META.keywords.filter((_k, k) => i % (4 + k) === 0), uid: 101 + 3 * i,
  }));
  await writeWithMailsmith(home.dir, 'corpus', 'mbx', META, corpus);
  return {};
});
afterAll(() => setup.dispose());

let copies = 0;

/** Prunes two copies of `source`, one with each tool; both must print the same line and leave the same messages. */
async function pruneBoth(home: OracleHome, source: string, criteria: string): Promise<void> {
  const n = ++copies;
  const [theirs, ours] = [`${source}.mailutil.${n}`, `${source}.mailsmith.${n}`];
  for (const name of [theirs, ours]) await home.put(name, await home.read(source));
  const r = await home.prune(theirs, criteria);
  const { ctx, warnings } = collectingContext();
  const result = await pruneMailbox(localRef(home.dir, ours), SearchCriteria.parse([criteria]), ctx);
  expect(pruneLine(result)).toBe(r.stdout.trim());
  expect(warnings).toEqual([]);
  const [a, b] = [await home.ccdump(ours), await home.ccdump(theirs)];
  expect(diffDumps(a, b)).toEqual([]);
  expect(a.warnings).toEqual(b.warnings);
}

/** What mailutil's prune removes from a copy of `source`, and what mailsmith's search says it should. */
async function purgedBoth(home: OracleHome, source: string, criteria: string): Promise<{ mailutil: number[]; mailsmith: number[] }> {
  const name = `${source}.${++copies}`;
  await home.put(name, await home.read(source));
  await home.prune(name, criteria);
  const left = new Set((await home.ccdump(name)).messages.map((m) => m.uid));
  const c = SearchCriteria.parse([criteria]);
  const { ctx } = collectingContext();
  const box = await openMailbox(localRef(home.dir, source), 'read', ctx);
  const all: number[] = [];
  const deleted: number[] = [];
  const matched: number[] = [];
  try {
    for await (const m of box.messages()) {
      all.push(m.uid);
      if (m.flags.includes('\\Deleted')) deleted.push(m.uid);
      if (await c.matches(m)) matched.push(m.uid);
    }
  } finally {
    await box.close();
  }
  const purged = matched.length > 0 ? new Set([...matched, ...deleted]) : new Set<number>();
  return { mailutil: all.filter((u) => !left.has(u)), mailsmith: all.filter((u) => purged.has(u)) };
}

describe.each(['unix', 'mbx'] as FormatName[])('%s: both tools prune the same messages', (format) => {
  it.each([
    'before 1-jan-2005', 'deleted', 'subject "message about"', 'SUBJECT "nonexistent thing"', 'from alice subject third',
    'since 1-jan-2006', 'unseen', 'answered', 'on 31-dec-2004', 'sentbefore 1-jan-2002', 'larger 100', 'all',
  ])('mailutil.md 4.8\'s mailbox: %s', async (criteria) => {
    const { home } = await setup.get();
    await pruneBoth(home, `table.${format}`, criteria);
  });

  it.each(['from alice', 'before 1-jan-2012', 'sentsince 1-feb-2024', 'text budget', 'body "point of view"', 'keyword $Label1', 'undeleted seen'])(
    'the golden mailbox: %s',
    async (criteria) => {
      const { home } = await setup.get();
      await pruneBoth(home, `golden.${format}`, criteria);
    },
  );

  it('an empty criteria string: mailutil purges everything, mailsmith refuses and changes nothing', async () => {
    const { home } = await setup.get();
    const name = `table.${format}.empty`;
    await home.put(name, await home.read(`table.${format}`));
    const r = await home.prune(name, '');
    expect(r.stdout.trim()).toBe(`${TABLE.length} message(s) purged`);
    expect(() => SearchCriteria.parse([''])).toThrow(/say ALL/);
  });

  it('an unknown key: both refuse before touching the mailbox', async () => {
    const { home } = await setup.get();
    const name = `table.${format}.foo`;
    const before = await home.read(`table.${format}`);
    await home.put(name, before);
    const r = await home.prune(name, 'foo');
    expect(r.stderr).toContain('Unknown search criterion: FOO');
    expect(() => SearchCriteria.parse(['foo'])).toThrow('unknown search key "foo"');
    expect((await home.read(name)).equals(before)).toBe(true);
  });
});

describe('the sampler: charsets, MIME parts and time zones as c-client reads them', () => {
  it.each([
    'on 1-mar-2010', 'on 2-mar-2010', 'before 2-mar-2010', 'since 2-mar-2010', 'on 31-dec-2003', 'since 1-jan-2004',
    'senton 1-mar-2010', 'senton 2-mar-2010', 'sentsince 1-jan-1971', 'sentbefore 1-jan-2004',
    'subject café', 'subject "CAFÉ CRÈME"', 'subject привет', 'subject ПРИВЕТ', 'subject テスト',
    'body "привет, мир"', 'body 日本語', 'body "grüße aus köln"', 'body umbrochen', 'body zürich', 'body secretword',
    'text secretword', 'body preamblesecret', 'body budget', 'text "quarterly numbers"', 'body "quarterly numbers"',
    'text quoted-printable', 'body quoted-printable', 'from "dupont, jean"', 'from "<jean@"', 'to "bob builder"', 'cc team', 'cc carol',
    'bcc hidden', 'text "x-mailer: mutt"', 'larger 10000', 'keyword work', 'unkeyword Junk', 'draft', 'flagged answered',
  ])('%s', async (criteria) => {
    const { home } = await setup.get();
    const { mailutil, mailsmith } = await purgedBoth(home, 'sampler', criteria);
    expect(mailsmith).toEqual(mailutil);
  });
});

describe('252 real messages', () => {
  it.each([
    'from joe', 'from "Joe Perches"', 'to linux-kernel', 'cc "kernel.org"', 'subject "Re: [PATCH"', 'subject accentué',
    'text notmuch', 'body "Signed-off-by"', 'body é', 'text base64', 'larger 10000', 'sentbefore 1-jan-2009',
    'sentsince 1-jan-2015', 'before 1-jan-2005', 'keyword work', 'new',
  ])('%s', async (criteria) => {
    const { home } = await setup.get();
    const { mailutil, mailsmith } = await purgedBoth(home, 'corpus', criteria);
    expect(mailsmith).toEqual(mailutil);
  });
});
