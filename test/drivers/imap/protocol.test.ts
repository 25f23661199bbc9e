// The IMAP driver's pieces that need no server: reading what imapflow's
// parser makes of responses, -d telemetry from imapflow's log, modified UTF-7
// names, argument writing, c-client's canonical name.
import parse from 'imapflow/lib/handler/imap-parser.js';
import { describe, expect, it } from 'vitest';
import { astring, parseUidSet, uidSet, uidSets } from '../../../src/drivers/imap/args.js';
import type { ParsedResponse } from '../../../src/drivers/imap/client.js';
import { canonicalName, decodeUtf7, encodeUtf7, fromHierarchy, hierarchy, wireName } from '../../../src/drivers/imap/names.js';
import { telemetryLogger } from '../../../src/drivers/imap/telemetry.js';
import { bytesOf, codeOf, fetchItems, flagsOf, text, textOf } from '../../../src/drivers/imap/values.js';

const parsed = async (line: string, literals: Buffer[] = []): Promise<ParsedResponse> =>
  (await parse(line, { literals })) as unknown as ParsedResponse;

describe('responses as imapflow parses them', () => {
  it('reads a FETCH with a literal body, flags, a raw INTERNALDATE and a bracketed item name', async () => {
    const body = Buffer.from('Message-ID: <a@b>\r\n\r\n');
    const r = await parsed('* 12 FETCH (UID 40 FLAGS (\\Seen $Junk) INTERNALDATE " 1-Jan-2020 08:00:00 -0800" RFC822.SIZE 19 BODY[HEADER.FIELDS (MESSAGE-ID)] {21}\r\n)', [body]);
    const items = fetchItems(r);
    expect(text(items.get('UID'))).toBe('40');
    expect(flagsOf(items.get('FLAGS'))).toEqual(['\\Seen', '$Junk']);
    expect(text(items.get('INTERNALDATE'))).toBe(' 1-Jan-2020 08:00:00 -0800');
    expect(bytesOf(items.get('BODY[HEADER.FIELDS (MESSAGE-ID)]'))).toEqual(body);
  });

  it('reads response codes and text of status responses', async () => {
    const appended = await parsed('m3 OK [APPENDUID 1796018097 1:500] Append completed.');
    expect(codeOf(appended)).toEqual({ name: 'APPENDUID', args: ['1796018097', '1:500'] });
    expect(textOf(appended)).toBe('Append completed.');
    expect(codeOf(await parsed('* OK [PERMANENTFLAGS (\\Answered \\Seen \\*)] Flags permitted.')))
      .toEqual({ name: 'PERMANENTFLAGS', args: [['\\Answered', '\\Seen', '\\*']] });
    const refused = await parsed("m1 NO Mailbox doesn't exist: x");
    expect(codeOf(refused)).toBeUndefined();
    expect(textOf(refused)).toBe("Mailbox doesn't exist: x");
  });
});

describe('-d telemetry', () => {
  function record(entries: { src: string; msg: string }[], plus = true): string[] {
    const lines: string[] = [];
    const log = telemetryLogger((l) => lines.push(l), (n) => `{${n}${plus ? '+' : ''}}`);
    for (const e of entries) log.debug(e);
    return lines;
  }

  it('shows a login\'s verb and mechanism only, and nothing of the exchange until its answer', () => {
    expect(record([
      { src: 'c', msg: '1 AUTHENTICATE PLAIN "(* value hidden *)"' },
      { src: 's', msg: '1 OK Logged in' },
      { src: 'c', msg: '2 AUTHENTICATE LOGIN' },
      { src: 's', msg: '+ VXNlcm5hbWU6' },
      { src: 'c', msg: 'YWxpY2U=' },
      { src: 's', msg: '+ UGFzc3dvcmQ6' },
      { src: 'c', msg: '(* value hidden *)' },
      { src: 's', msg: '2 NO [AUTHENTICATIONFAILED] Authentication failed.' },
      { src: 'c', msg: '3 LOGIN "alice" "(* value hidden *)"' },
      { src: 's', msg: '3 OK done' },
      { src: 'c', msg: '4 NOOP' },
    ])).toEqual([
      'C: 1 AUTHENTICATE PLAIN <suppressed>', 'S: 1 OK Logged in',
      'C: 2 AUTHENTICATE LOGIN', 'S: + <suppressed>', 'C: <suppressed>', 'S: + <suppressed>', 'C: <suppressed>',
      'S: 2 NO [AUTHENTICATIONFAILED] Authentication failed.',
      'C: 3 LOGIN <suppressed>', 'S: 3 OK done', 'C: 4 NOOP',
    ]);
  });

  it('shows literals by their marker and size, and a long command by its start', () => {
    const append = `5 APPEND "x" () "(* 5000B literal *)"${' () "(* 10B literal *)"'.repeat(100)}`;
    const [withPlus] = record([{ src: 'c', msg: append }]);
    expect(withPlus).toMatch(/^C: 5 APPEND "x" \(\) \{5000\+\} \(5000 octets\) \(\) \{10\+\} \(10 octets\).* \.\.\. \(\d+ characters\)$/);
    expect(record([{ src: 'c', msg: '6 APPEND "x" "(* 9B literal *)"' }], false)).toEqual(['C: 6 APPEND "x" {9} (9 octets)']);
    expect(record([{ src: 's', msg: '* 1 FETCH (BODY[] "(* 9B literal *)")' }])).toEqual(['S: * 1 FETCH (BODY[] {9} (9 octets))']);
  });
});

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
