// Reading criteria: every key, mailutil's one-word habit and several words,
// mailutil's date forms, and errors that point at the word that is wrong.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { EmptySearchCriteria, SearchCriteria, SearchSyntaxError } from '../../src/search/index.js';
import type { SearchKey } from '../../src/search/index.js';

const parse = (...words: string[]): SearchKey[] => SearchCriteria.parse(words).root.keys as SearchKey[];
const one = (...words: string[]): SearchKey => {
  const keys = parse(...words);
  expect(keys).toHaveLength(1);
  return keys[0]!;
};

function syntaxError(words: string[]): SearchSyntaxError {
  try {
    SearchCriteria.parse(words);
  } catch (e) {
    expect(e).toBeInstanceOf(SearchSyntaxError);
    return e as SearchSyntaxError;
  }
  throw new Error(`${JSON.stringify(words)} parsed`);
}

describe('keys', () => {
  it.each([
    ['ALL', { kind: 'all' }],
    ['answered', { kind: 'flag', name: 'ANSWERED', set: true }],
    ['UnAnswered', { kind: 'flag', name: 'ANSWERED', set: false }],
    ['deleted', { kind: 'flag', name: 'DELETED', set: true }],
    ['undeleted', { kind: 'flag', name: 'DELETED', set: false }],
    ['draft', { kind: 'flag', name: 'DRAFT', set: true }],
    ['undraft', { kind: 'flag', name: 'DRAFT', set: false }],
    ['flagged', { kind: 'flag', name: 'FLAGGED', set: true }],
    ['unflagged', { kind: 'flag', name: 'FLAGGED', set: false }],
    ['seen', { kind: 'flag', name: 'SEEN', set: true }],
    ['unseen', { kind: 'flag', name: 'SEEN', set: false }],
    ['recent', { kind: 'recent' }],
    ['old', { kind: 'old' }],
    ['new', { kind: 'new' }],
    ['keyword $Label1', { kind: 'keyword', keyword: '$Label1', set: true }],
    ['unkeyword work', { kind: 'keyword', keyword: 'work', set: false }],
    ['before 1-jan-2004', { kind: 'date', name: 'BEFORE', day: { year: 2004, month: 1, day: 1 } }],
    ['on 01-Jan-2004', { kind: 'date', name: 'ON', day: { year: 2004, month: 1, day: 1 } }],
    ['since 31-Dec-2003', { kind: 'date', name: 'SINCE', day: { year: 2003, month: 12, day: 31 } }],
    ['sentbefore 2-feb-2005', { kind: 'date', name: 'SENTBEFORE', day: { year: 2005, month: 2, day: 2 } }],
    ['senton 2-feb-2005', { kind: 'date', name: 'SENTON', day: { year: 2005, month: 2, day: 2 } }],
    ['sentsince 2-feb-2005', { kind: 'date', name: 'SENTSINCE', day: { year: 2005, month: 2, day: 2 } }],
    ['larger 5000', { kind: 'size', name: 'LARGER', octets: 5000 }],
    ['smaller 0', { kind: 'size', name: 'SMALLER', octets: 0 }],
    ['larger 10k', { kind: 'size', name: 'LARGER', octets: 10 * 1024 }],
    ['larger 2M', { kind: 'size', name: 'LARGER', octets: 2 * 1024 * 1024 }],
    ['smaller 1G', { kind: 'size', name: 'SMALLER', octets: 1024 ** 3 }],
    ['from alice', { kind: 'string', name: 'FROM', text: 'alice' }],
    ['to "Bob Smith"', { kind: 'string', name: 'TO', text: 'Bob Smith' }],
    ['cc carol', { kind: 'string', name: 'CC', text: 'carol' }],
    ['bcc dave', { kind: 'string', name: 'BCC', text: 'dave' }],
    ['subject "message about"', { kind: 'string', name: 'SUBJECT', text: 'message about' }],
    ['body Alice', { kind: 'string', name: 'BODY', text: 'Alice' }],
    ['text ""', { kind: 'string', name: 'TEXT', text: '' }],
    ['header X-Mailer mutt', { kind: 'header', field: 'X-Mailer', text: 'mutt' }],
    ['uid 1:5,7,10:*', { kind: 'uid', set: [{ from: 1, to: 5 }, { from: 7, to: 7 }, { from: 10, to: '*' }] }],
    ['2:4', { kind: 'seq', set: [{ from: 2, to: 4 }] }],
    ['*', { kind: 'seq', set: [{ from: '*', to: '*' }] }],
    ['not seen', { kind: 'not', key: { kind: 'flag', name: 'SEEN', set: true } }],
    ['or seen flagged', { kind: 'or', left: { kind: 'flag', name: 'SEEN', set: true }, right: { kind: 'flag', name: 'FLAGGED', set: true } }],
    ['(seen flagged)', { kind: 'and', keys: [{ kind: 'flag', name: 'SEEN', set: true }, { kind: 'flag', name: 'FLAGGED', set: true }] }],
  ])('%s', (text, key) => {
    expect(one(text)).toEqual(key);
  });

  it('nests OR, NOT and parentheses', () => {
    expect(one('or (seen not flagged) not or draft (deleted)')).toEqual({
      kind: 'or',
      left: { kind: 'and', keys: [{ kind: 'flag', name: 'SEEN', set: true }, { kind: 'not', key: { kind: 'flag', name: 'FLAGGED', set: true } }] },
      right: { kind: 'not', key: { kind: 'or', left: { kind: 'flag', name: 'DRAFT', set: true }, right: { kind: 'flag', name: 'DELETED', set: true } } },
    });
  });

  it('ANDs the top-level keys, a key given twice included', () => {
    expect(parse('from alice from bob')).toEqual([
      { kind: 'string', name: 'FROM', text: 'alice' },
      { kind: 'string', name: 'FROM', text: 'bob' },
    ]);
  });

  it('takes a quoted string as IMAP does: \\" and \\\\ are a quote and a backslash, other backslashes stay', () => {
    expect(one('subject "a \\"b\\" c\\\\d \\e"')).toEqual({ kind: 'string', name: 'SUBJECT', text: 'a "b" c\\d \\e' });
  });

  it('separates at any white space and allows several spaces, where mailutil wants exactly one', () => {
    expect(parse('seen\tanswered   subject   budget\n')).toEqual([
      { kind: 'flag', name: 'SEEN', set: true },
      { kind: 'flag', name: 'ANSWERED', set: true },
      { kind: 'string', name: 'SUBJECT', text: 'budget' },
    ]);
  });
});

describe('command-line words', () => {
  const expected: SearchKey[] = [
    { kind: 'string', name: 'SUBJECT', text: 'two words' },
    { kind: 'date', name: 'BEFORE', day: { year: 2004, month: 1, day: 1 } },
  ];

  it('reads one word holding everything (mailutil\'s habit)', () => {
    expect(parse('subject "two words" before 1-jan-2004')).toEqual(expected);
  });

  it('reads several words, where a word of its own is one argument', () => {
    expect(parse('subject', 'two words', 'before', '1-jan-2004')).toEqual(expected);
    expect(parse('subject', '"two words"', 'before', '1-jan-2004')).toEqual(expected);
    expect(parse('subject "two words"', 'before 1-jan-2004')).toEqual(expected);
    expect(parse('before', '1 jan 2004')).toEqual([expected[1]]);
  });

  it('takes a word of its own whole, parentheses and all', () => {
    expect(one('subject', '(urgent) and more')).toEqual({ kind: 'string', name: 'SUBJECT', text: '(urgent) and more' });
    expect(one('header', 'X-Spam-Flag', 'YES')).toEqual({ kind: 'header', field: 'X-Spam-Flag', text: 'YES' });
  });

  it('reads unquoted extra words as keys, so a forgotten quote is an error, not a different search', () => {
    const e = syntaxError(['subject', 'hello', 'world']);
    expect(e.message).toBe('search criteria: unknown search key "world": subject hello >>world<<');
  });
});

describe('dates (mailutil.md 6.3)', () => {
  const jan1 = { year: 2005, month: 1, day: 1 };
  it.each([
    ['1-jan-2005', jan1], ['1-JAN-2005', jan1], ['01-Jan-2005', jan1], ['1-January-2005', jan1],
    ['1-jan-05', jan1], ['1-jan-105', jan1], ['01/01/2005', jan1], ['1/1/2005', jan1], ['2005-01-01', jan1], ['20050101', jan1],
    ['"1 jan 2005"', jan1], ['"Sat, 1 jan 2005"', jan1], ['"1-jan-2005 12:00"', jan1], ['"1 jan 2005 23:59:59 -0800"', jan1],
    ['1-jan-48', { year: 2048, month: 1, day: 1 }], ['1-jan-99', { year: 1999, month: 1, day: 1 }],
    ['31-feb-2005', { year: 2005, month: 2, day: 31 }],
    // mailutil refuses these (c-client keeps years 1970-2097 only); any four-digit year is a date here
    ['1-jan-1969', { year: 1969, month: 1, day: 1 }], ['1-jan-2098', { year: 2098, month: 1, day: 1 }],
    ['1-jan-49', { year: 1949, month: 1, day: 1 }],
  ])('%s', (date, day) => {
    expect(one(`before ${date}`)).toEqual({ kind: 'date', name: 'BEFORE', day });
  });

  it.each(['baddate', '32-jan-2005', '0-jan-2005', '1-foo-2005', '1-ja-2005', '13/1/2005', '1-jan-2005x', '"1 jan 2005 noon"', '1-jan-999'])(
    'refuses %s and points at it',
    (date) => {
      const e = syntaxError([`before ${date}`]);
      expect(e.message).toMatch(/is not a date/);
      expect(e.message.endsWith(`before >>${date}<<`)).toBe(true);
    },
  );

  it('reads an unquoted time as a key, as mailutil does', () => {
    expect(syntaxError(['before 1-jan-2005 12:00']).message).toMatch(/unknown search key "12:00"/);
  });
});

describe('errors', () => {
  it('are usage errors (exit 2)', () => {
    const e = syntaxError(['foo']);
    expect(e).toBeInstanceOf(UsageError);
    expect(e.exitCode).toBe(2);
  });

  it.each([
    [['before 1-jan-2004 foo'], 'unknown search key "foo": before 1-jan-2004 >>foo<<'],
    [['subject'], 'SUBJECT needs a string after it: >>subject<<'],
    [['seen', 'subject'], 'SUBJECT needs a string after it: seen >>subject<<'],
    [['larger abc'], '"abc" is not a size (octets, or with K, M or G): larger >>abc<<'],
    [['larger -5'], '"-5" is not a size (octets, or with K, M or G): larger >>-5<<'],
    [['keyword \\Seen'], '"\\Seen" is not a keyword name (for a system flag use ANSWERED, DELETED, DRAFT, FLAGGED or SEEN): keyword >>\\Seen<<'],
    [['header', 'bad name', 'x'], '"bad name" is not a header field name: header >>\'bad name\'<< x'],
    [['uid 0:4'], '"0:4" is not a set of UIDs (like 1:5,7,10:*): uid >>0:4<<'],
    [['(seen flagged'], 'no ")" closes this "(": >>(<<seen flagged'],
    [['seen)'], 'this ")" closes nothing: seen>>)<<'],
    [['()'], 'nothing between "(" and ")": >>()<<'],
    [['not'], 'NOT needs a search key after it: >>not<<'],
    [['or seen'], 'OR needs two search keys after it: >>or<< seen'],
    [['subject (x)'], 'SUBJECT needs a string after it, not "(": subject >>(<<x)'],
    [['"seen"'], 'a search key was expected here, not a quoted string: >>"seen"<<'],
    [['subject "unclosed'], 'this quoted string has no closing quote: subject >>"unclosed<<'],
    [['subject "unclosed', 'seen'], 'this quoted string has no closing quote: \'subject >>"unclosed<<\' seen'],
    [['subject', 'a b', 'foo'], 'unknown search key "foo": subject \'a b\' >>foo<<'],
  ])('%j: %s', (words, text) => {
    expect(syntaxError(words).message).toBe(`search criteria: ${text}`);
  });

  it('refuses criteria nested deeper than the stack could take', () => {
    expect(one(`${'not '.repeat(50)}seen`)).toMatchObject({ kind: 'not' });
    expect(syntaxError([`${'not '.repeat(20_000)}seen`]).message).toBe(
      `search criteria: NOT, OR and parentheses nest more than 100 deep here: ...${'not '.repeat(15)}>>not<<${' not'.repeat(15)}...`,
    );
    expect(syntaxError([`${'('.repeat(20_000)}seen`]).message).toMatch(/nest more than 100 deep/);
  });

  it('never reads empty criteria as every message', () => {
    for (const words of [[], [''], ['   '], ['', ' ']]) {
      expect(() => SearchCriteria.parse(words)).toThrow(EmptySearchCriteria);
    }
    expect(() => SearchCriteria.parse([''])).toThrow('no search criteria given; to match every message, say ALL');
  });
});

describe('as IMAP SEARCH syntax', () => {
  it('writes every key back in IMAP\'s words', () => {
    const c = SearchCriteria.parse(['all answered unanswered deleted undeleted draft undraft flagged unflagged seen unseen recent old new',
      'keyword $Label1 unkeyword work before 1-jan-2004 on 2004-02-29 since 1/31/2004 sentbefore 1-jan-05 senton 1-jan-2004',
      'sentsince "Sat, 1 jan 2005" larger 10k smaller 500 from alice to bob cc carol bcc dave subject "x y" body b text t',
      'header X-Mailer mutt uid 1:5,*', '2,4:*']);
    expect(c.toImap()).toBe('ALL ANSWERED UNANSWERED DELETED UNDELETED DRAFT UNDRAFT FLAGGED UNFLAGGED SEEN UNSEEN RECENT OLD NEW ' +
      'KEYWORD $Label1 UNKEYWORD work BEFORE 1-Jan-2004 ON 29-Feb-2004 SINCE 31-Jan-2004 SENTBEFORE 1-Jan-2005 SENTON 1-Jan-2004 ' +
      'SENTSINCE 1-Jan-2005 LARGER 10240 SMALLER 500 FROM "alice" TO "bob" CC "carol" BCC "dave" SUBJECT "x y" BODY "b" TEXT "t" ' +
      'HEADER X-Mailer "mutt" UID 1:5,* 2,4:*');
  });

  it('keeps OR, NOT and groups unambiguous', () => {
    const c = SearchCriteria.parse(['or (seen not flagged) not or draft (deleted) (unseen)']);
    expect(c.toImap()).toBe('OR (SEEN NOT FLAGGED) NOT OR DRAFT DELETED UNSEEN');
  });

  it('escapes quotes and backslashes, and sends other strings as literals with CHARSET UTF-8', () => {
    expect(SearchCriteria.parse(['subject', 'say "hi" \\o/']).toImap()).toBe('SUBJECT "say \\"hi\\" \\\\o/"');
    expect(SearchCriteria.parse(['subject', 'Grüße', 'from', 'x']).toImap()).toBe('CHARSET UTF-8 SUBJECT {7}\r\nGrüße FROM "x"');
    expect(SearchCriteria.parse(['subject', 'Grüße']).toImap({ literalPlus: true })).toBe('CHARSET UTF-8 SUBJECT {7+}\r\nGrüße');
  });

  it('gives the same as words and literals for a session that sends literals itself; a literal never ends a group', () => {
    const c = SearchCriteria.parse(['or (seen subject Grüße) from', 'Zoë', 'uid 1:*']);
    expect(c.toImap()).toBe('CHARSET UTF-8 OR (SEEN SUBJECT {7}\r\nGrüße ALL) FROM {4}\r\nZoë UID 1:*');
    expect(c.toImapParts()).toEqual([
      'CHARSET UTF-8 OR (SEEN SUBJECT', { literal: Buffer.from('Grüße') }, 'ALL) FROM', { literal: Buffer.from('Zoë') }, 'UID 1:*',
    ]);
    expect(SearchCriteria.parse(['seen from alice']).toImapParts()).toEqual(['SEEN FROM "alice"']);
    expect(c.toString()).toBe('OR (SEEN SUBJECT "Grüße") FROM "Zoë" UID 1:*');
  });

  it('reads back what it writes (random criteria)', () => {
    const text = fc.stringMatching(/^[ -~]{0,12}$/);
    const leaf: fc.Arbitrary<string> = fc.oneof(
      fc.constantFrom('ALL', 'SEEN', 'UNSEEN', 'RECENT', 'OLD', 'NEW', 'DELETED', 'UNDRAFT', 'UID 1:3,*', '4:*', 'KEYWORD $Junk'),
      fc.tuple(fc.constantFrom('FROM', 'TO', 'CC', 'BCC', 'SUBJECT', 'BODY', 'TEXT'), text).map(([k, t]) => `${k} ${JSON.stringify(t)}`),
      fc.tuple(fc.constantFrom('BEFORE', 'ON', 'SINCE', 'SENTBEFORE', 'SENTON', 'SENTSINCE'), fc.date({ min: new Date(1000, 0, 1), max: new Date(9999, 11, 31), noInvalidDate: true }))
        .map(([k, d]) => `${k} ${d.getDate()}-${['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'][d.getMonth()]}-${d.getFullYear()}`),
      fc.tuple(fc.constantFrom('LARGER', 'SMALLER'), fc.nat()).map(([k, n]) => `${k} ${n}`),
    );
    const key: fc.Arbitrary<string> = fc.letrec<{ key: string }>((tie) => ({
      key: fc.oneof({ depthSize: 'small', withCrossShrink: true },
        leaf,
        tie('key').map((k) => `NOT ${k}`),
        fc.tuple(tie('key'), tie('key')).map(([a, b]) => `OR ${a} ${b}`),
        fc.array(tie('key'), { minLength: 1, maxLength: 3 }).map((ks) => `(${ks.join(' ')})`)),
    })).key;
    fc.assert(fc.property(fc.array(key, { minLength: 1, maxLength: 4 }), (keys) => {
      const c = SearchCriteria.parse([keys.join(' ')]);
      expect(SearchCriteria.parse([c.toImap()]).root).toEqual(c.root);
      expect(c.toString()).toBe(c.toImap());
    }), { numRuns: 200 });
  });
});
