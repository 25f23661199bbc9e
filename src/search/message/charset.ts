// Text in a named charset to a JS string, as c-client converts text to UTF-8
// before searching it: every charset of the UW FAQ 1.12 (through iconv-lite,
// plus our ISO-2022 reader), and any other charset iconv-lite knows. An
// unknown or missing charset is guessed as c-client guesses it
// (utf8_infercharset): ISO-2022-JP when an escape sequence says so, UTF-8
// when the bytes are valid UTF-8. Where c-client would then give up and search
// the raw bytes, mailsmith reads them as ISO-8859-1, which finds the same
// ASCII text and does not lose the rest.
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';
import { decodeIso2022, looksLikeIso2022Jp } from './iso2022.js';

/** c-client's names that iconv-lite spells differently, or not at all. */
const ALIASES: Readonly<Record<string, string>> = {
  'CN-GB': 'gbk',
  GB2312: 'gbk',
  'BIG-5': 'big5',
  'KOI8-RU': 'koi8-u',
  'KS_C_5601-1989': 'cp949',
  'KS_C_5601-1992': 'cp949',
  'KS_C_5601-1997': 'cp949',
  KSC_5601: 'cp949',
  KSC5601: 'cp949',
  'X-WINDOWS-949': 'cp949',
  'WINDOWS-936': 'gbk',
};

/** The charset label as a lookup key: case-insensitive, without an RFC 2231 language (`UTF-8*en`). */
function normalName(charset: string): string {
  const star = charset.indexOf('*');
  return (star >= 0 ? charset.slice(0, star) : charset).trim().toUpperCase();
}

export function decodeText(bytes: Buffer, charset?: string): string {
  if (charset !== undefined) {
    const name = normalName(charset);
    if (name.startsWith('ISO-2022-')) return decodeIso2022(bytes);
    // US-ASCII text with 8-bit bytes is mislabelled: guess what it really is
    if (name !== 'US-ASCII' && name !== 'ASCII') {
      const encoding = ALIASES[name] ?? name;
      if (iconv.encodingExists(encoding)) return iconv.decode(bytes, encoding);
    }
  }
  return decodeUnlabelled(bytes);
}

/** c-client's guess for text without a (known) charset; ISO-8859-1 where it would give up. */
export function decodeUnlabelled(bytes: Buffer): string {
  if (looksLikeIso2022Jp(bytes)) return decodeIso2022(bytes);
  return isUtf8(bytes) ? bytes.toString('utf8') : bytes.toString('latin1');
}
