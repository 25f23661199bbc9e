// The IMAP driver's pieces that need no server: response parsing, modified
// UTF-7 names, argument writing, c-client's canonical name.
import { describe, expect, it } from 'vitest';
import { astring, parseUidSet, uidSet, uidSets } from '../../../src/drivers/imap/args.js';
import { canonicalName, decodeUtf7, encodeUtf7, fromHierarchy, hierarchy, wireName } from '../../../src/drivers/imap/names.js';
import { fetchItems, literalAtEnd, parseResponse } from '../../../src/drivers/imap/parser.js';
import { parseRemoteName } from '../../../src/names/index.js';

describe('IMAP responses', () => {
  it('reads a FETCH with a literal body, flags and a bracketed item name', () => {
    const body = Buffer.from('Subject: x\r\n\r\nhi\r\n');
    const r = parseResponse(`* 12 FETCH (UID 40 FLAGS (\\Seen $Junk) INTERNALDATE " 1-Jan-2020 08:00:00 -0800" RFC822.SIZE 19 BODY[HEADER.FIELDS (MESSAGE-ID)] {19})`, [body]);
    expect(r.kind).toBe('data');
    if (r.kind !== 'data') return;
    expect(r.number).toBe(12);
    expect(r.name).toBe('FETCH');
    const items = fetchItems(r.values);
    expect(items.get('UID')).toBe('40');
    expect(items.get('FLAGS')).toEqual(['\\Seen', '$Junk']);
    expect(items.get('INTERNALDATE')).toBe(' 1-Jan-2020 08:00:00 -0800');
    expect(items.get('BODY[HEADER.FIELDS (MESSAGE-ID)]')).toBe(body);
  });

  it('reads status responses with codes, tagged and untagged', () => {
    expect(parseResponse('m3 OK [APPENDUID 1796018097 1:500] Append completed.')).toEqual({
      kind: 'tagged', tag: 'm3', status: 'OK', code: { name: 'APPENDUID', args: ['1796018097', '1:500'] }, text: 'Append completed.',
    });
    expect(parseResponse('* OK [PERMANENTFLAGS (\\Answered \\Seen \\*)] Flags permitted.')).toEqual({
      kind: 'status', status: 'OK', code: { name: 'PERMANENTFLAGS', args: [['\\Answered', '\\Seen', '\\*']] }, text: 'Flags permitted.',
    });
    expect(parseResponse('m1 NO [TRYCREATE] Mailbox doesn\'t exist: x')).toMatchObject({ status: 'NO', code: { name: 'TRYCREATE' } });
    expect(parseResponse('+ ')).toEqual({ kind: 'continuation', text: '' });
  });

  it('reads LIST with quoted names, escapes and NIL delimiters', () => {
    expect(parseResponse('* LIST (\\HasNoChildren) "/" "sp ace \\"q\\""')).toMatchObject({ values: [['\\HasNoChildren'], '/', 'sp ace "q"'] });
    expect(parseResponse('* LIST (\\Noselect) NIL ""')).toMatchObject({ values: [['\\Noselect'], null, ''] });
  });

  it('finds literal markers at line ends, plain and non-synchronizing', () => {
    expect(literalAtEnd('* 1 FETCH (BODY[] {123}')).toBe(123);
    expect(literalAtEnd('x {5+}')).toBe(5);
    expect(literalAtEnd('m1 OK done')).toBeUndefined();
  });
});

describe('mailbox names', () => {
  it('encodes and decodes modified UTF-7 (RFC 3501 5.1.3)', () => {
    expect(encodeUtf7('Entwürfe')).toBe('Entw&APw-rfe');
    expect(encodeUtf7('a&b')).toBe('a&-b');
    expect(encodeUtf7('日本語')).toBe('&ZeVnLIqe-');
    for (const name of ['Entwürfe', 'a&b', '日本語', 'plain', '😀 smile', '~peter/mail/台北/日本語']) {
      expect(decodeUtf7(encodeUtf7(name))).toBe(name);
    }
  });

  it('sends a 7-bit name as typed (c-client style) and encodes a Unicode one', () => {
    expect(wireName('Entw&APw-rfe')).toBe('Entw&APw-rfe');
    expect(wireName('Entwürfe')).toBe('Entw&APw-rfe');
  });

  it('turns a name into levels under the server delimiter and back', () => {
    expect(hierarchy('a.b.c', '.')).toEqual(['a', 'b', 'c']);
    expect(hierarchy('a/b', '')).toEqual(['a/b']);
    expect(fromHierarchy(hierarchy('lists/debian/devel', '/'), '.')).toBe('lists.debian.devel');
  });

  it('writes c-client\'s canonical name, as mailutil check prints it', () => {
    expect(canonicalName(parseRemoteName('{127.0.0.1:143/notls/user=alice}INBOX'), 143, 'alice')).toBe('{127.0.0.1:143/imap/notls/user="alice"}INBOX');
    expect(canonicalName(parseRemoteName('{h/ssl/novalidate-cert/user=bob}x'), 993, 'bob')).toBe('{h:993/imap/notls/ssl/novalidate-cert/user="bob"}x');
    expect(canonicalName(parseRemoteName('{h/anonymous/readonly}'), 143, undefined)).toBe('{h:143/imap/readonly/anonymous}INBOX');
  });
});

describe('arguments', () => {
  it('quotes 7-bit strings and sends anything else as a literal', () => {
    expect(astring('sp ace"quote\\back')).toBe('"sp ace\\"quote\\\\back"');
    expect(astring('Grüße')).toEqual({ literal: Buffer.from('Grüße') });
    expect(astring('a\r\nb')).toEqual({ literal: Buffer.from('a\r\nb') });
  });

  it('writes UID sets compactly and reads them back', () => {
    expect(uidSet([5, 1, 2, 3, 9, 10, 3])).toBe('1:3,5,9:10');
    expect(parseUidSet('1:3,5,9:10')).toEqual([1, 2, 3, 5, 9, 10]);
    const many = Array.from({ length: 5000 }, (_, i) => i * 2 + 1);
    const sets = uidSets(many);
    expect(sets.length).toBeGreaterThan(1);
    expect(sets.every((s) => s.length <= 8000)).toBe(true);
    expect(sets.flatMap(parseUidSet)).toEqual(many);
  });
});
