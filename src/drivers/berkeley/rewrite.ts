// The rewritten form of a unix or mmdf mailbox (formats-flat.md 2.9, 2.10, 3):
// the pseudo-message regenerated (or the mailbox data in the first message's
// X-IMAPbase), then every surviving message as what the framing puts before
// its header, its header without metadata lines, a fresh padded status block,
// its text without CRs, and what the framing puts after it.
import { CorruptMailbox } from '../../errors.js';
import type { StoreContext } from '../../store/types.js';
import type { BatchWriter } from './file-io.js';
import { REWRITE_DROP_HEADER, type FileDialect, type Framing } from './framing.js';
import { storedLength, type MessageEntry } from './entry.js';
import { declaredKeywords, keywordNames, type KeywordSlots } from './keywords.js';
import type { RangeReader } from './range-reader.js';
import { rewriteBlock } from './status-block.js';
import { withoutCr } from '../shared/crlf.js';
import { countByte, filterHeader } from './text.js';

const LF = 0x0a;

export interface RewritePlan {
  readonly name: string;
  /** The mailbox keeps its data in a pseudo-message (else in the first message's X-IMAPbase). */
  readonly pseudo: boolean;
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: KeywordSlots;
  readonly ctx: StoreContext;
  readonly now: Date;
  readonly dialect: FileDialect;
}

export interface RewriteResult {
  /** The survivors, with their offsets in the new file. */
  readonly entries: MessageEntry[];
  /** The new file starts with a pseudo-message. */
  readonly pseudo: boolean;
}

/** Writes the new file for the survivors, read in order from src. */
export async function writeRewritten(
  framing: Framing, src: RangeReader, out: BatchWriter, survivors: readonly MessageEntry[], plan: RewritePlan,
): Promise<RewriteResult> {
  const names = declaredKeywords(plan.keywords);
  const pseudo = plan.pseudo || survivors.length === 0;
  if (pseudo) {
    await out.put(framing.pseudoMessage({
      uidValidity: plan.uidValidity, uidLast: plan.uidLast, keywords: names, host: plan.ctx.host, now: plan.now, messageId: true,
    }));
  }
  const entries: MessageEntry[] = [];
  for (const e of survivors) {
    const data = await src.get(e.start, e.start + storedLength(e));
    if (data.length < storedLength(e)) {
      throw new CorruptMailbox(plan.name, e.start + data.length, `Mailbox shrank while it was being rewritten, aborted`);
    }
    const parts = framing.rewriteParts(
      data.subarray(0, e.fromLength), withoutCr(data.subarray(e.fromLength + e.headerLength)), e, plan.dialect, plan.ctx,
    );
    const header = e.rewrite & REWRITE_DROP_HEADER
      ? Buffer.alloc(0)
      : withoutEmptyLine(filterHeader(data.subarray(e.fromLength, e.fromLength + e.headerLength), false));
    const block = Buffer.from(rewriteBlock({
      base: pseudo || entries.length > 0 ? undefined : { uidValidity: plan.uidValidity, uidLast: plan.uidLast, keywords: names },
      flags: e.flags,
      // \Recent belongs to the user's mail reader: a rewrite by mailsmith keeps it
      old: !e.recent,
      keywords: keywordNames(plan.keywords, e.keywordMask),
      uid: e.uid,
    }), 'latin1');
    const start = out.offset;
    await out.put(parts.lead);
    await out.put(header);
    await out.put(block);
    await out.put(parts.text);
    await out.put(parts.tail);
    entries.push({
      ...e,
      start,
      fromLength: parts.lead.length,
      headerLength: header.length + block.length,
      textLength: parts.text.length + parts.textTail,
      headerSize: header.length + countByte(header, LF) + 2,
      // what the rewrite wrote is c-client's own form
      rewrite: 0,
    });
  }
  return { entries, pseudo };
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
