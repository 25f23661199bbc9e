// RFC 2047 encoded words in header text (`=?KOI8-R?B?8NLJ18XU?=`), decoded as
// c-client's utf8_mime2text decodes them before a search: an encoded word
// starts a white-space-delimited word and ends one, and white space (folding
// included) between two encoded words is dropped. Unlike c-client, adjacent
// encoded words in the same charset are decoded together (encoders split
// multi-byte characters across them), words longer than RFC 2047's 75
// characters are decoded too, and one malformed word leaves only itself
// undecoded. Bytes outside encoded words are read as UTF-8 when they are
// valid UTF-8, else as ISO-8859-1.
import { isUtf8 } from 'node:buffer';
import { decodeText } from './charset.js';
import { decodeTransfer } from './transfer.js';

interface EncodedWord {
  readonly charset: string;
  readonly bytes: Buffer;
  /** Index just past the closing `?=`. */
  readonly end: number;
}

const isSpace = (c: number | undefined): boolean => c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
/** RFC 2047 token characters: printable, no space, no especials. */
const isTokenChar = (c: number): boolean => c > 0x20 && c < 0x7f && !'()<>@,;:\\"/[].?='.includes(String.fromCharCode(c));

/** The encoded word starting at i, if one does (it must be followed by white space or the end). */
function encodedWordAt(b: Buffer, i: number): EncodedWord | undefined {
  if (b[i] !== 0x3d || b[i + 1] !== 0x3f) return undefined;
  let j = i + 2;
  while (j < b.length && isTokenChar(b[j]!)) j++;
  if (j === i + 2 || b[j] !== 0x3f) return undefined;
  const charset = b.subarray(i + 2, j).toString('latin1');
  const enc = b[j + 1];
  if (b[j + 2] !== 0x3f || enc === undefined) return undefined;
  const textStart = j + 3;
  let k = textStart;
  while (k < b.length && b[k] !== 0x3f && b[k]! > 0x20 && b[k]! < 0x7f) k++;
  if (b[k] !== 0x3f || b[k + 1] !== 0x3d || !(k + 2 === b.length || isSpace(b[k + 2]))) return undefined;
  const text = b.subarray(textStart, k);
  let bytes: Buffer | undefined;
  if (enc === 0x42 || enc === 0x62) bytes = decodeTransfer(text, 'base64');
  else if (enc === 0x51 || enc === 0x71) bytes = decodeQ(text);
  return bytes ? { charset, bytes, end: k + 2 } : undefined;
}

/** RFC 2047's Q encoding: `_` is a space, `=XX` an octet; undefined if malformed. */
function decodeQ(text: Buffer): Buffer | undefined {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c === 0x5f) out.push(0x20);
    else if (c === 0x3d) {
      const hex = text.subarray(i + 1, i + 3).toString('latin1');
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(c);
  }
  return Buffer.from(out);
}

export function decodeHeaderText(raw: Buffer): string {
  const rawAsText = isUtf8(raw) ? 'utf8' : 'latin1';
  let out = '';
  // consecutive encoded words in one charset, waiting to be decoded together
  let pending: { charset: string; parts: Buffer[] } | undefined;
  const flush = (): void => {
    if (pending) out += decodeText(Buffer.concat(pending.parts), pending.charset);
    pending = undefined;
  };
  let i = 0;
  let plainStart = 0;
  while (i < raw.length) {
    const atWordStart = i === 0 || isSpace(raw[i - 1]);
    const word = atWordStart ? encodedWordAt(raw, i) : undefined;
    if (!word) {
      i++;
      continue;
    }
    const between = raw.subarray(plainStart, i);
    // white space alone between two encoded words is not part of the text
    if (!(pending && between.every((c) => isSpace(c)))) {
      flush();
      out += between.toString(rawAsText);
    }
    const charset = word.charset.toUpperCase();
    if (pending && pending.charset === charset) pending.parts.push(word.bytes);
    else {
      flush();
      pending = { charset, parts: [word.bytes] };
    }
    i = word.end;
    plainStart = i;
  }
  flush();
  return out + raw.subarray(plainStart).toString(rawAsText);
}
