// .mixindex (formats-dir.md 2.5): a sequence line, then one record per
// message, `:uid:date:size:file:pos:hoff:hsiz:`, checked field by field as
// c-client's mix_parse checks them, with its texts.
import { promises as fsp } from 'node:fs';
import { fstat } from '../../io/fd.js';
import { formatIndexDate, parseIndexDate } from './dates.js';
import { MixDamage } from './damage.js';
import { dataFilePath, INDEX_FILE } from './names.js';
import { hex8, isHexCode, strtoulHex } from './numbers.js';
import { RecordReader } from './records.js';
import { MessageTable, type MixMessage } from './table.js';

/** Length of the sequence line, `S<hex8>CRLF`. */
export const SEQUENCE_LINE = 11;

/**
 * The first record of .mixindex, .mixstatus or .mixsortcache: `S` and a hex value, nothing else.
 * An empty file is sequence 1; undefined when the record is bad (c-client's mix_read_sequence).
 */
export async function readSequence(reader: RecordReader): Promise<number | undefined> {
  const r = await reader.next('sequence');
  if (!r) return 1;
  if (r.text[0] !== 'S' || !isHexCode(r.text.charCodeAt(1))) return undefined;
  const { value, end } = strtoulHex(r.text, 1);
  return end === r.text.length && value !== 0 ? value : undefined;
}

export interface IndexContents {
  readonly seq: number;
  /** Messages with their static data; flags come from .mixstatus. */
  readonly table: MessageTable;
  /** The last UID, raised when the index holds a larger one. */
  readonly uidLast: number;
}

export interface IndexContext {
  readonly dir: string;
  /** The index sequence this session saw last: a smaller one is damage. */
  readonly previousSeq: number;
  readonly uidLast: number;
  readonly warn: (text: string) => void;
}

const shortMessage = (msgno: number, uid: number, by: number, have: number, need: number): string =>
  `message ${msgno} (UID=${hex8(uid)}) truncated by ${by} byte(s) (${have} < ${need})`;

/** Reads the whole index from `fd` (locked by the caller). */
export async function readIndex(fd: number, ctx: IndexContext): Promise<IndexContents> {
  const reader = new RecordReader(fd, INDEX_FILE, ctx.warn);
  const seq = await readSequence(reader);
  if (seq === undefined || seq < ctx.previousSeq) {
    throw new MixDamage(INDEX_FILE, 0, 'Error in mix index file sequence record');
  }
  // one record is 77 bytes: room for all of them at once, without growing
  const table = new MessageTable(Math.floor(Number((await fstat(fd)).size) / 77) + 1);
  let uidLast = ctx.uidLast;
  const fileSizes = new Map<number, number>();
  let curFile = -1;
  let curFileSize = 0;
  let curPos = 0;
  for (let r = await reader.next('index'); r; r = await reader.next('index')) {
    const m = parseRecord(r.text, r.offset);
    if (m.uid > uidLast) {
      // c-client raises the last UID (read-write) or refuses the mailbox (read-only); mailsmith
      // raises it in memory and writes it with its next change
      ctx.warn(`mix index invalid UID (${hex8(m.uid)} < ${hex8(uidLast)})`);
      uidLast = m.uid;
    }
    const prev = table.lastUid();
    // c-client takes a first reading's records in any order and only checks the order on
    // later readings; mailsmith finds messages by UID, so it needs them ascending every time
    if (table.count > 0 && m.uid <= prev) {
      throw new MixDamage(INDEX_FILE, r.offset, `mix index UID mismatch (${m.uid.toString(16)} < ${prev.toString(16)})`);
    }
    const msgno = table.count + 1;
    if (m.file === curFile) {
      if (m.pos < curPos) {
        ctx.warn(shortMessage(msgno - 1, prev, curPos - m.pos, m.pos, curPos));
      }
    } else {
      curFile = m.file;
      let size = fileSizes.get(m.file);
      if (size === undefined) {
        const p = dataFilePath(ctx.dir, m.file);
        try {
          size = (await fsp.stat(p)).size;
        } catch {
          throw new MixDamage(INDEX_FILE, r.offset, `Missing mix data file: ${p}`);
        }
        fileSizes.set(m.file, size);
      }
      curFileSize = size;
    }
    curPos = m.pos + m.hoff + m.size;
    if (curFileSize < curPos) ctx.warn(shortMessage(msgno, m.uid, curPos - curFileSize, curFileSize, curPos));
    table.push(m);
  }
  return { seq, table, uidLast };
}

/**
 * One record, or c-client's complaint: `Error in FIELD in mix index file: REST`, where REST is the
 * line from where c-client's parse stopped (it advances past one character even when the check
 * fails), or `Unknown record in mix index file: LINE`.
 */
function parseRecord(line: string, offset: number): MixMessage {
  if (line[0] !== ':') throw new MixDamage(INDEX_FILE, offset, `Unknown record in mix index file: ${line.slice(0, 500)}`);
  const fail = (field: string, at: number): MixDamage =>
    new MixDamage(INDEX_FILE, offset, `Error in ${field} in mix index file: ${line.slice(at, at + 500)}`);
  const hexField = (at: number): { value: number; end: number } | undefined =>
    isHexCode(line.charCodeAt(at)) ? strtoulHex(line, at) : undefined;
  const uid = hexField(1);
  if (!uid || uid.value === 0) throw fail('UID', 1);
  const t = uid.end + 1;
  const date = line[uid.end] === ':' ? parseIndexDate(line, t) : undefined;
  if (!date) throw fail('internaldate', 1);
  let s = t + 19;
  if (line[s] !== ':') throw fail('size', s);
  const size = hexField(++s);
  if (!size) throw fail('size', s);
  const fields: number[] = [];
  s = size.end;
  for (const field of ['file#', 'message position', 'header position', 'header size']) {
    const v = line[s++] === ':' ? hexField(s) : undefined;
    if (!v) throw fail(field, s);
    fields.push(v.value);
    s = v.end;
  }
  if (line[s++] !== ':') throw fail('expansion', s);
  const [file, pos, hoff, hsiz] = fields as [number, number, number, number];
  return { uid: uid.value, date, size: size.value, file, pos, hoff, hsiz, keywords: 0, flags: 0, modseq: 0 };
}

export function indexRecord(m: MixMessage): string {
  return `:${hex8(m.uid)}:${formatIndexDate(m.date)}:${hex8(m.size)}:${hex8(m.file)}:${hex8(m.pos)}:${hex8(m.hoff)}:${hex8(m.hsiz)}:\r\n`;
}
