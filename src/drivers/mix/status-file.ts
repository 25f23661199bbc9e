// .mixstatus (formats-dir.md 2.6): a sequence line, then per message
// `:uid:keywords:flags:modseq:`, read as c-client's mix_parse reads it.
import { MixDamage } from './damage.js';
import { readSequence } from './index-file.js';
import { STATUS_FILE } from './names.js';
import { hex4, hex8, isHexCode, strtoulHex } from './numbers.js';
import { RecordReader } from './records.js';
import type { MessageTable } from './table.js';

/** The flag bits .mixstatus keeps: \Seen \Deleted \Flagged \Answered "old" \Draft (others are ignored). */
export const STATUS_BITS = 0x3f;

export interface StatusContext {
  /** The status sequence this session saw last. */
  readonly previousSeq: number;
  readonly warn: (text: string) => void;
}

/**
 * Reads the status records into the table's messages. A bad sequence line is only a warning
 * (the flags are then not loaded, as in c-client): the result's `damage` says so, and a writer
 * must not rewrite the file from what it did not read.
 */
export async function readStatus(fd: number, table: MessageTable, ctx: StatusContext): Promise<{ seq: number; damage?: MixDamage }> {
  const reader = new RecordReader(fd, STATUS_FILE, ctx.warn);
  const read = await readSequence(reader);
  const seq = read ?? 0;
  if (read === undefined || (seq < ctx.previousSeq && table.count > 0 && seq !== 1)) {
    const text = `Error in mix status sequence record, i=${seq.toString(16)}, seq=${ctx.previousSeq.toString(16)}`;
    ctx.warn(text);
    return { seq: ctx.previousSeq, damage: new MixDamage(STATUS_FILE, 0, text) };
  }
  if (table.count === 0) return { seq };
  let i = 0;
  for (let r = await reader.next('status'); r; r = await reader.next('status')) {
    const rec = parseStatusRecord(r.text);
    if (!rec) {
      // c-client stops at the first bad record and rewrites the file when read-write ("fixing");
      // mailsmith rewrites it with its next change
      ctx.warn(`Error in mix status file message record: ${r.text.slice(0, 80)}`);
      break;
    }
    while (rec.uid > table.uidAt(i) && i < table.count - 1) i++;
    if (rec.uid === table.uidAt(i)) table.setStatus(i, rec.keywords, rec.flags & STATUS_BITS, rec.modseq);
  }
  return { seq };
}

function parseStatusRecord(line: string): { uid: number; keywords: number; flags: number; modseq: number } | undefined {
  if (line[0] !== ':') return undefined;
  const values: number[] = [];
  let s = 1;
  for (let f = 0; f < 4; f++) {
    if (f > 0 && line[s++] !== ':') return undefined;
    if (!isHexCode(line.charCodeAt(s))) return undefined;
    const v = strtoulHex(line, s);
    values.push(v.value);
    s = v.end;
  }
  if (line[s] !== ':') return undefined;
  const [uid, keywords, flags, modseq] = values as [number, number, number, number];
  // c-client keeps the masks in 32-bit fields
  return { uid, keywords: keywords % 2 ** 32, flags: flags % 2 ** 32, modseq };
}

export function statusRecord(uid: number, keywords: number, flags: number, modseq: number): string {
  return `:${hex8(uid)}:${hex8(keywords)}:${hex4(flags)}:${hex8(modseq)}:\r\n`;
}
