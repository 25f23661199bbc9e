// check --verify (--deep): walks a mailbox of any local format and reports its damage
// and the FAQ's classic problems, without changing anything.
//   - Generically, through the store: the mailbox is opened read-only and every message
//     read, text included; what the driver warns about (ctx.warn: c-client's own warnings,
//     such as the UID regime's, FAQ 7.14) and the damage it stops at (CorruptMailbox, with
//     c-client's words and offset) are the findings, and so are texts holding NUL bytes
//     (FAQ 7.34) and, in unix and mmdf files, a FOLDER INTERNAL DATA message showing as an
//     ordinary one (two mailboxes joined into one).
//   - Where a check is cheap: the file's first bytes (verify-head.ts: mail in a file that
//     reads as one plain message, FAQ 7.1 and 7.2; the unix/mmdf mailbox data, FAQ 6.14);
//     and for mbx the driver's damage survey, which unlike a reader goes on past the first
//     damage and lists all of it (FAQ 7.15).
import { CorruptMailbox, MailboxNotFound, NotAMailbox, NotSelectable } from '../errors.js';
import { mbxRepairKit } from '../drivers/mbx/index.js';
import { DEFAULT_CREATE_FORMAT, inspect, openMailbox } from '../store/index.js';
import type { FormatName, Mailbox, MailboxRef, StoreContext } from '../store/types.js';
import type { CheckResult } from './check.js';
import { noProgress, type ProgressSink } from './progress.js';
import { berkeleyMetadata, looksLikeMbx, mailInPlainFile, PSEUDO_SUBJECT, readHead, type HeadFinding } from './verify-head.js';

export type VerifyKind =
  /** the mailbox cannot be read past this point (a reader stops here) */
  | 'damage'
  /** something a reader warns about */
  | 'warning'
  /** UIDs a reader will not believe */
  | 'uid'
  | 'mailbox-data'
  | 'not-a-mailbox'
  | 'nul';

export interface VerifyProblem {
  readonly kind: VerifyKind;
  readonly text: string;
  /** File offset, where the problem has one. */
  readonly offset?: number;
  /** The UW IMAP FAQ entry that explains it. */
  readonly faq?: string;
}

export interface VerifyResult {
  readonly mailbox: string;
  /** The format the mailbox reads as, or null when no driver reads the file. */
  readonly format: FormatName | null;
  readonly healthy: boolean;
  /** Every message could be read: the counts are the mailbox's. */
  readonly complete: boolean;
  /** Recent, unseen and total of the messages read. */
  readonly counts: CheckResult | null;
  readonly problems: readonly VerifyProblem[];
}

/** The order problems are listed in: what stops a reader first. */
const KIND_ORDER: readonly VerifyKind[] = ['not-a-mailbox', 'damage', 'uid', 'warning', 'mailbox-data', 'nul'];

/** Warnings about the surroundings rather than the mailbox (a lock directory's permissions, a writer at work). */
const NOT_ABOUT_THE_MAILBOX = [/^Mailbox vulnerable/, /is being changed by another process/];

/** A reader's warning about the UID regime (FAQ 7.14): c-client's "UID", Dovecot's "UIDs not ordered". */
const ABOUT_UIDS = /\bUIDs?\b|unique identifiers/;

/** Messages with NUL bytes named in a finding, at most. */
const NUL_EXAMPLES = 10;

export async function verifyMailbox(ref: MailboxRef, ctx: StoreContext, onProgress: ProgressSink = noProgress): Promise<VerifyResult> {
  const { ref: local, found } = await inspect(ref, ctx);
  const name = local.name;
  const problems: VerifyProblem[] = [];
  const fromHead = (f: HeadFinding | undefined, kind: VerifyKind): void => {
    if (f) problems.push({ kind, text: f.text, faq: f.faq });
  };
  switch (found.kind) {
    case 'missing':
      throw new MailboxNotFound(name);
    case 'directory':
      throw new NotSelectable(name);
    case 'unknown-file': {
      // c-client reads nothing here (INBOX is never phile): the mailbox looks empty
      const finding = mailInPlainFile(await readHead(local.path), true);
      if (!finding) throw new NotAMailbox(name, `not in a mailbox format mailsmith can read: ${name}`);
      fromHead(finding, 'not-a-mailbox');
      return { mailbox: name, format: null, healthy: false, complete: false, counts: null, problems };
    }
    case 'empty-file':
      return { mailbox: name, format: null, healthy: true, complete: true, counts: count(name, DEFAULT_CREATE_FORMAT, 0, 0, 0), problems };
    case 'mailbox':
      break;
  }
  const format = found.driver.format;
  const head = format === 'phile' || format === 'unix' || format === 'mmdf' ? await readHead(local.path) : undefined;
  // an mbx file whose header block is damaged reads as phile
  const mbxLike = format === 'mbx' || (format === 'phile' && looksLikeMbx(head!));
  if (format === 'phile') fromHead(mailInPlainFile(head!, local.isInbox), 'not-a-mailbox');
  if (format === 'unix' || format === 'mmdf') fromHead(berkeleyMetadata(head!, format), 'mailbox-data');

  const warnings: string[] = [];
  const reading: StoreContext = {
    ...ctx,
    warn: (text) => (NOT_ABOUT_THE_MAILBOX.some((re) => re.test(text)) ? ctx.warn(text) : warnings.push(text)),
  };
  let recent = 0;
  let unseen = 0;
  let total = 0;
  let complete = true;
  const withNul: number[] = [];
  let nulMessages = 0;
  const readerDamage: VerifyProblem[] = [];
  const damaged = (e: unknown): void => {
    if (!(e instanceof CorruptMailbox)) throw e;
    complete = false;
    readerDamage.push({ kind: 'damage', text: e.detail, offset: e.offset });
  };
  const readEvery = async (box: Mailbox): Promise<void> => {
    try {
      for await (const m of box.messages()) {
        total++;
        if (m.recent) recent++;
        if (!m.flags.includes('\\Seen')) unseen++;
        const text = await m.text();
        if (text.includes(0)) {
          nulMessages++;
          if (withNul.length < NUL_EXAMPLES) withNul.push(m.seq);
        }
        // the first message is the head check's (a damaged pseudo-message shows there)
        if ((format === 'unix' || format === 'mmdf') && m.seq > 1 && visiblePseudo(text)) {
          problems.push({
            kind: 'mailbox-data', faq: '6.14',
            text: `message ${m.seq} is a FOLDER INTERNAL DATA message: another mailbox was joined onto this one, or its first message removed by hand`,
          });
        }
        if ((total & 1023) === 0) onProgress({ phase: 'verify', messages: total, bytes: m.position, totalBytes: box.byteSize });
      }
    } catch (e) {
      damaged(e);
    } finally {
      await box.close();
    }
  };
  // some formats (mix) meet their damage when the mailbox is opened: then nothing can be read
  const box = await openMailbox(ref, 'read', reading).catch((e: unknown) => damaged(e));
  if (box) await readEvery(box);
  if (nulMessages > 0) {
    problems.push({
      kind: 'nul', faq: '7.34',
      text: `${nulMessages} message(s) hold NUL bytes, which IMAP does not allow and some clients choke on `
        + `(message${nulMessages === 1 ? '' : 's'} ${withNul.join(', ')}${nulMessages > withNul.length ? ', ...' : ''})`,
    });
  }
  const readerWarnings: VerifyProblem[] = warnings.map((text) => (ABOUT_UIDS.test(text)
    ? { kind: 'uid', text, faq: '7.14' }
    : { kind: 'warning', text, faq: undefined }));
  if (mbxLike) {
    // the survey lists all the damage, where a reader stops at the first: it speaks for both
    const deep = await surveyMbx(local.path, name, ctx);
    problems.push(...deep, ...readerWarnings.filter((w) => w.kind !== 'uid'));
  } else {
    problems.push(...readerDamage, ...readerWarnings);
  }
  const rank = (p: VerifyProblem): number => KIND_ORDER.indexOf(p.kind);
  return {
    mailbox: name, format, healthy: problems.length === 0, complete,
    counts: box ? count(name, format, recent, unseen, total) : null, problems: problems.sort((a, b) => rank(a) - rank(b)),
  };
}

function count(mailbox: string, format: FormatName, recent: number, unseen: number, total: number): CheckResult {
  return { mailbox, format, recent, unseen, total };
}

/** A text whose header says it is c-client's FOLDER INTERNAL DATA message. */
function visiblePseudo(text: Buffer): boolean {
  const end = text.indexOf('\r\n\r\n');
  const header = text.toString('latin1', 0, end < 0 ? Math.min(text.length, 64 << 10) : end);
  return header.startsWith(PSEUDO_SUBJECT) || header.includes(`\r\n${PSEUDO_SUBJECT}`);
}

async function surveyMbx(file: string, name: string, ctx: StoreContext): Promise<VerifyProblem[]> {
  const lock = await mbxRepairKit.lockForSurvey(file, name, ctx.lockTimeoutMs);
  try {
    const survey = await mbxRepairKit.survey(lock.fd, lock.size, name);
    return survey.problems.map((p) => ({
      kind: p.kind === 'uid' ? 'uid' : 'damage',
      text: p.text,
      offset: p.offset,
      faq: p.kind === 'uid' ? '7.14' : '7.15',
    }));
  } finally {
    lock.close();
  }
}
