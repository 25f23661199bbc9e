// One pass over a mix mailbox's files, as c-client's mix_parse makes it: with
// .mixindex and .mixstatus locked (by the caller, in that order), read the
// metadata, the index and the status; and the in-place rewrite that ends a
// pass that changed something.
import { readFully, fstat } from '../../io/fd.js';
import type { MixDamage } from './damage.js';
import { indexRecord, readIndex, readSequence } from './index-file.js';
import { parseMeta, serializeMeta, type MixMeta } from './meta.js';
import { hex8 } from './numbers.js';
import { extendTo, linesLength, rewriteFile, shrinkTo } from './persist.js';
import { RecordReader } from './records.js';
import { readStatus, statusRecord } from './status-file.js';
import type { MessageTable } from './table.js';

export interface MixState {
  /** With the last UID raised to the largest UID of the index. */
  readonly meta: MixMeta;
  /** The last UID had to be raised: .mixmeta is written with the next change. */
  readonly metaRepair: boolean;
  readonly indexSeq: number;
  readonly statusSeq: number;
  readonly table: MessageTable;
  /** .mixstatus had a bad sequence line: its flags were not read, so it must not be rewritten. */
  readonly statusDamage?: MixDamage;
}

/** What a session saw last, for c-client's "a file's sequence never goes back" checks. */
export interface Seen {
  metaSeq: number;
  indexSeq: number;
  statusSeq: number;
  keywords: readonly string[];
}

export interface Descriptors {
  readonly meta: number;
  readonly index: number;
  readonly status: number;
}

/**
 * Reads the three files. As c-client does, the index and status are read again only when their
 * sequence (or .mixmeta's) differs from the one `cached` was read or written with: every
 * rewrite carries a new one.
 */
export async function loadState(
  dir: string, fds: Descriptors, seen: Seen, warn: (text: string) => void, cached?: MixState,
): Promise<MixState> {
  const size = Number((await fstat(fds.meta)).size);
  const bytes = Buffer.alloc(size);
  await readFully(fds.meta, bytes, 0, size, 0);
  const meta = parseMeta(bytes, { previousSeq: seen.metaSeq, knownKeywords: seen.keywords, warn });
  if (cached && !cached.statusDamage && cached.meta.seq === meta.seq
    && (await peekSequence(fds.index)) === cached.indexSeq && (await peekSequence(fds.status)) === cached.statusSeq) {
    return cached;
  }
  const index = await readIndex(fds.index, { dir, previousSeq: seen.indexSeq, uidLast: meta.uidLast, warn });
  const status = await readStatus(fds.status, index.table, { previousSeq: seen.statusSeq, warn });
  seen.metaSeq = meta.seq;
  seen.indexSeq = index.seq;
  seen.statusSeq = status.seq;
  seen.keywords = meta.keywords;
  return {
    meta: { ...meta, uidLast: index.uidLast },
    metaRepair: index.uidLast !== meta.uidLast,
    indexSeq: index.seq,
    statusSeq: status.seq,
    table: index.table,
    ...(status.damage ? { statusDamage: status.damage } : {}),
  };
}

/** The sequence line alone; undefined if it can't be read (the full read then says why). */
async function peekSequence(fd: number): Promise<number | undefined> {
  try {
    return await readSequence(new RecordReader(fd, '', () => {}, 0));
  } catch {
    return undefined;
  }
}

/** New contents for some of the three files. */
export interface Changes {
  readonly meta?: MixMeta;
  readonly index?: { readonly seq: number; readonly table: MessageTable };
  readonly status?: { readonly seq: number; readonly table: MessageTable };
}

function* indexLines(seq: number, table: MessageTable): Generator<string> {
  yield `S${hex8(seq)}\r\n`;
  for (let i = 0; i < table.count; i++) yield indexRecord(table.get(i));
}

function* statusLines(seq: number, table: MessageTable): Generator<string> {
  yield `S${hex8(seq)}\r\n`;
  for (let i = 0; i < table.count; i++) {
    // c-client gives a message without a status record the file's sequence
    yield statusRecord(table.uidAt(i), table.keywordsAt(i), table.flagsAt(i), table.modseqAt(i) || seq);
  }
}

function* metaLines(meta: MixMeta): Generator<string> {
  yield serializeMeta(meta).toString('latin1');
}

/**
 * Grows every file the changes make longer to its new length (zero bytes), so that a full
 * disk shows before anything is overwritten; on failure every file is as it was.
 */
export async function reserve(fds: Descriptors, changes: Changes): Promise<void> {
  const plans: [number, number][] = [];
  if (changes.meta) plans.push([fds.meta, linesLength(metaLines(changes.meta))]);
  if (changes.index) plans.push([fds.index, linesLength(indexLines(changes.index.seq, changes.index.table))]);
  if (changes.status) plans.push([fds.status, linesLength(statusLines(changes.status.seq, changes.status.table))]);
  const done: [number, number][] = [];
  const undo = async (): Promise<void> => {
    for (const [fd, size] of done) await shrinkTo(fd, size);
  };
  try {
    for (const [fd, length] of plans) {
      const size = Number((await fstat(fd)).size);
      done.push([fd, size]);
      await extendTo(fd, length);
    }
  } catch (e) {
    await undo();
    throw e;
  }
}

/** Rewrites the files in c-client's order: .mixmeta, .mixindex, .mixstatus. */
export async function commit(fds: Descriptors, changes: Changes): Promise<void> {
  if (changes.meta) await rewriteFile(fds.meta, metaLines(changes.meta));
  if (changes.index) await rewriteFile(fds.index, indexLines(changes.index.seq, changes.index.table));
  if (changes.status) {
    const { seq, table } = changes.status;
    await rewriteFile(fds.status, statusLines(seq, table));
    for (let i = 0; i < table.count; i++) {
      if (!table.modseqAt(i)) table.setStatus(i, table.keywordsAt(i), table.flagsAt(i), seq);
    }
  }
}
