// c-client's date parser and printers (formats-flat.md 1.3, mailutil.md 6.3).
import { describe, expect, it } from 'vitest';
import {
  formatCtime, formatCtimeWithZone, formatInternalDate, formatRfc822Date, parseCClientDate, type MailDate,
} from '../../src/mail/dates.js';

const LOCAL = 90; // a made-up machine offset, so that "unknown zone" is visible
const parse = (s: string): MailDate | undefined => parseCClientDate(s, LOCAL);
const shown = (s: string): string | undefined => {
  const d = parse(s);
  return d && formatInternalDate(d);
};

describe('parseCClientDate', () => {
  it.each([
    [' 7-May-2001 20:54:30 -0700', ' 7-May-2001 20:54:30 -0700'],
    ['07-May-2001 20:54:30 -0700', ' 7-May-2001 20:54:30 -0700'],
    ['05-Nov-2026 01:02:03 +0000', ' 5-Nov-2026 01:02:03 +0000'],
    ['Mon, 7 May 2001 20:54:30 -0700', ' 7-May-2001 20:54:30 -0700'],
    ['7 may 2001 20:54 +0530', ' 7-May-2001 20:54:00 +0530'],
    ['1-January-2005', ' 1-Jan-2005 00:00:00 +0130'],
    ['2-Dec-1992 05:53:22-PST', ' 2-Dec-1992 05:53:22 -0800'],
    ['2-Dec-1992 05:53:22 EDT', ' 2-Dec-1992 05:53:22 -0400'],
    ['2-Dec-1992 05:53:22 UT', ' 2-Dec-1992 05:53:22 +0000'],
    ['2-Dec-1992 05:53:22 JST', ' 2-Dec-1992 05:53:22 +0900'],
    ['2-Dec-1992 05:53:22 Z', ' 2-Dec-1992 05:53:22 +0000'],
    ['2-Dec-1992 05:53:22 N', ' 2-Dec-1992 05:53:22 -0100'],
    ['2-Dec-1992 05:53:22-LCL', ' 2-Dec-1992 05:53:22 +0130'],
    ['2-Dec-1992 05:53:22 CEST', ' 2-Dec-1992 05:53:22 +0130'],
    ['2-Dec-1992 05:53:22', ' 2-Dec-1992 05:53:22 +0130'],
    ['1-jan-05', ' 1-Jan-2005 00:00:00 +0130'],
    ['1-jan-48', ' 1-Jan-2048 00:00:00 +0130'],
    ['1-jan-99', ' 1-Jan-1999 00:00:00 +0130'],
    ['1-jan-105', ' 1-Jan-2005 00:00:00 +0130'],
    ['01/02/2005', ' 2-Jan-2005 00:00:00 +0130'],
    ['2005-01-02', ' 2-Jan-2005 00:00:00 +0130'],
    ['20050102', ' 2-Jan-2005 00:00:00 +0130'],
    ['1-jan-2097', ' 1-Jan-2097 00:00:00 +0130'],
  ])('reads %j as %j', (input, expected) => {
    expect(shown(input)).toBe(expected);
  });

  it.each([
    'baddate', '32-jan-2005', '0-jan-2005', '1-foo-2005', '1-jan-1969', '1-jan-49', '1-jan-2098',
    '1-jan-2005 24:00', '1-jan-2005 12:60', '1-jan-2005 12', '2005-01-02 12:00', '', '13/01/2005x',
  ])('refuses %j', (input) => {
    expect(parse(input)).toBeUndefined();
  });

  it('takes a numeric zone with bad digits as +0000, as c-client does', () => {
    expect(shown('2-Dec-1992 05:53:22 +05:30')).toBe(' 2-Dec-1992 05:53:22 +0000');
  });

  it('keeps the instant: the zone shifts the wall clock, not the moment', () => {
    const a = parse(' 7-May-2001 20:54:30 -0700')!;
    const b = parse(' 8-May-2001 03:54:30 +0000')!;
    expect(a.ms).toBe(b.ms);
    expect(a.zone).toBe(-420);
  });
});

describe('date printers', () => {
  const d: MailDate = { ms: Date.UTC(2001, 4, 8, 3, 54, 30), zone: -420 };
  it('print the IMAP internal date with a space-padded day', () => {
    expect(formatInternalDate(d)).toBe(' 7-May-2001 20:54:30 -0700');
  });
  it('print c-client\'s From_ line date with its weekday and zone', () => {
    expect(formatCtimeWithZone(d)).toBe('Mon May  7 20:54:30 2001 -0700');
    expect(formatCtime(d)).toBe('Mon May  7 20:54:30 2001');
  });
  it('print the RFC 822 date of pseudo-messages', () => {
    expect(formatRfc822Date({ ms: Date.UTC(2026, 10, 5, 1, 2, 3), zone: 0 })).toBe('05 Nov 2026 01:02:03 +0000');
  });
});
