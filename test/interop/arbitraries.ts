// fast-check generators for hostile but plausible messages: header lines,
// including names c-client treats as mailbox data in any letter case (and with
// white space before the colon), a name with a NUL in it, and
// text made of pieces that trouble mailbox formats (From_ lines, bare CR,
// CRLF and LF mixed, NUL, 8-bit, long lines, no final line end).
import fc from 'fast-check';
import { SYSTEM_FLAGS, type SystemFlag } from '../../src/mail/flags.js';
import type { MailDate } from '../../src/mail/dates.js';

const HEADER_NAMES = [
  'Subject', 'From', 'To', 'Date', 'Message-ID', 'Received', 'Content-Type', 'X-Mailer', 'X-Original-Status',
  'Status', 'status', 'X-Status', 'x-STATUS', 'X-Keywords', 'x-keywords', 'X-UID', 'x-uid', 'X-IMAP', 'X-IMAPbase', 'x-imapBASE',
  'Status ', 'X-UID\t', 'X-Nul\0Name',
];

const TROUBLE = [
  'From ', 'From user Wed Dec  2 05:53:22 1992', 'From x@y Mon May  7 20:54:30 2001 -0700', '>From ', '>>From ', 'from ',
  '\r', '\r\n', '\n', '\r\r\n', '\n\n', '\0', '\x80', '\xff\xfe', '\xc3\xa9t\xc3\xa9', ' ', '\t',
  'Status: RO', 'X-UID: 7', 'X-IMAP: 1 2', '*mbx*\r\n', ',12;000000000000-00000000', 'x'.repeat(1500),
];

/** Bytes of a piece of text, as latin1 so that every byte value is possible. */
const piece = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TROUBLE) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength: 30 }) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 12 }).map((a) => Buffer.from(a).toString('latin1')) },
);

const lineEnd = fc.constantFrom('\r\n', '\r\n', '\n', '\r\r\n');
const text = (max: number): fc.Arbitrary<string> => fc.array(piece, { maxLength: max }).map((p) => p.join(''));

const headerLine = fc.tuple(fc.constantFrom(...HEADER_NAMES), text(4), lineEnd).map(([n, v, e]) => `${n}: ${v}${e}`);
const bodyLine = fc.tuple(text(6), lineEnd).map(([t, e]) => `${t}${e}`);

/**
 * A message: it starts with a header line (so it is never empty and never
 * starts with a continuation), may have a body, and may end without a line end.
 */
export const messageText: fc.Arbitrary<Buffer> = fc
  .record({
    headers: fc.array(headerLine, { minLength: 1, maxLength: 8 }),
    body: fc.option(fc.tuple(lineEnd, fc.array(bodyLine, { maxLength: 10 })), { nil: undefined }),
    tail: fc.option(text(3), { nil: undefined }),
  })
  .map(({ headers, body, tail }) => Buffer.from(
    headers.join('') + (body ? body[0] + body[1].join('') : '') + (tail ?? ''),
    'latin1',
  ));

/** Whole seconds from 1971 to 2090 (inside c-client's date range in every zone), zones -1200 to +1400. */
export const mailDate: fc.Arbitrary<MailDate> = fc.record({
  ms: fc.integer({ min: Date.UTC(1971, 0, 1) / 1000, max: Date.UTC(2090, 0, 1) / 1000 }).map((s) => s * 1000),
  zone: fc.integer({ min: -720, max: 840 }),
});

export const systemFlags: fc.Arbitrary<SystemFlag[]> = fc.subarray([...SYSTEM_FLAGS]);

export const KEYWORD_POOL = ['work', '$Label1', 'Junk', 'NonJunk', '$Forwarded', 'a', 'x-y.z', 'Q'];
