// The parts of a message that TEXT and BODY search, found as c-client's
// rfc822_parse_content finds them: multipart bodies split at their boundary
// lines, message/rfc822 parts opened up, and the text of every TEXT/* part
// (and of MESSAGE/* parts other than RFC822); other types (images,
// applications, ...) are never searched. With headers (TEXT), the message
// header, every part's MIME header and every nested message's header are
// searched too. A generator over views of the message's buffer: nothing is
// copied and nothing is decoded until the caller asks.
import { parseFields, splitEntity, type HeaderField } from './header.js';

export interface SearchPiece {
  /** A header (searched with encoded words decoded) or a part's text (transfer-decoded, then from its charset). */
  readonly kind: 'header' | 'text';
  readonly bytes: Buffer;
  readonly charset?: string;
  readonly encoding?: string;
}

interface Content {
  /** Upper case. */
  readonly type: string;
  readonly subtype: string;
  /** Parameter names in upper case. */
  readonly params: ReadonlyMap<string, string>;
  readonly encoding?: string;
}

const TEXT_PLAIN: Content = { type: 'TEXT', subtype: 'PLAIN', params: new Map() };
const MESSAGE_RFC822: Content = { type: 'MESSAGE', subtype: 'RFC822', params: new Map() };
/** c-client's MAXMIMEDEPTH: deeper than this, a body is read as text. */
const MAX_DEPTH = 50;

export function* searchPieces(message: Buffer, withHeaders: boolean): Generator<SearchPiece> {
  yield* messageEntity(message, withHeaders, 0);
}

/** A message (top level or message/rfc822): its header, then its body. */
function* messageEntity(entity: Buffer, withHeaders: boolean, depth: number): Generator<SearchPiece> {
  const { header, body } = splitEntity(entity);
  if (withHeaders) yield { kind: 'header', bytes: header };
  yield* content(body, messageContent(parseFields(header)), withHeaders, depth);
}

function* content(body: Buffer, c: Content, withHeaders: boolean, depth: number): Generator<SearchPiece> {
  if (depth > MAX_DEPTH) {
    yield { kind: 'text', bytes: body };
    return;
  }
  if (c.type === 'MULTIPART') {
    const defaultType = c.subtype === 'DIGEST' ? MESSAGE_RFC822 : TEXT_PLAIN;
    for (const part of multipartParts(body, c.params.get('BOUNDARY') ?? '-')) {
      const { header, body: partBody } = splitEntity(part);
      if (withHeaders) yield { kind: 'header', bytes: header };
      yield* content(partBody, partContent(parseFields(header), defaultType), withHeaders, depth + 1);
    }
  } else if (c.type === 'MESSAGE' && c.subtype === 'RFC822') {
    // c-client ignores a transfer encoding here ("Ignoring nested encoding of message contents")
    yield* messageEntity(body, withHeaders, depth + 1);
  } else if (c.type === 'TEXT' || c.type === 'MESSAGE') {
    yield { kind: 'text', bytes: body, charset: c.params.get('CHARSET'), encoding: c.encoding };
  }
}

/**
 * A message header's content: its Content-* fields count when it has MIME-Version, or (c-client's
 * kludge for MIME mail without it) when the first Content-* field is Content-Transfer-Encoding or a
 * Content-Type with a slash; otherwise the message is plain text.
 */
function messageContent(fields: readonly HeaderField[]): Content {
  const isMime = fields.some((f) => f.name === 'MIME-VERSION') || (() => {
    const first = fields.find((f) => f.name.startsWith('CONTENT-'));
    return first !== undefined && (first.name === 'CONTENT-TRANSFER-ENCODING' || (first.name === 'CONTENT-TYPE' && first.value.includes(0x2f)));
  })();
  return isMime ? partContent(fields, TEXT_PLAIN) : TEXT_PLAIN;
}

function partContent(fields: readonly HeaderField[], defaultType: Content): Content {
  const type = fields.find((f) => f.name === 'CONTENT-TYPE');
  const cte = fields.find((f) => f.name === 'CONTENT-TRANSFER-ENCODING');
  const encoding = cte ? withoutComments(cte.value.toString('latin1')).trim() || undefined : undefined;
  const parsed = type ? parseContentType(withoutComments(type.value.toString('latin1'))) : undefined;
  return { ...(parsed ?? defaultType), encoding };
}

function withoutComments(s: string): string {
  // comments outside quoted strings; nested ones are rare enough to read as one
  return s.replace(/"(?:[^"\\]|\\.)*"|\([^()]*\)/gs, (m) => (m.startsWith('"') ? m : ' ')).replace(/[\r\n]/g, '');
}

/** `type/subtype; name=value; name="quoted value"` (a missing subtype is the type's default). */
function parseContentType(value: string): Content | undefined {
  const m = /^\s*([^\s/;]+)\s*(?:\/\s*([^\s;]+))?/.exec(value);
  if (!m) return undefined;
  const type = m[1]!.toUpperCase();
  const subtype = m[2]?.toUpperCase() ?? DEFAULT_SUBTYPES[type] ?? 'UNKNOWN';
  const params = new Map<string, string>();
  const re = /;\s*([^\s=;]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s;]*))/gs;
  for (let p = re.exec(value); p; p = re.exec(value)) {
    const name = p[1]!.toUpperCase();
    if (!params.has(name)) params.set(name, p[2] !== undefined ? p[2].replace(/\\(.)/gs, '$1') : p[3]!);
  }
  return { type, subtype, params };
}

const DEFAULT_SUBTYPES: Readonly<Record<string, string>> = {
  TEXT: 'PLAIN', MULTIPART: 'MIXED', MESSAGE: 'RFC822', APPLICATION: 'OCTET-STREAM', AUDIO: 'BASIC',
};

const CR = 0x0d;
const LF = 0x0a;

/**
 * The parts of a multipart body: what lies between lines `--BOUNDARY` (white space may follow)
 * up to a line `--BOUNDARY--`; the preamble and epilogue are not parts. A part ends before the
 * line end that precedes the next boundary line.
 */
function* multipartParts(body: Buffer, boundary: string): Generator<Buffer> {
  const delimiter = Buffer.from(`--${boundary}`, 'latin1');
  let partStart: number | undefined;
  for (let at = body.indexOf(delimiter); at >= 0; at = body.indexOf(delimiter, at + 1)) {
    if (at > 0 && body[at - 1] !== LF && body[at - 1] !== CR) continue;
    let j = at + delimiter.length;
    const closing = body[j] === 0x2d && body[j + 1] === 0x2d;
    if (closing) {
      j += 2;
      if (j < body.length && body[j] !== CR && body[j] !== LF) continue;
    } else {
      while (body[j] === 0x20 || body[j] === 0x09) j++;
      if (j < body.length && body[j] !== CR && body[j] !== LF) continue;
    }
    if (partStart !== undefined) yield body.subarray(partStart, lineEndBefore(body, at));
    if (closing) return;
    partStart = body[j] === CR && body[j + 1] === LF ? j + 2 : Math.min(j + 1, body.length);
  }
  if (partStart !== undefined) yield body.subarray(partStart);
}

/** Where the line end just before `at` starts (CRLF or LF), for a part that must not include it. */
function lineEndBefore(body: Buffer, at: number): number {
  if (at >= 2 && body[at - 2] === CR && body[at - 1] === LF) return at - 2;
  return at > 0 ? at - 1 : at;
}
