// The folder-internal-data pseudo-message (formats-flat.md 2.6, 3): the hidden
// first message that carries the UID validity, last UID and keyword list. Its
// lines are the same in unix and mmdf; what encloses them is the framing's.
import { formatCtime, formatRfc822Date, localNow } from '../../mail/dates.js';

const PSEUDO_FROM = 'MAILER-DAEMON';
const PSEUDO_NAME = 'Mail System Internal Data';
const PSEUDO_SUBJECT = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA";
/** The four fixed body lines, without a final line end. */
export const PSEUDO_BODY =
  'This text is part of the internal format of your mail folder, and is not\n' +
  'a real message.  It is created automatically by the mail system software.\n' +
  'If deleted, important folder data will be lost, and it will be re-created\n' +
  'with the data reset to initial values.';

export interface PseudoMessageData {
  readonly uidValidity: number;
  readonly uidLast: number;
  readonly keywords: readonly string[];
  readonly host: string;
  readonly now: Date;
  /** A rewrite adds `Message-ID: <NOW@HOST>`; create does not. */
  readonly messageId: boolean;
}

/** c-client's %010lu. */
export function tenDigits(n: number): string {
  return String(n).padStart(10, '0');
}

/**
 * The pseudo-message's From_ line and header, up to and including `Status: RO` and
 * the empty line after it. `date` is the Date: field's value; by default c-client's
 * fixed RFC 822 form in the local zone.
 */
export function pseudoHeader(d: PseudoMessageData, date = formatRfc822Date(localNow(d.now))): string {
  const lines = [
    `From ${PSEUDO_FROM} ${formatCtime(localNow(d.now))}`,
    `Date: ${date}`,
    `From: ${PSEUDO_NAME} <${PSEUDO_FROM}@${d.host}>`,
    `Subject: ${PSEUDO_SUBJECT}`,
  ];
  if (d.messageId) lines.push(`Message-ID: <${Math.floor(d.now.getTime() / 1000)}@${d.host}>`);
  lines.push(`X-IMAP: ${tenDigits(d.uidValidity)} ${tenDigits(d.uidLast)}${d.keywords.map((k) => ` ${k}`).join('')}`, 'Status: RO');
  return `${lines.join('\n')}\n\n`;
}
