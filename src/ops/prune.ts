// prune: delete and expunge the messages that match search criteria
// (mailutil.md 4.8). One pass over messages() evaluates the criteria, reading
// a message's text only when a criterion needs it; a store that searches
// itself (an IMAP server: UID SEARCH) is sent the criteria instead, and only a
// dry run then reads messages, for its list. Then the matches get \Deleted
// and the mailbox is expunged. As in mailutil, the expunge also
// removes messages that were already \Deleted, unless keepDeleted asks to
// expunge only the matches; and when nothing matches nothing is expunged. A dry
// run opens the mailbox read-only and changes nothing.
import { formatInternalDate } from '../mail/dates.js';
import { ReadOnlyMailbox } from '../errors.js';
import { MessageView, SearchCriteria, type LastMessage } from '../search/index.js';
import { openMailbox } from '../store/index.js';
import type { FormatName, Mailbox, MailboxRef, MessageRecord, StoreContext } from '../store/types.js';
import { noProgress, type ProgressSink } from './progress.js';

export interface PruneOptions {
  /** Say what would go; open the mailbox read-only and change nothing. */
  readonly dryRun?: boolean;
  /** Expunge only the matches; messages already \Deleted stay. */
  readonly keepDeleted?: boolean;
  readonly onProgress?: ProgressSink;
  /** Dry run: each message that would go, in mailbox order. */
  readonly onCandidate?: (candidate: PruneCandidate) => void;
}

/** A message a dry run says would go. */
export interface PruneCandidate {
  readonly uid: number;
  /** IMAP internal date, e.g. `5-Feb-2022 09:19:10 +0000`. */
  readonly internalDate: string;
  /** The From: addresses and the Subject: decoded (empty when missing). */
  readonly from: string;
  readonly subject: string;
  readonly size: number;
  /** False for a message that does not match but goes because it was already \Deleted. */
  readonly matched: boolean;
}

export interface PruneResult {
  /** The name as typed. */
  readonly mailbox: string;
  readonly format: FormatName;
  /** The criteria in IMAP's words. */
  readonly criteria: string;
  /** Messages that matched. */
  readonly matched: number;
  /** UIDs of the matches, in mailbox order. */
  readonly uids: readonly number[];
  /** Messages that did not match but were already \Deleted, and so go too (0 with keepDeleted, or without a match). */
  readonly alsoDeleted: number;
  /** Messages removed (a dry run: that would be removed). */
  readonly purged: number;
  readonly dryRun: boolean;
  readonly keepDeleted: boolean;
}

export async function pruneMailbox(
  ref: MailboxRef, criteria: SearchCriteria, ctx: StoreContext, options: PruneOptions = {},
): Promise<PruneResult> {
  const dryRun = options.dryRun ?? false;
  const keepDeleted = options.keepDeleted ?? false;
  const box = await openMailbox(ref, dryRun ? 'read' : 'write', ctx);
  try {
    if (!dryRun && !box.writable) {
      throw new ReadOnlyMailbox(ref.name, `can't prune ${ref.name}: it is read-only (${box.format})`);
    }
    const passOptions = { onProgress: options.onProgress ?? noProgress, candidates: dryRun ? options.onCandidate : undefined, keepDeleted };
    const pass = box.search
      ? await serverSearch(box, box.search.bind(box), criteria, passOptions)
      : await searchPass(box, localMatch(criteria, criteria.needsLast ? await lastMessage(box) : undefined), passOptions);
    const matched = pass.uids.length;
    const alsoDeleted = matched > 0 && !keepDeleted ? pass.deletedOthers : 0;
    const base = {
      mailbox: ref.name, format: box.format, criteria: criteria.toString(), matched, uids: pass.uids,
      alsoDeleted, dryRun, keepDeleted,
    };
    if (matched === 0 || dryRun) return { ...base, purged: matched + alsoDeleted };
    await box.store(pass.uids, { add: { flags: ['\\Deleted'] } });
    const purged = await box.expunge(keepDeleted ? pass.uids : undefined);
    return { ...base, purged };
  } finally {
    await box.close();
  }
}

/** The last message's number and UID, for criteria with `*` (a pass over the index only). */
async function lastMessage(box: Mailbox): Promise<LastMessage> {
  let last: LastMessage = { seq: 0, uid: 0 };
  for await (const m of box.messages()) last = { seq: m.seq, uid: m.uid };
  return last;
}

interface PassOptions {
  readonly onProgress: ProgressSink;
  readonly candidates: ((c: PruneCandidate) => void) | undefined;
  readonly keepDeleted: boolean;
}

interface Pass {
  readonly uids: number[];
  readonly deletedOthers: number;
}

/** Whether a message matches, and its parsed text if that had to be read. */
type Match = (m: MessageRecord) => Promise<{ matched: boolean; view?: MessageView }>;

function localMatch(criteria: SearchCriteria, last: LastMessage | undefined): Match {
  return async (m) => {
    const matched = criteria.matchIndex(m, last);
    if (matched !== undefined) return { matched };
    const view = new MessageView(await m.text());
    return { matched: criteria.matchView(m, view, last), view };
  };
}

const DELETED = SearchCriteria.parse(['deleted']);

/** The store's own search; a dry run still passes over the messages to list them. */
async function serverSearch(
  box: Mailbox, search: (c: SearchCriteria) => Promise<number[]>, criteria: SearchCriteria, options: PassOptions,
): Promise<Pass> {
  const uids = await search(criteria);
  if (options.candidates) {
    const wanted = new Set(uids);
    return searchPass(box, (m) => Promise.resolve({ matched: wanted.has(m.uid) }), options);
  }
  const matched = new Set(uids);
  const deletedOthers = uids.length > 0 ? (await search(DELETED)).filter((u) => !matched.has(u)).length : 0;
  return { uids, deletedOthers };
}

async function searchPass(box: Mailbox, match: Match, options: PassOptions): Promise<Pass> {
  const uids: number[] = [];
  let deletedOthers = 0;
  // a dry run lists the already-deleted messages that go too, but only once something matches
  let waiting: PruneCandidate[] = [];
  let n = 0;
  for await (const m of box.messages()) {
    const { matched, view } = await match(m);
    const deleted = m.flags.includes('\\Deleted');
    if (matched) uids.push(m.uid);
    else if (deleted) deletedOthers++;
    if (options.candidates && (matched || (deleted && !options.keepDeleted))) {
      const candidate = await candidateOf(m, view, matched);
      if (matched) {
        for (const w of waiting) options.candidates(w);
        waiting = [];
        options.candidates(candidate);
      } else if (uids.length > 0) options.candidates(candidate);
      else waiting.push(candidate);
    }
    if ((++n & 1023) === 0) options.onProgress({ phase: 'prune', messages: n, bytes: m.position, totalBytes: box.byteSize });
  }
  return { uids, deletedOthers };
}

async function candidateOf(m: MessageRecord, view: MessageView | undefined, matched: boolean): Promise<PruneCandidate> {
  const v = view ?? new MessageView(await m.text());
  return {
    uid: m.uid,
    internalDate: formatInternalDate(m.internalDate).trim(),
    from: printable(v.addressText('FROM') ?? ''),
    subject: printable(v.decodedField('SUBJECT') ?? ''),
    size: m.size,
    matched,
  };
}

/** A header's text made safe for a terminal: control characters (escape sequences included) become U+FFFD. */
function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f-\x9f]/g, '\ufffd').trim();
}

/** mailutil's line: `N message(s) purged`, or `No matching messages, so nothing purged`. */
export function pruneLine(r: PruneResult): string {
  if (r.dryRun) {
    if (r.matched === 0) return 'dry run: no matching messages, so nothing would be purged';
    const also = r.alsoDeleted > 0 ? `, ${r.alsoDeleted} already marked deleted` : '';
    return `dry run: ${r.purged} message(s) would be purged (${r.matched} matching${also}); nothing changed`;
  }
  return r.matched === 0 ? 'No matching messages, so nothing purged' : `${r.purged} message(s) purged`;
}

const FROM_WIDTH = 30;

function fit(text: string, width: number): string {
  const chars = [...text];
  return (chars.length > width ? `${chars.slice(0, width - 3).join('')}...` : text).padEnd(width);
}

/** The dry run's column headings, over candidateLine's columns. */
export const CANDIDATE_HEADINGS = `${'UID'.padStart(8)}  ${'DATE'.padEnd(26)}  ${'SIZE'.padStart(9)}  ${'FROM'.padEnd(FROM_WIDTH)}  SUBJECT`;

/** One message a dry run would remove: UID, internal date, size, From, Subject. */
export function candidateLine(c: PruneCandidate): string {
  const note = c.matched ? '' : '  [already marked deleted]';
  return `${String(c.uid).padStart(8)}  ${c.internalDate.padEnd(26)}  ${String(c.size).padStart(9)}  ${fit(c.from, FROM_WIDTH)}  ${c.subject}${note}`;
}
