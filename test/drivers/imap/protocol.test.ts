// The IMAP driver's pieces that need no server: response parsing, modified
// UTF-7 names, argument writing, c-client's canonical name.
import { describe, expect, it } from 'vitest';
import { astring, parseUidSet, uidSet, uidSets } from '../../../src/drivers/imap/args.js';
import { canonicalName, decodeUtf7, encodeUtf7, fromHierarchy, hierarchy, wireName } from '../../../src/drivers/imap/names.js';
import { parseRemoteName } from '../../../src/names/index.js';

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
    expect(astring('sp ace"quote\\back')).toEqual({ type: 'STRING', value: 'sp ace"quote\\back' });
    expect(astring('Grüße', true)).toEqual({ type: 'LITERAL', value: Buffer.from('Grüße'), sensitive: true });
    expect(astring('a\r\nb')).toEqual({ type: 'LITERAL', value: Buffer.from('a\r\nb') });
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
