// Which stored UIDs a survey believes (formats-flat.md 4.4 step 6). c-client wants each
// non-zero UID above the one before it (hidden messages included) and not above the
// header's last UID; at the first that is not, it renumbers the whole rest of the file
// ("Invalid UID ... rebuilding UIDs"). A survey instead keeps the largest set of stored
// UIDs that do obey the rule (a longest strictly increasing run, in file order) and
// marks only the others as invalid, so that a repair renumbers as few messages as it
// can and IMAP clients keep their caches for the rest. A message without a UID is only
// a problem when numbered messages follow it: c-client would give it a UID above theirs.
import { FLAG_EXPUNGED } from '../../mail/flags.js';
import { hex8 } from './header.js';
import type { SurveyedMessages } from './surveyed.js';

export interface UidFinding {
  readonly index: number;
  readonly text: string;
}

/**
 * Marks the messages whose stored UIDs are invalid and says why, in c-client's words where
 * it has them. `bound` is the header's last UID when the header can be trusted.
 */
export function judgeUids(messages: SurveyedMessages, bound: number | undefined): UidFinding[] {
  const kept = longestRisingRun(messages, bound);
  const findings: UidFinding[] = [];
  let msgno = 0;
  let lastKept = -1;
  for (let i = 0; i < messages.count; i++) if (kept[i]) lastKept = i;
  let previous: number | undefined;
  const keptUids = new Map<number, number>();
  for (let i = 0; i < messages.count; i++) {
    const hidden = (messages.status(i) & FLAG_EXPUNGED) !== 0;
    if (!hidden) msgno++;
    const where = hidden ? `the expunged message at ${messages.offset(i)}` : `message ${msgno} (at ${messages.offset(i)})`;
    const uid = messages.uid(i);
    if (kept[i]) {
      keptUids.set(uid, msgno);
      previous = uid;
      continue;
    }
    if (!messages.uidReadable(i)) {
      messages.markUidInvalid(i);
      continue; // the line's own complaint said it
    }
    if (uid === 0) {
      if (i < lastKept) {
        messages.markUidInvalid(i);
        findings.push({ index: i, text: `${cap(where)} has no UID but numbered messages follow it` });
      }
      continue;
    }
    messages.markUidInvalid(i);
    let why: string;
    if (bound !== undefined && uid > bound) why = `above the header's last UID ${hex8(bound)}`;
    else if (keptUids.has(uid)) why = `the same as message ${keptUids.get(uid)}'s`;
    else if (previous !== undefined && uid <= previous) why = `not above the UID before it (${hex8(previous)})`;
    else why = 'above the UIDs of the messages after it';
    findings.push({ index: i, text: `Invalid UID ${hex8(uid)} in ${where}: ${why}` });
  }
  return findings;
}

const cap = (s: string): string => s[0]!.toUpperCase() + s.slice(1);

/**
 * A longest strictly increasing subsequence of the believable stored UIDs (non-zero, readable,
 * not above `bound`), as a mask over the messages; of equally long choices, the one with
 * earlier messages (a duplicated message keeps the first copy's UID).
 */
function longestRisingRun(messages: SurveyedMessages, bound: number | undefined): Uint8Array {
  const n = messages.count;
  // tails[k]: index of the smallest-UID message ending a run of length k + 1
  const tails: number[] = [];
  const parent = new Int32Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const uid = messages.uid(i);
    if (uid === 0 || !messages.uidReadable(i) || (bound !== undefined && uid > bound)) continue;
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (messages.uid(tails[mid]!) < uid) lo = mid + 1;
      else hi = mid;
    }
    if (lo < tails.length && messages.uid(tails[lo]!) === uid) continue; // an earlier message has this UID
    parent[i] = lo > 0 ? tails[lo - 1]! : -1;
    tails[lo] = i;
  }
  const kept = new Uint8Array(n);
  for (let i = tails.length > 0 ? tails[tails.length - 1]! : -1; i >= 0; i = parent[i]!) kept[i] = 1;
  return kept;
}
