// The message text as the string keys see it: encoded words, charsets (ISO-2022
// included), transfer encodings, address lists written as c-client writes them,
// and the parts of a MIME message that TEXT and BODY search.
import fc from 'fast-check';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { addressSearchText } from '../../src/search/message/addresses.js';
import { decodeText } from '../../src/search/message/charset.js';
import { decodeHeaderText } from '../../src/search/message/encoded-words.js';
import { fold } from '../../src/search/message/fold.js';
import { parseFields, splitEntity, unfold } from '../../src/search/message/header.js';
import { decodeIso2022 } from '../../src/search/message/iso2022.js';
import { searchPieces } from '../../src/search/message/mime.js';
import { decodeQuotedPrintable, decodeTransfer } from '../../src/search/message/transfer.js';
import { MessageView } from '../../src/search/message/view.js';
import { message } from './sampler.js';

const ESC = '\x1b';
const bytes = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('encoded words (RFC 2047)', () => {
  it.each([
    ['=?ISO-8859-1?Q?Caf=E9_cr=E8me?=', 'Café crème'],
    ['=?iso-8859-1?q?Caf=E9?=', 'Café'],
    [`=?KOI8-R?B?${iconv.encode('Привет', 'koi8-r').toString('base64')}?=`, 'Привет'],
    [`=?ISO-2022-JP?B?${bytes(`${ESC}$B%F%9%H${ESC}(B`).toString('base64')}?=`, 'テスト'],
    ['=?UTF-8?B?R3LDvMOfZQ==?=', 'Grüße'],
    ['=?UTF-8*en?Q?English?=', 'English'],
  ])('%s', (raw, text) => {
    expect(decodeHeaderText(bytes(raw))).toBe(text);
  });

  it('drops white space, folding included, between adjacent encoded words only', () => {
    expect(decodeHeaderText(bytes('=?UTF-8?Q?a?= =?UTF-8?Q?b?=\r\n =?UTF-8?Q?c?= d =?UTF-8?Q?e?='))).toBe('abc d e');
  });

  it('decodes a character split across two encoded words together', () => {
    expect(decodeHeaderText(bytes('=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?='))).toBe('été');
  });

  it('decodes an encoded word only where a word starts and ends, as c-client does', () => {
    expect(decodeHeaderText(bytes('x=?UTF-8?Q?a?='))).toBe('x=?UTF-8?Q?a?=');
    expect(decodeHeaderText(bytes('"=?UTF-8?Q?a?="'))).toBe('"=?UTF-8?Q?a?="');
    expect(decodeHeaderText(bytes('(=?UTF-8?Q?a?=)'))).toBe('(=?UTF-8?Q?a?=)');
  });

  it('leaves a malformed word as it is and decodes the others', () => {
    expect(decodeHeaderText(bytes('=?UTF-8?Q?bad=ZZ?= =?UTF-8?X?x?= =?UTF-8?Q?ok?='))).toBe('=?UTF-8?Q?bad=ZZ?= =?UTF-8?X?x?= ok');
  });

  it('reads raw 8-bit header text as UTF-8 when it is, else as ISO-8859-1', () => {
    expect(decodeHeaderText(Buffer.from('Grüße =?UTF-8?Q?=C3=A9t=C3=A9?='))).toBe('Grüße été');
    expect(decodeHeaderText(bytes('Gr\xfc\xdfe'))).toBe('Grüße');
  });
});

describe('charsets', () => {
  it.each(['ISO-8859-1', 'ISO-8859-2', 'ISO-8859-15', 'KOI8-R', 'KOI8-U', 'WINDOWS-1251', 'WINDOWS-1252', 'UTF-8', 'EUC-JP', 'Shift_JIS', 'GB2312', 'BIG5', 'EUC-KR', 'TIS-620'])(
    'reads %s',
    (charset) => {
      const text = charset.match(/JIS|EUC-JP/) ? '日本語のテキスト' : charset.match(/GB|BIG5/) ? '中文' : charset === 'EUC-KR' ? '한국어'
        : charset === 'TIS-620' ? 'ภาษาไทย' : charset.match(/KOI8|1251/) ? 'Привет' : charset === 'ISO-8859-2' ? 'Łódź' : 'Café €'.replace(charset === 'ISO-8859-1' ? '€' : '', '');
      expect(decodeText(iconv.encode(text, charset), charset)).toBe(text);
    },
  );

  it('knows c-client\'s names that iconv-lite spells differently', () => {
    expect(decodeText(iconv.encode('Привет', 'koi8-u'), 'KOI8-RU')).toBe('Привет');
    expect(decodeText(iconv.encode('한국어', 'euc-kr'), 'KS_C_5601-1992')).toBe('한국어');
    expect(decodeText(iconv.encode('中文', 'gbk'), 'CN-GB')).toBe('中文');
  });

  it('guesses unlabelled text as c-client does: ISO-2022-JP by its escapes, UTF-8 when valid; else ISO-8859-1', () => {
    expect(decodeText(bytes(`${ESC}$BF|K\\8l${ESC}(B`))).toBe('日本語');
    expect(decodeText(Buffer.from('Grüße'), undefined)).toBe('Grüße');
    expect(decodeText(bytes('Gr\xfc\xdfe'), 'X-UNKNOWN')).toBe('Grüße');
    expect(decodeText(bytes('Gr\xfc\xdfe'), 'us-ascii')).toBe('Grüße');
  });

  describe('ISO-2022', () => {
    it('JIS X 0208, JIS X 0212, JIS Roman and half-width katakana (ISO-2022-JP-1)', () => {
      expect(decodeIso2022(bytes(`a${ESC}$BF|K\\8l${ESC}(Bb ${ESC}$(D0!${ESC}(B ${ESC}(J\\~${ESC}(B ${ESC}(I1${ESC}(B`))).toBe('a日本語b 丂 ¥‾ ｱ');
    });

    it('KS C 5601 shifted in and out (ISO-2022-KR), unshifted at each line', () => {
      expect(decodeIso2022(bytes(`${ESC}$)C\x0e0!\x0fA\r\n\x0e`))).toBe('가A\r\n');
      expect(decodeIso2022(bytes(`${ESC}$)C\x0e0!\nB`))).toBe('가\nB');
    });

    it('GB 2312 (ISO-2022-CN) and ISO-8859 upper halves by single shift (ISO-2022-JP-2)', () => {
      expect(decodeIso2022(bytes(`${ESC}$)A\x0e0!\x0f ${ESC}.A${ESC}Ni ${ESC}.F${ESC}Na`))).toBe('啊 é α');
    });

    it('reads CNS 11643, which it has no table for, as U+FFFD', () => {
      expect(decodeIso2022(bytes(`${ESC}$)G\x0eD!\x0fx`))).toBe('\ufffdx');
    });
  });
});

describe('transfer encodings', () => {
  it('quoted-printable: octets, soft line breaks (with trailing white space), and malformed escapes kept', () => {
    expect(decodeQuotedPrintable(bytes('Gr=FC=DFe=\r\n aus=  \nK=F6ln =ZZ =')).toString('latin1')).toBe('Grüße ausKöln =ZZ ');
  });

  it('base64 across lines; other encodings as they are', () => {
    expect(decodeTransfer(bytes('R3LD\r\nvMOf\r\nZQ==\r\n'), 'Base64').toString('utf8')).toBe('Grüße');
    expect(decodeTransfer(bytes('a=20b'), '8bit').toString('latin1')).toBe('a=20b');
  });
});

describe('headers', () => {
  it('end at the first empty line; a header without one is the whole entity', () => {
    expect(splitEntity(bytes('A: 1\r\nB: 2\r\n\r\nbody\r\n')).body.toString('latin1')).toBe('body\r\n');
    expect(splitEntity(bytes('A: 1\nB: 2\n\nbody')).header.toString('latin1')).toBe('A: 1\nB: 2\n\n');
    expect(splitEntity(bytes('A: 1\r\nB: 2\r\n')).body.length).toBe(0);
  });

  it('fields as c-client reads them: name up to the first colon, any case, continuation lines joined', () => {
    const fields = parseFields(bytes('Subject : a\r\n\tb\r\nno colon here\r\nx-mailer: Mutt\r\n'));
    expect(fields.map((f) => [f.name, unfold(f.value).toString('latin1')])).toEqual([['SUBJECT', 'a b'], ['X-MAILER', 'Mutt']]);
  });
});

describe('address lists (as c-client writes them for FROM, TO, CC, BCC)', () => {
  it.each([
    ['alice@example.org', 'alice@example.org'],
    ['Alice <alice@example.org>', 'Alice <alice@example.org>'],
    ['"Alice"   <alice@example.org>', 'Alice <alice@example.org>'],
    ['"Smith, Alice" <alice@example.org>', '"Smith, Alice" <alice@example.org>'],
    ['alice@example.org (Alice Liddell)', 'Alice Liddell <alice@example.org>'],
    ['Alice (the boss) <alice@example.org>', 'Alice <alice@example.org>'],
    ['Alice (the boss) Smith <alice@example.org>', '"Alice (the boss) Smith" <alice@example.org>'],
    ['a@x.org, "B" <b@y.org>,,c@z.org', 'a@x.org,B <b@y.org>,c@z.org'],
    ['team: bob@example.org, carol@example.org;', 'team: ,bob@example.org,carol@example.org,'],
    ['undisclosed-recipients:;', 'undisclosed-recipients: ,'],
    ['<@route.example:alice@example.org>', 'alice@example.org'],
    ['"odd local"@example.org', '"odd local"@example.org'],
    ['=?UTF-8?Q?Ren=C3=A9?= <rene@example.org>', '=?UTF-8?Q?Ren=C3=A9?= <rene@example.org>'],
    ['postmaster', 'postmaster'],
  ])('%s', (raw, written) => {
    expect(addressSearchText([raw])).toBe(written);
  });

  it('searches a header it cannot read as it is', () => {
    expect(addressSearchText(['Alice <alice@example.org', 'ok@example.org'])).toBe('Alice <alice@example.org,ok@example.org');
  });

  it('reads several fields of the name as one list, a >From: line as From:, and decodes names', () => {
    const view = new MessageView(message('From: =?UTF-8?Q?Ren=C3=A9?= <rene@example.org>', '>From: "Ann" <ann@example.org>', '', 'x'));
    expect(view.addressText('FROM')).toBe('René <rene@example.org>,Ann <ann@example.org>');
    expect(view.addresses('FROM')).toBe(fold('René <rene@example.org>,Ann <ann@example.org>'));
    expect(view.addresses('TO')).toBeUndefined();
  });
});

describe('MIME parts searched', () => {
  const pieces = (text: Buffer, withHeaders: boolean): string[] => [...searchPieces(text, withHeaders)]
    .map((p) => `${p.kind}${p.charset ? `[${p.charset}]` : ''}${p.encoding ? `(${p.encoding})` : ''}:${p.bytes.toString('latin1')}`);

  it('a plain message: its header (TEXT only) and its body', () => {
    const m = message('Subject: hi', '', 'body');
    expect(pieces(m, true)).toEqual(['header:Subject: hi\r\n\r\n', 'text:body\r\n']);
    expect(pieces(m, false)).toEqual(['text:body\r\n']);
  });

  it('a multipart: each part\'s MIME header (TEXT only) and text parts, never the preamble, epilogue or other types', () => {
    const m = message('MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b"', '', 'preamble', '--b', 'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: 8bit', '', 'one', '--b  ', '', 'two (text/plain by default)', '--bogus', 'still two', '--b',
      'Content-Type: image/png', '', 'PNG', '--b--', 'epilogue');
    expect(pieces(m, false)).toEqual(['text[utf-8](8bit):one', 'text:two (text/plain by default)\r\n--bogus\r\nstill two', ]);
    expect(pieces(m, true).filter((p) => p.startsWith('header'))).toEqual([
      expect.stringMatching(/^header:MIME-Version/),
      'header:Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n',
      'header:\r\n',
      'header:Content-Type: image/png\r\n\r\n',
    ]);
  });

  it('a nested message: its header (TEXT only) and its own parts; a digest\'s parts are messages', () => {
    const m = message('MIME-Version: 1.0', 'Content-Type: multipart/digest; boundary=d', '', '--d', '', 'Subject: inner', '', 'inner body', '--d--');
    expect(pieces(m, false)).toEqual(['text:inner body']);
    expect(pieces(m, true).slice(1)).toEqual(['header:\r\n', 'header:Subject: inner\r\n\r\n', 'text:inner body']);
  });

  it('honours Content-* without MIME-Version only as c-client does', () => {
    const ok = message('Content-Type: text/plain; charset=koi8-r', '', 'x');
    expect(pieces(ok, false)).toEqual(['text[koi8-r]:x\r\n']);
    const ignored = message('Content-Length: 3', 'Content-Type: text/plain; charset=koi8-r', '', 'x');
    expect(pieces(ignored, false)).toEqual(['text:x\r\n']);
  });

  it('TEXT and BODY find decoded, case-folded text in the pieces they search', () => {
    const m = message('Subject: =?ISO-8859-1?Q?Caf=E9?=', 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1',
      'Content-Transfer-Encoding: quoted-printable', '', 'cr=E8me br=FBl=E9e');
    const view = new MessageView(m);
    expect(view.contains(fold('CRÈME BRÛLÉE'), false)).toBe(true);
    expect(view.contains(fold('café'), false)).toBe(false);
    expect(view.contains(fold('café'), true)).toBe(true);
  });
});

describe('any bytes at all', () => {
  it('are searched without an error (random fragments of headers, MIME structure and encodings)', () => {
    const fragment = fc.oneof(
      fc.constantFrom('From: ', 'To: a@b, (c', 'Cc: g: x@y;', 'Subject: ', 'Date: ', 'MIME-Version: 1.0\r\n', 'Content-Type: multipart/mixed; boundary=b\r\n',
        'Content-Type: message/rfc822\r\n', 'Content-Type: text/plain; charset=iso-2022-jp\r\n', 'Content-Transfer-Encoding: base64\r\n',
        'Content-Transfer-Encoding: quoted-printable\r\n', '--b\r\n', '--b--\r\n', '\r\n', '=?UTF-8?B?', '=?KOI8-R?Q?=F0', '?= ', '\x1b$B', '\x1b(B',
        '\x1b$)C\x0e', '"', '<', '>', '(', ')', '\\', '=', '=\r\n', ';', ':', ','),
      fc.uint8Array({ maxLength: 8 }).map((a) => Buffer.from(a).toString('latin1')),
    );
    const texts = fc.array(fragment, { maxLength: 40 }).map((parts) => Buffer.from(parts.join(''), 'latin1'));
    fc.assert(fc.property(texts, (text) => {
      const view = new MessageView(text);
      for (const field of ['FROM', 'TO', 'CC', 'BCC'] as const) view.addresses(field);
      view.subject();
      view.headerText('Subject');
      view.sentDate();
      view.decodedField('From');
      view.contains('X', true);
      view.contains('X', false);
    }), { numRuns: 300 });
  });
});
