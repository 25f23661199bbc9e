// Every search key on real local mailboxes (unix and mbx) holding the sampler,
// with the answers worked out by hand from sampler.ts: message numbers 1-6
// (UIDs 10-60).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SystemFlag } from '../../src/mail/flags.js';
import { SearchCriteria, type IndexEntry } from '../../src/search/index.js';
import { createMailbox, openMailbox } from '../../src/store/index.js';
import type { FormatName, MessageRecord } from '../../src/store/types.js';
import { localRef, recordingContext } from '../helpers/store.js';
import { SAMPLER, SAMPLER_KEYWORDS, at } from './sampler.js';

const FORMATS: readonly FormatName[] = ['unix', 'mbx'];
let home: string;
const { ctx } = recordingContext();

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'search-'));
  for (const format of FORMATS) {
    const ref = localRef(home, format, { createFormat: format });
    await createMailbox(ref, ctx, { format, meta: { uidValidity: 1_700_000_000, uidLast: 5, keywords: SAMPLER_KEYWORDS } });
    const box = await openMailbox(ref, 'write', ctx);
    try {
      await box.append((async function* () { yield* SAMPLER; })(), { keepUids: true });
    } finally {
      await box.close();
    }
  }
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

/** The numbers (1-6) of the messages that match. */
async function search(format: FormatName, ...words: string[]): Promise<number[]> {
  const criteria = SearchCriteria.parse(words);
  const box = await openMailbox(localRef(home, format), 'read', ctx);
  const found: number[] = [];
  try {
    let last = { seq: 0, uid: 0 };
    if (criteria.needsLast) for await (const m of box.messages()) last = { seq: m.seq, uid: m.uid };
    for await (const m of box.messages()) {
      expect(m.uid).toBe(m.seq * 10);
      if (await criteria.matches(m, last)) found.push(m.seq);
    }
  } finally {
    await box.close();
  }
  return found;
}

const ALL = [1, 2, 3, 4, 5, 6];
const but = (...n: number[]): number[] => ALL.filter((x) => !n.includes(x));

const CASES: readonly (readonly [string, readonly number[]])[] = [
  ['all', ALL],
  ['answered', [2]], ['unanswered', but(2)],
  ['deleted', [4]], ['undeleted', but(4)],
  ['draft', [3]], ['undraft', but(3)],
  ['flagged', [2]], ['unflagged', but(2)],
  ['seen', [1]], ['unseen', but(1)],
  ['keyword work', [3]], ['keyword WORK', [3]], ['unkeyword work', but(3)], ['keyword Junk', [4]],
  // a keyword the mailbox does not define
  ['keyword nosuch', []], ['unkeyword nosuch', ALL],
  // the internal date's day in its own zone: 1 is 1 March 23:30 -0800, 2 is 2 March 00:30 +0100 (an hour earlier in UTC)
  ['on 1-mar-2010', [1]], ['on 2-mar-2010', [2]], ['before 2-mar-2010', [1, 3, 4, 5]], ['since 2-mar-2010', [2, 6]],
  ['on 28-feb-2010', [3]], ['before 1-jan-2004', [5]], ['on 31-dec-2003', [5]], ['since 1-jan-2004', but(5)], ['on 1-jan-2004', [4]],
  // the Date: header's day; 3's Date: cannot be read and never matches
  ['senton 1-mar-2010', [1]], ['senton 2-mar-2010', [2]], ['sentbefore 1-jan-2004', [5]], ['sentsince 1-jan-2004', [1, 2, 4, 6]],
  ['sentsince 1-jan-1000', but(3)], ['sentbefore 31-dec-9999', but(3)], ['not sentsince 1-jan-1000', [3]],
  ['larger 10000', [6]], ['smaller 10000', but(6)], ['larger 10k', [6]],
  // addresses as c-client writes them
  ['from dupont', [1]], ['from "dupont, jean"', [1]], ['from "<jean@example.fr>"', [1]], ['from example.org', [5, 6]],
  ['to alice', [1, 3, 4, 5]], ['to "bob builder"', [6]], ['to bob', [2, 6]], ['cc carol', [4]], ['cc team', [4]], ['cc bob', [4]],
  ['bcc hidden', [5]], ['bcc alice', []],
  // decoded, case-folded subjects
  ['subject café', [1]], ['subject "CAFÉ CRÈME"', [1]], ['subject привет', [2]], ['subject ПРИВЕТ', [2]], ['subject テスト', [3]],
  ['subject "grüße été"', [6]], ['subject report', [5]], ['subject quarterly', []], ['subject ""', ALL],
  // bodies: transfer-decoded text parts in their charsets; never other types, preambles, epilogues or headers
  ['body bonjour', [1]], ['body "привет, мир"', [2]], ['body 日本語', [3]], ['body "grüße aus köln"', [4]], ['body umbrochen', [4]],
  ['body zürich', [4]], ['body secretword', []], ['text secretword', []], ['body preamblesecret', []], ['body epiloguesecret', []],
  ['body budget', [5]], ['body "quarterly numbers"', []], ['text "quarterly numbers"', [5]], ['body inner@example.net', []],
  ['text inner@example.net', [5]], ['text "x-mailer: mutt"', [5]], ['body mutt', []], ['text quoted-printable', [4]],
  ['body quoted-printable', []], ['text café', [1]], ['body café', []], ['text "line 299 of"', [6]], ['body subject:', []],
  ['text subject:', ALL],
  ['header x-mailer mutt', [5]], ['header X-MAILER ""', [5]], ['header subject café', [1]], ['header received ""', []],
  ['header cc team', [4]], ['header date sometime', [3]],
  // UIDs are 10-60, message numbers 1-6
  ['uid 20:40', [2, 3, 4]], ['uid 50:*', [5, 6]], ['uid *', [6]], ['uid 100:*', [6]], ['uid 2:4', []],
  ['2,4', [2, 4]], ['*', [6]], ['3:1', [1, 2, 3]], ['5:*', [5, 6]],
  ['or seen flagged', [1, 2]], ['not seen', but(1)], ['or (seen unflagged) (keyword work)', [1, 3]], ['not or seen draft', [2, 4, 5, 6]],
  ['or or seen draft deleted', [1, 3, 4]], ['not not seen', [1]], ['(seen) (unflagged)', [1]], ['not (seen body bonjour)', but(1)],
  ['or subject café body budget', [1, 5]], ['not (or from dupont from ivan)', [3, 4, 5, 6]], ['or not answered deleted', but(2)],
  ['from "Dupont, Jean" subject crème seen', [1]], ['from dupont unseen', []], ['from alice from bob', []],
];

describe.each(FORMATS)('in a %s mailbox', (format) => {
  it.each(CASES)('%s', async (criteria, expected) => {
    expect(await search(format, criteria)).toEqual(expected);
  });
});

describe('keys answered from the index entry alone', () => {
  const entry = (over: Partial<IndexEntry>): IndexEntry => ({
    seq: 1, uid: 1, flags: [], keywords: [], recent: false, size: 100, internalDate: at(2010, 1, 1, 0, 0, 0, 0), ...over,
  });
  const seen: SystemFlag[] = ['\\Seen'];

  it.each([
    ['recent', [true, true, false, false]],
    ['old', [false, false, true, true]],
    ['new', [true, false, false, false]],
    ['not new', [false, true, true, true]],
  ] as const)('%s', (criteria, expected) => {
    const c = SearchCriteria.parse([criteria]);
    const entries = [entry({ recent: true }), entry({ recent: true, flags: seen }), entry({}), entry({ flags: seen })];
    expect(entries.map((e) => c.matchIndex(e))).toEqual(expected);
  });

  it('LARGER and SMALLER are strict', () => {
    const c = SearchCriteria.parse(['or larger 100 smaller 100']);
    expect([99, 100, 101].map((size) => c.matchIndex(entry({ size })))).toEqual([true, false, true]);
  });

  it('a day boundary belongs to the day in the date\'s own zone, whatever the machine\'s zone', () => {
    const c = SearchCriteria.parse(['on 1-mar-2010']);
    const times = [at(2010, 3, 1, 0, 0, 0, 840), at(2010, 3, 1, 23, 59, 59, -720), at(2010, 2, 28, 23, 59, 59, 0), at(2010, 3, 2, 0, 0, 0, -720)];
    expect(times.map((internalDate) => c.matchIndex(entry({ internalDate })))).toEqual([true, true, false, false]);
  });

  it('answers undefined when only the text can tell, and false or true when the index entry is enough', () => {
    expect(SearchCriteria.parse(['subject x']).matchIndex(entry({}))).toBeUndefined();
    expect(SearchCriteria.parse(['seen subject x']).matchIndex(entry({}))).toBe(false);
    expect(SearchCriteria.parse(['or seen subject x']).matchIndex(entry({ flags: seen }))).toBe(true);
    expect(SearchCriteria.parse(['not sentbefore 1-jan-2000']).matchIndex(entry({}))).toBeUndefined();
  });

  it('reads a message\'s text only when the criteria need it', async () => {
    let reads = 0;
    const record = (over: Partial<IndexEntry>): MessageRecord => ({
      ...entry(over), position: 0, text: async () => { reads++; return Buffer.from('Subject: x\r\n\r\n'); },
    });
    const c = SearchCriteria.parse(['or seen subject x']);
    expect(c.readsText).toBe(true);
    expect(await c.matches(record({ flags: seen }))).toBe(true);
    expect(reads).toBe(0);
    expect(await c.matches(record({}))).toBe(true);
    expect(reads).toBe(1);
    expect(SearchCriteria.parse(['seen larger 5 uid 1:*']).readsText).toBe(false);
  });
});
