// A small mailbox whose every message exercises some search keys, with the
// answers worked out by hand in the tests: encoded-word subjects in
// ISO-8859-1, KOI8-R, ISO-2022-JP and UTF-8, bodies in quoted-printable and
// base64 parts, a part that must not be searched, a nested message, groups and
// comments in address fields, a Date: that cannot be read, and internal dates
// whose calendar day depends on their own time zone.
import iconv from 'iconv-lite';
import type { SystemFlag } from '../../src/mail/flags.js';
import type { MailDate, NewMessage } from '../../src/store/types.js';

/** Lines joined with CRLF, strings as UTF-8, Buffers as they are (8-bit text in other charsets). */
export function message(...lines: (string | Buffer)[]): Buffer {
  return Buffer.concat(lines.flatMap((l) => [typeof l === 'string' ? Buffer.from(l, 'utf8') : l, Buffer.from('\r\n')]));
}

const b64 = (b: Buffer | string): string => Buffer.from(b).toString('base64');
const koi8 = (s: string): Buffer => iconv.encode(s, 'koi8-r');
/** テスト and 日本語 in ISO-2022-JP (JIS X 0208 between ESC $ B and ESC ( B). */
const TESUTO_JIS = Buffer.from([0x1b, 0x24, 0x42, 0x25, 0x46, 0x25, 0x39, 0x25, 0x48, 0x1b, 0x28, 0x42]);
const NIHONGO_JIS = Buffer.from([0x1b, 0x24, 0x42, 0x46, 0x7c, 0x4b, 0x5c, 0x38, 0x6c, 0x1b, 0x28, 0x42]);

/** A wall-clock time in a zone (minutes east of UTC). */
export function at(y: number, mo: number, d: number, h: number, mi: number, s: number, zone: number): MailDate {
  return { ms: Date.UTC(y, mo - 1, d, h, mi, s) - zone * 60_000, zone };
}

/** UIDs are ten times the message number, so that a UID set and a message number set differ. */
function entry(uid: number, text: Buffer, internalDate: MailDate, flags: SystemFlag[] = [], keywords: string[] = []): NewMessage {
  return { uid, text, internalDate, flags, keywords };
}

export const SAMPLER_KEYWORDS = ['work', 'Junk'];

export const SAMPLER: readonly NewMessage[] = [
  // 1: ISO-8859-1 encoded word; a personal name that needs quotes; received late on 1 March in -0800
  entry(10, message(
    'From: "Dupont, Jean" <jean@example.fr>',
    'To: alice@example.org',
    'Subject: =?ISO-8859-1?Q?Caf=E9_cr=E8me?=',
    'Date: Mon, 1 Mar 2010 23:30:00 -0800',
    '',
    'bonjour',
  ), at(2010, 3, 1, 23, 30, 0, -480), ['\\Seen']),
  // 2: KOI8-R subject and a base64 KOI8-R body; received just after midnight on 2 March in +0100
  entry(20, message(
    'From: Ivan <ivan@example.ru>',
    'To: Bob <bob@example.org>',
    `Subject: =?KOI8-R?B?${b64(koi8('Привет'))}?=`,
    'Date: Tue, 2 Mar 2010 00:30:00 +0100',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=koi8-r',
    'Content-Transfer-Encoding: base64',
    '',
    b64(koi8('Привет, мир')),
  ), at(2010, 3, 2, 0, 30, 0, 60), ['\\Answered', '\\Flagged']),
  // 3: ISO-2022-JP subject and body; a Date: nobody can read
  entry(30, message(
    'From: Taro <taro@example.jp>',
    'To: alice@example.org',
    `Subject: =?ISO-2022-JP?B?${b64(TESUTO_JIS)}?=`,
    'Date: sometime last week',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=ISO-2022-JP',
    '',
    Buffer.concat([Buffer.from('Nihongo: '), NIHONGO_JIS]),
  ), at(2010, 2, 28, 12, 0, 0, 540), ['\\Draft'], ['work']),
  // 4: multipart: quoted-printable Latin-1 text, an attachment that is never searched, base64 UTF-8 HTML; a group in Cc
  entry(40, message(
    'From: Erin <erin@example.de>',
    'To: alice@example.org',
    'Cc: team: bob@example.org, carol@example.org;',
    'Subject: Greetings',
    'Date: Thu, 1 Jan 2004 00:00:00 +0000',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="=-b1"',
    '',
    'This is the preamble, never searched: preamblesecret',
    '--=-b1',
    'Content-Type: text/plain; charset=iso-8859-1',
    'Content-Transfer-Encoding: quoted-printable',
    '',
    'Gr=FC=DFe aus K=F6ln, ein sehr langer Satz, der weich umbro=',
    'chen wird.',
    '--=-b1',
    'Content-Type: application/octet-stream; name=data.bin',
    'Content-Transfer-Encoding: base64',
    '',
    b64('the secretword is here'),
    '--=-b1',
    'Content-Type: text/html; charset=utf-8',
    'Content-Transfer-Encoding: base64',
    '',
    b64('<p>Zürich meeting</p>'),
    '--=-b1--',
    'epilogue, never searched: epiloguesecret',
  ), at(2004, 1, 1, 0, 0, 0, 0), ['\\Deleted'], ['Junk']),
  // 5: a forwarded message (message/rfc822) with its own header and a base64 body; received late on 31 December in -0500
  entry(50, message(
    'From: Frank <frank@example.org>',
    'To: alice@example.org',
    'Bcc: hidden@example.org',
    'Subject: Fwd: report',
    'Date: Wed, 31 Dec 2003 23:59:59 -0500',
    'X-Mailer: Mutt',
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary=outer',
    '',
    '--outer',
    'Content-Type: text/plain',
    '',
    'See the attached report.',
    '--outer',
    'Content-Type: message/rfc822',
    '',
    'From: inner@example.net',
    'Subject: quarterly numbers',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=us-ascii',
    'Content-Transfer-Encoding: base64',
    '',
    b64('budget figures for the year'),
    '--outer--',
  ), at(2003, 12, 31, 23, 59, 59, -300)),
  // 6: raw UTF-8 in the subject next to a UTF-8 character split across two encoded words; a comment as a name; large
  entry(60, message(
    'From: Grace <grace@example.org>',
    'To: bob@example.org (Bob Builder)',
    'Subject: Grüße =?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=',
    'Date: Mon, 15 Jun 2020 12:00:00 +0530',
    '',
    ...Array.from({ length: 300 }, (_v, i) => `line ${i} of a long message, padding it well past ten thousand octets`),
  ), at(2020, 6, 15, 12, 0, 0, 330)),
];
