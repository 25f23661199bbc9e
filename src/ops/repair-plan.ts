// The salvage plan of repair-mbx: from the mbx driver's survey (where every message
// is and what is wrong, src/drivers/mbx/survey.ts) to what the repaired file holds.
//   - Every message the survey found is kept, its text byte for byte (sizes corrected).
//   - Header lines are rewritten only where something in them changes: a damaged line,
//     a corrected size, a new UID, flag bits c-client does not use, keyword bits remapped.
//   - UIDs: the survey marks the stored UIDs that break c-client's rules. Only those
//     messages get new UIDs, above every UID the mailbox has handed out (IMAP never allows
//     a UID to be reused). As UIDs must rise through the file, a message renumbered while
//     messages with kept UIDs follow it moves to the end of the file.
//   - Keywords: a sound header's list stands (bits it names no keyword for are cleared);
//     a damaged header's readable names are kept, and a bit some message has but no
//     readable name covers gets a placeholder name, so that no message silently loses one.
//   - Bytes that are no message, and a damaged header block, are set aside (badmsg files).
import { formatInternalDate, parseCClientDate, type MailDate } from '../mail/dates.js';
import { FLAG_EXPUNGED, FLAG_OLD, SYSTEM_FLAGS, flagsToBits, isValidKeyword } from '../mail/flags.js';
import { mbxRepairKit, type MbxSurvey, type SizeFix } from '../drivers/mbx/index.js';

const KNOWN_STATUS = flagsToBits([...SYSTEM_FLAGS]) | FLAG_OLD | FLAG_EXPUNGED;
const { MAX_KEYWORDS } = mbxRepairKit;

/** A header line written anew. */
export interface NewLine {
  /** The 26-byte internal date; null: the original line's (which is sound). */
  readonly dateText: string | null;
  readonly size: number;
  readonly keywords: number;
  readonly status: number;
  readonly uid: number;
}

/** A byte range of the original file that goes to a badmsg file. */
export interface SetAside {
  readonly offset: number;
  readonly length: number;
  readonly what: 'header' | 'garbage';
}

export interface SalvageAction {
  readonly offset: number;
  readonly text: string;
}

export interface RepairPlan {
  readonly header: { readonly uidValidity: number; readonly uidLast: number; readonly slots: readonly string[]; readonly pid: number | null };
  /** The header block was damaged: it is written anew and its bytes are set aside. */
  readonly headerRebuilt: boolean;
  /** Survey indexes of the messages in the order of the repaired file. */
  readonly order: readonly number[];
  /** New header lines, by survey index; messages not here keep their line byte for byte. */
  readonly lines: ReadonlyMap<number, NewLine>;
  readonly setAside: readonly SetAside[];
  readonly actions: readonly SalvageAction[];
  /** Messages that got a new UID. */
  readonly renumbered: number;
}

/** Reads bytes of the original file (for the Date: header of a message whose line lost its date). */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

export interface PlanContext {
  readonly readAt: ReadAt;
  /** For a UID validity that cannot be read, and the last resort for a lost date. */
  readonly now: Date;
  /** The file's modification time: the date of a message whose date cannot be found otherwise. */
  readonly mtime: Date;
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

export async function planRepair(survey: MbxSurvey, ctx: PlanContext): Promise<RepairPlan> {
  const { messages, header } = survey;
  const actions: SalvageAction[] = [];
  const act = (offset: number, text: string): void => {
    actions.push({ offset, text });
  };
  const headerRebuilt = header.damage !== undefined;

  const { slots, map, lost } = keywordSlots(survey, headerRebuilt);
  for (const [bit, name] of lost.placeholders) act(0, `keyword ${bit + 1} has no readable name in the header block: named ${name}`);
  for (const [bit, count] of lost.cleared) act(0, `keyword ${bit + 1} cleared from ${count} message(s): the header block names no keyword for it`);

  // UIDs: kept where valid; new ones above everything handed out, in file order
  let lastKept = -1;
  let highest = header.uidLast ?? 0;
  for (let i = 0; i < messages.count; i++) {
    if (!messages.uidInvalid(i) && messages.uid(i) !== 0) {
      lastKept = i;
      highest = Math.max(highest, messages.uid(i));
    }
  }
  const stay: number[] = [];
  const moved: number[] = [];
  for (let i = 0; i < messages.count; i++) (messages.uidInvalid(i) && i < lastKept ? moved : stay).push(i);
  const order = [...stay, ...moved];
  let lastNumbered = -1;
  order.forEach((i, k) => {
    if (messages.uidInvalid(i) || messages.uid(i) !== 0) lastNumbered = k;
  });
  const newUid = new Map<number, number>();
  order.forEach((i, k) => {
    const stored = messages.uid(i);
    // a message without a UID keeps none (c-client numbers it) unless numbered ones follow it
    if (messages.uidInvalid(i) || (stored === 0 && k < lastNumbered)) newUid.set(i, ++highest);
  });

  const lines = new Map<number, NewLine>();
  let previousDate: PreviousDate | undefined;
  const movedSet = new Set(moved);
  for (let i = 0; i < messages.count; i++) {
    const offset = messages.offset(i);
    const detail = messages.detail(i);
    const stored = messages.uid(i);
    const uid = newUid.get(i) ?? stored;
    const status = messages.status(i) & KNOWN_STATUS;
    const keywords = remap(messages.keywords(i), map);
    if (status !== messages.status(i)) act(offset, `message at ${offset}: flag bits c-client does not use cleared`);
    if (newUid.has(i)) {
      const was = messages.uidReadable(i) && stored !== 0 ? `UID ${hex8(stored)}` : messages.uidReadable(i) ? 'no UID' : 'an unreadable UID';
      act(offset, `message at ${offset}: ${was} → UID ${hex8(uid)}${movedSet.has(i) ? ', moved to the end of the mailbox' : ''}`);
    }
    if (detail?.sizeFix) {
      const declared = detail.declaredSize === undefined ? 'an unreadable size' : `size ${detail.declaredSize}`;
      act(offset, `message at ${offset}: ${declared} → ${messages.size(i)} (${sizeReason(detail.sizeFix)})`);
    }
    let dateText: string | null = null;
    if (detail?.line) {
      const found = detail.line.date
        ? { date: detail.line.date, from: 'its header line' }
        : await lostDate(survey, i, previousDate, ctx);
      dateText = formatInternalDate(found.date);
      act(offset, `message at ${offset}: header line rewritten (date from ${found.from}`
        + `${detail.line.flagsDamaged ? '; unreadable flag digits read as 0' : ''})`);
    }
    const changed = detail !== undefined || uid !== stored || status !== messages.status(i) || keywords !== messages.keywords(i);
    if (changed) lines.set(i, { dateText, size: messages.size(i), keywords, status, uid });
    if (!detail?.line) previousDate = { offset };
    else if (detail.line.date) previousDate = { offset, date: detail.line.date };
  }

  const setAside: SetAside[] = [];
  if (headerRebuilt && survey.headerLength > 0) {
    setAside.push({ offset: 0, length: survey.headerLength, what: 'header' });
    act(0, `header block written anew (UID validity ${header.uidValidity !== undefined ? 'kept' : 'new'}, `
      + `${slots.length} keyword(s)); its old bytes set aside`);
  }
  for (const g of survey.garbage) setAside.push({ ...g, what: 'garbage' });

  const uidLast = Math.max(highest, header.uidLast ?? 0);
  return {
    header: {
      uidValidity: header.uidValidity ?? Math.floor(ctx.now.getTime() / 1000),
      uidLast,
      slots,
      pid: header.pid,
    },
    headerRebuilt,
    order,
    lines,
    setAside,
    actions: actions.sort((a, b) => a.offset - b.offset),
    renumbered: newUid.size,
  };
}

function sizeReason(fix: SizeFix): string {
  switch (fix) {
    case 'too-large': return 'its text ends at the next internal header';
    case 'too-small': return 'its text runs on to the next internal header';
    case 'past-end': return 'the file ends there: the message was cut short, or its size was too large';
    case 'unreadable': return 'its text ends at the next internal header';
  }
}

/** The keyword list of the repaired file and how old keyword bits map onto it. */
function keywordSlots(survey: MbxSurvey, headerDamaged: boolean): {
  slots: string[];
  map: Int8Array;
  lost: { placeholders: Map<number, string>; cleared: Map<number, number> };
} {
  const { header, messages } = survey;
  const used = new Map<number, number>();
  for (let i = 0; i < messages.count; i++) {
    const mask = messages.keywords(i);
    for (let b = 0; mask !== 0 && b < 32; b++) if ((mask & (1 << b)) !== 0) used.set(b, (used.get(b) ?? 0) + 1);
  }
  const map = new Int8Array(32).fill(-1);
  const slots: string[] = [];
  const placeholders = new Map<number, string>();
  const cleared = new Map<number, number>();
  const taken = new Set(header.slots.filter((s): s is string => s !== undefined).map((s) => s.toLowerCase()));
  for (let b = 0; b < 32; b++) {
    const name = b < MAX_KEYWORDS ? header.slots[b] : undefined;
    if (name !== undefined) map[b] = slots.push(name) - 1;
    else if (used.has(b) && headerDamaged && b < MAX_KEYWORDS) {
      const placeholder = freeName(`$RepairedKeyword${b + 1}`, taken);
      placeholders.set(b, placeholder);
      map[b] = slots.push(placeholder) - 1;
    } else if (used.has(b)) cleared.set(b, used.get(b)!);
  }
  return { slots, map, lost: { placeholders, cleared } };
}

function freeName(base: string, taken: Set<string>): string {
  let name = base;
  for (let n = 2; taken.has(name.toLowerCase()) || !isValidKeyword(name); n++) name = `${base}-${n}`;
  taken.add(name.toLowerCase());
  return name;
}

function remap(mask: number, map: Int8Array): number {
  let out = 0;
  for (let b = 0; mask !== 0 && b < 32; b++) if ((mask & (1 << b)) !== 0 && map[b]! >= 0) out |= 1 << map[b]!;
  return out >>> 0;
}

/** Where the message before has its date: its sound line's first 26 bytes, or the date read from its damaged line. */
interface PreviousDate {
  readonly offset: number;
  readonly date?: MailDate;
}

/** The internal date c-client writes takes the first 26 bytes of a line. */
const DATE_LENGTH = 26;

/**
 * A date for a message whose header line lost it: its own Date: header (the date the sender
 * gave, usually close to the arrival), else the previous message's internal date (mailboxes
 * are mostly in arrival order), else the file's modification time.
 */
async function lostDate(
  survey: MbxSurvey, i: number, previous: PreviousDate | undefined, ctx: PlanContext,
): Promise<{ date: MailDate; from: string }> {
  const { messages } = survey;
  const textStart = messages.offset(i) + messages.lineLength(i);
  const head = await ctx.readAt(textStart, Math.min(messages.size(i), 64 << 10));
  const fromHeader = dateHeader(head);
  if (fromHeader) return { date: fromHeader, from: 'its Date: header' };
  if (previous) {
    const date = previous.date ?? parseCClientDate((await ctx.readAt(previous.offset, DATE_LENGTH)).toString('latin1'));
    if (date) return { date, from: 'the message before it' };
  }
  return { date: { ms: ctx.mtime.getTime() - (ctx.mtime.getTime() % 1000), zone: 0 }, from: "the mailbox file's modification time" };
}

/** The Date: field of a message's header (folded lines joined), as c-client parses it. */
function dateHeader(head: Buffer): MailDate | undefined {
  const text = head.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const header = end < 0 ? text : text.slice(0, end);
  const m = /(?:^|\r\n)date:[ \t]*((?:[^\r]|\r\n[ \t])*)/i.exec(header);
  return m ? parseCClientDate(m[1]!.replace(/\r\n[ \t]+/g, ' ').trim()) : undefined;
}
