// The rewritten form of a unix mailbox (formats-flat.md 2.9, 2.10): the
// pseudo-message regenerated (or the mailbox data in the first message's
// X-IMAPbase), then every surviving message as its From_ line, its header
// without metadata lines, a fresh padded status block, its text without CRs
// and one LF.
import { CorruptMailbox } from '../../errors.js';
import type { BatchWriter } from './file-io.js';
import { storedLength, type MessageEntry } from './entry.js';
import { declaredKeywords, keywordNames, type KeywordSlots } from './keywords.js';
import { pseudoMessage } from './pseudo.js';
import type { RangeReader } from './range-reader.js';
import { rewriteBlock } from './status-block.js';
import { countByte, filterHeader, withoutCr } from './text.js';

const LF = 0x0a;
const CR = 0x0d;

export interface RewritePlan {
  readonly name: string;
  /** The mailbox keeps its data in a pseudo-message (else in the first message's X-IMAPbase). */
  readonly pseudo: boolean;
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: KeywordSlots;
  readonly host: string;
  readonly now: Date;
}

export interface RewriteResult {
  /** The survivors, with their offsets in the new file. */
  readonly entries: MessageEntry[];
  /** The new file starts with a pseudo-message. */
  readonly pseudo: boolean;
}

/** Writes the new file for the survivors, read in order from src. */
export async function writeRewritten(
  src: RangeReader, out: BatchWriter, survivors: readonly MessageEntry[], plan: RewritePlan,
): Promise<RewriteResult> {
  const names = declaredKeywords(plan.keywords);
  const pseudo = plan.pseudo || survivors.length === 0;
  if (pseudo) {
    await out.put(pseudoMessage({
      uidValidity: plan.uidValidity, uidLast: plan.uidLast, keywords: names, host: plan.host, now: plan.now, messageId: true,
    }));
  }
  const entries: MessageEntry[] = [];
  for (const e of survivors) {
    const data = await src.get(e.start, e.start + storedLength(e));
    if (data.length < storedLength(e)) {
      throw new CorruptMailbox(plan.name, e.start + data.length, `Mailbox shrank while it was being rewritten, aborted`);
    }
    const fromLine = withoutFinalCr(data.subarray(0, e.fromLength));
    const header = withoutEmptyLine(filterHeader(data.subarray(e.fromLength, e.fromLength + e.headerLength), false));
    const block = Buffer.from(rewriteBlock({
      base: pseudo || entries.length > 0 ? undefined : { uidValidity: plan.uidValidity, uidLast: plan.uidLast, keywords: names },
      flags: e.flags,
      // \Recent belongs to the user's mail reader: a rewrite by mailsmith keeps it
      old: !e.recent,
      keywords: keywordNames(plan.keywords, e.keywordMask),
      uid: e.uid,
    }), 'latin1');
    const text = withoutCr(data.subarray(e.fromLength + e.headerLength));
    const start = out.offset;
    await out.put(fromLine);
    await out.put(header);
    await out.put(block);
    await out.put(text);
    await out.put('\n');
    // the LF after the text is the separator, or ends an unterminated last line
    const terminated = text.length === 0 || text[text.length - 1] === LF;
    entries.push({
      ...e,
      start,
      fromLength: fromLine.length,
      headerLength: header.length + block.length,
      textLength: text.length + (terminated ? 0 : 1),
      headerSize: header.length + countByte(header, LF) + 2,
    });
  }
  return { entries, pseudo };
}

/** The From_ line minus one CR before its LF. */
function withoutFinalCr(line: Buffer): Buffer {
  const n = line.length;
  if (n < 2 || line[n - 2] !== CR) return line;
  return Buffer.concat([line.subarray(0, n - 2), line.subarray(n - 1)]);
}

/** The header lines without the empty line that ended them (the status block brings its own). */
function withoutEmptyLine(header: Buffer): Buffer {
  const n = header.length;
  if (n === 0) return header;
  if (n === 1 && header[0] === LF) return header.subarray(0, 0);
  if (header[n - 1] === LF && header[n - 2] === LF) return header.subarray(0, n - 1);
  // a header cut off by the end of the file: end its last line before the status block
  if (header[n - 1] !== LF) return Buffer.concat([header, Buffer.from('\n')]);
  return header;
}
