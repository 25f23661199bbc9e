// The folder-internal-data pseudo-message (formats-flat.md 2.6): the hidden
// first message that carries the UID validity, last UID and keyword list.
import { formatCtime, formatRfc822Date, localNow } from '../../mail/dates.js';

const PSEUDO_FROM = 'MAILER-DAEMON';
const PSEUDO_NAME = 'Mail System Internal Data';
const PSEUDO_SUBJECT = "DON'T DELETE THIS MESSAGE -- FOLDER INTERNAL DATA";
const PSEUDO_BODY =
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

/** The bytes of the pseudo-message, with its trailing empty line. */
export function pseudoMessage(d: PseudoMessageData): Buffer {
  const local = localNow(d.now);
  const lines = [
    `From ${PSEUDO_FROM} ${formatCtime(local)}`,
    `Date: ${formatRfc822Date(local)}`,
    `From: ${PSEUDO_NAME} <${PSEUDO_FROM}@${d.host}>`,
    `Subject: ${PSEUDO_SUBJECT}`,
  ];
  if (d.messageId) lines.push(`Message-ID: <${Math.floor(d.now.getTime() / 1000)}@${d.host}>`);
  lines.push(
    `X-IMAP: ${tenDigits(d.uidValidity)} ${tenDigits(d.uidLast)}${d.keywords.map((k) => ` ${k}`).join('')}`,
    'Status: RO',
    '',
    PSEUDO_BODY,
    '',
    '',
  );
  return Buffer.from(lines.join('\n'), 'latin1');
}
