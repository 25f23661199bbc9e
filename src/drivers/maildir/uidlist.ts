// dovecot-uidlist (formats-dir.md 6.6): a header `3 V<validity> N<next uid>
// G<guid>`, then `<uid> [<ext>...] :<base>` per message in ascending UID order.
// N is updated lazily (the next UID is max(N, highest listed + 1)). Dovecot
// appends lines or replaces the whole file (temporary file, rename), both
// under dovecot-uidlist.lock; readers need no lock and ignore a last line
// that has no LF yet.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const UIDLIST_FILE = 'dovecot-uidlist';
/** Dovecot's own temporary name for a new uidlist (written under the lock). */
const TEMP_FILE = 'dovecot-uidlist.tmp';
const MAX_UID = 0xfffffffe;
const CHUNK = 4 << 20;
const LF = 0x0a;

export interface UidlistHeader {
  /** 3, or 1 for the Courier-compatible form `1 <validity> <next>`. */
  readonly version: number;
  readonly uidValidity: number;
  readonly nextUid: number;
  /** The mailbox GUID (32 hex digits), when the header has one. */
  readonly guid?: string;
  /** Header fields Dovecot does not define, kept as written. */
  readonly extra: readonly string[];
}

export interface UidlistRecord {
  readonly uid: number;
  /** Extension fields before the ':' (e.g. `W167`), as written. */
  readonly ext: string;
  readonly base: string;
}

/** Where Dovecot would call the file broken, in its words (`Broken file ... line N: DETAIL`). */
export interface UidlistDamage {
  readonly line: number;
  readonly offset: number;
  readonly detail: string;
}

export interface UidlistSummary {
  /** Undefined when there is no usable file (missing, empty, or a broken header). */
  readonly header?: UidlistHeader;
  readonly highestUid: number;
  /** The file ends inside a line (a writer is appending, or one died doing so). */
  readonly partial: boolean;
  readonly damage?: UidlistDamage;
}

/** The lines of a file, read in large chunks; a last line without LF is reported, not returned. */
function* fileLines(file: string): Generator<{ text: string; offset: number }, { partial: boolean } | undefined> {
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    let carry = Buffer.alloc(0);
    let carryOffset = 0;
    let position = 0;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      const n = fs.readSync(fd, chunk, 0, CHUNK, position);
      if (n === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, n)]) : chunk.subarray(0, n);
      const dataOffset = carry.length > 0 ? carryOffset : position;
      position += n;
      let from = 0;
      for (let lf = data.indexOf(LF); lf >= 0; lf = data.indexOf(LF, from)) {
        const end = lf > from && data[lf - 1] === 0x0d ? lf - 1 : lf;
        yield { text: data.toString('utf8', from, end), offset: dataOffset + from };
        from = lf + 1;
      }
      carry = Buffer.from(data.subarray(from));
      carryOffset = dataOffset + from;
    }
    return { partial: carry.length > 0 };
  } finally {
    fs.closeSync(fd);
  }
}

/** Dovecot's header checks; a string is the damage. */
export function parseHeader(line: string): UidlistHeader | string {
  const version = line.charCodeAt(0) - 0x30;
  if (!(version >= 0 && version <= 9) || line[1] !== ' ') return 'Corrupted header (invalid version number)';
  let uidValidity = 0;
  let nextUid = 0;
  let guid: string | undefined;
  const extra: string[] = [];
  if (version === 1) {
    const m = /^(\d+) (\d+)/.exec(line.slice(2));
    if (!m) return 'Corrupted header (version 1)';
    uidValidity = Number(m[1]);
    nextUid = Number(m[2]);
  } else if (version === 3) {
    for (const field of line.slice(2).split(' ')) {
      if (field === '') continue;
      const value = field.slice(1);
      if (field[0] === 'V') uidValidity = strtoul(value);
      else if (field[0] === 'N') nextUid = strtoul(value);
      else if (field[0] === 'G') {
        if (!/^[0-9a-fA-F]{32}$/.test(value)) return `Invalid mailbox GUID: ${value}`;
        guid = value.toLowerCase();
      } else extra.push(field);
    }
  } else {
    return `Unsupported version ${version}`;
  }
  if (uidValidity === 0 || nextUid === 0) return `Broken header (uidvalidity = ${uidValidity}, next_uid=${nextUid})`;
  return { version, uidValidity, nextUid, ...(guid ? { guid } : {}), extra };
}

/** strtoul(value, NULL, 10) on the 32 bits Dovecot keeps. */
function strtoul(value: string): number {
  const m = /^\d+/.exec(value);
  return m ? Number(m[0]) % 0x100000000 : 0;
}

/** One record line; a string is the damage (Dovecot's words). */
export function parseRecord(line: string, version: number, previousUid: number): UidlistRecord | string {
  const m = /^(\d+)/.exec(line);
  const uid = m ? Number(m[1]) : 0;
  const rest = m ? line.slice(m[1]!.length) : line;
  if (uid === 0 || rest[0] !== ' ') return `Invalid data: ${rest}`;
  if (uid <= previousUid) return `UIDs not ordered (${uid} >= ${previousUid})`;
  if (uid > MAX_UID) return `UID too high (${uid})`;
  let i = 1;
  while (rest[i] === ' ') i++;
  let ext = '';
  if (version === 3) {
    const fields: string[] = [];
    while (i < rest.length && rest[i] !== ':') {
      const start = i;
      while (i < rest.length && rest[i] !== ' ') i++;
      fields.push(rest.slice(start, i));
      while (rest[i] === ' ') i++;
    }
    if (rest[i] === ':') i++;
    if (i >= rest.length) return `Invalid extended fields: ${rest.slice(i)}`;
    ext = fields.join(' ');
  }
  const name = rest.slice(i);
  if (name.includes('/')) return `Broken filename: ${name}`;
  // the key is the name without its info (a version 1 file may hold whole names)
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  return { uid, ext, base };
}

/**
 * Reads the file, handing each record to onRecord in file (= UID) order. Reading stops at
 * the first damage, which is reported with what was read before it; a missing or empty file,
 * or one whose header is broken, has no header.
 */
export function readUidlist(dir: string, onRecord: (r: UidlistRecord) => void): UidlistSummary {
  const lines = fileLines(path.join(dir, UIDLIST_FILE));
  let header: UidlistHeader | undefined;
  let highestUid = 0;
  let lineNo = 0;
  for (;;) {
    const step = lines.next();
    if (step.done) return { ...(header ? { header } : {}), highestUid, partial: step.value?.partial ?? false };
    const { text, offset } = step.value;
    lineNo++;
    if (!header) {
      const parsed = parseHeader(text);
      if (typeof parsed === 'string') {
        lines.return(undefined);
        return { highestUid: 0, partial: false, damage: { line: lineNo, offset, detail: parsed } };
      }
      header = parsed;
      continue;
    }
    const record = parseRecord(text, header.version, highestUid);
    if (typeof record === 'string') {
      lines.return(undefined);
      return { header, highestUid, partial: false, damage: { line: lineNo, offset, detail: record } };
    }
    highestUid = record.uid;
    onRecord(record);
  }
}

export function newGuid(): string {
  return randomBytes(16).toString('hex');
}

export function headerLine(h: UidlistHeader): string {
  const extra = h.extra.length > 0 ? ` ${h.extra.join(' ')}` : '';
  return `3 V${h.uidValidity} N${h.nextUid} G${h.guid ?? newGuid()}${extra}\n`;
}

export function recordLine(uid: number, base: string, ext = ''): string {
  return `${uid}${ext ? ` ${ext}` : ''} :${base}\n`;
}

/** Writes lines through a large buffer: one write per few MB, not one per line. */
class LineWriter {
  private readonly buf = Buffer.allocUnsafe(1 << 20);
  private used = 0;

  constructor(private readonly fd: number) {}

  add(line: string): void {
    const need = Buffer.byteLength(line, 'utf8');
    if (this.used + need > this.buf.length) this.flush();
    if (need > this.buf.length) {
      fs.writeSync(this.fd, line, null, 'utf8');
      return;
    }
    this.used += this.buf.write(line, this.used, 'utf8');
  }

  flush(): void {
    let done = 0;
    while (done < this.used) done += fs.writeSync(this.fd, this.buf, done, this.used - done);
    this.used = 0;
  }
}

/** Writes `write`'s lines to dovecot-uidlist.tmp, flushes, and renames it over the uidlist. */
function replaceFile(dir: string, mode: number, write: (w: LineWriter) => void): void {
  const temp = path.join(dir, TEMP_FILE);
  const fd = fs.openSync(temp, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC, mode);
  try {
    const w = new LineWriter(fd);
    write(w);
    w.flush();
    fs.fdatasyncSync(fd);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(temp, { force: true });
    throw e;
  }
  fs.closeSync(fd);
  fs.renameSync(temp, path.join(dir, UIDLIST_FILE));
}

/** A whole new uidlist: the header, then these records (ascending). */
export function writeUidlist(dir: string, header: UidlistHeader, records: Iterable<UidlistRecord>, mode: number): void {
  replaceFile(dir, mode, (w) => {
    w.add(headerLine(header));
    for (const r of records) w.add(recordLine(r.uid, r.base, r.ext));
  });
}

/**
 * The uidlist again, in version 3, without the records `drop` names and with `added` after
 * the others (their UIDs above every listed one), and the header's next UID raised to `nextUid`.
 */
export function rewriteUidlist(
  dir: string, header: UidlistHeader, nextUid: number, drop: (uid: number) => boolean,
  added: Iterable<UidlistRecord>, mode: number,
): void {
  const kept: UidlistRecord[] = [];
  replaceFile(dir, mode, (w) => {
    w.add(headerLine({ ...header, version: 3, nextUid: Math.max(header.nextUid, nextUid) }));
    readUidlist(dir, (r) => {
      if (!drop(r.uid)) kept.push(r);
      if (kept.length >= 4096) for (const k of kept.splice(0)) w.add(recordLine(k.uid, k.base, k.ext));
    });
    for (const k of kept) w.add(recordLine(k.uid, k.base, k.ext));
    for (const r of added) w.add(recordLine(r.uid, r.base, r.ext));
  });
}

/** Appends records to a version 3 uidlist that ends with a complete line, and flushes. */
export function appendUidlist(dir: string, records: Iterable<UidlistRecord>): void {
  const fd = fs.openSync(path.join(dir, UIDLIST_FILE), fs.constants.O_WRONLY | fs.constants.O_APPEND);
  try {
    const w = new LineWriter(fd);
    for (const r of records) w.add(recordLine(r.uid, r.base, r.ext));
    w.flush();
    fs.fdatasyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
