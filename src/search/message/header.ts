// A message's (or a MIME part's) header: where it ends and its fields, read
// as c-client reads them (rfc822_parse_msg_full): a field name is whatever
// precedes the first colon of a logical line (trailing spaces dropped, any
// case), lines starting with a space or tab continue the previous field, and
// a line without a colon is ignored.

const CR = 0x0d;
const LF = 0x0a;
const COLON = 0x3a;

export interface HeaderField {
  /** Upper case, without trailing spaces. */
  readonly name: string;
  /** The raw bytes after the colon up to the end of the field, continuation lines and their line ends included. */
  readonly value: Buffer;
}

/** Splits an entity into its header (up to and including the empty line that ends it) and its body. */
export function splitEntity(entity: Buffer): { header: Buffer; body: Buffer } {
  // the header ends at the first empty line; a header alone, without one, is the whole entity
  let lineStart = 0;
  while (lineStart < entity.length) {
    if (entity[lineStart] === LF) return cut(entity, lineStart + 1);
    if (entity[lineStart] === CR && entity[lineStart + 1] === LF) return cut(entity, lineStart + 2);
    const nl = entity.indexOf(LF, lineStart);
    if (nl < 0) break;
    lineStart = nl + 1;
  }
  return { header: entity, body: entity.subarray(entity.length) };
}

function cut(entity: Buffer, at: number): { header: Buffer; body: Buffer } {
  return { header: entity.subarray(0, at), body: entity.subarray(at) };
}

export function parseFields(header: Buffer): HeaderField[] {
  const fields: HeaderField[] = [];
  let start = 0;
  while (start < header.length) {
    // a logical line: up to a line end not followed by a space or tab
    let end = start;
    for (;;) {
      const nl = header.indexOf(LF, end);
      if (nl < 0) {
        end = header.length;
        break;
      }
      end = nl + 1;
      if (header[end] !== 0x20 && header[end] !== 0x09) break;
    }
    const line = header.subarray(start, end);
    start = end;
    const colon = line.indexOf(COLON);
    if (colon < 0) continue;
    const name = line.subarray(0, colon).toString('latin1').replace(/[ \t\r\n]+$/, '').toUpperCase();
    fields.push({ name, value: line.subarray(colon + 1) });
  }
  return fields;
}

/**
 * A field's value as c-client's envelope holds it: line ends of folded lines removed, tabs
 * made spaces, leading spaces and the final line end gone.
 */
export function unfold(value: Buffer): Buffer {
  const out = Buffer.allocUnsafe(value.length);
  let n = 0;
  for (const c of value) {
    if (c === CR || c === LF) continue;
    out[n++] = c === 0x09 ? 0x20 : c;
  }
  let from = 0;
  while (from < n && out[from] === 0x20) from++;
  return out.subarray(from, n);
}

/** The value of the first field with this (upper-case) name. */
export function firstField(fields: readonly HeaderField[], name: string): Buffer | undefined {
  return fields.find((f) => f.name === name)?.value;
}
