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
 * not above `bound`), as a mask over the messages. Of equally long choices, the one that keeps
 * the earliest messages: what c-client complains about is then what is renumbered (the
 * message whose UID is not above the one before it; a duplicated message's second copy).
 */
function longestRisingRun(messages: SurveyedMessages, bound: number | undefined): Uint8Array {
  const n = messages.count;
  const believable = (i: number): boolean => {
    const uid = messages.uid(i);
    return uid !== 0 && messages.uidReadable(i) && (bound === undefined || uid <= bound);
  };
  // from the end: the longest rising run that starts at each message. best[k] is the highest
  // UID that starts a run of k + 1 among the messages after (falling with k)
  const startLength = new Uint32Array(n);
  const best: number[] = [];
  for (let i = n - 1; i >= 0; i--) {
    if (!believable(i)) continue;
    const uid = messages.uid(i);
    let lo = 0;
    let hi = best.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (best[mid]! > uid) lo = mid + 1;
      else hi = mid;
    }
    startLength[i] = lo + 1;
    best[lo] = uid;
  }
  // then from the start, the earliest message that can begin the rest of a longest run
  const kept = new Uint8Array(n);
  let need = best.length;
  let previous = 0;
  for (let i = 0; i < n && need > 0; i++) {
    if (startLength[i] === need && messages.uid(i) > previous) {
      kept[i] = 1;
      previous = messages.uid(i);
      need--;
    }
  }
  return kept;
}
