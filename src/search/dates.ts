// Dates in search criteria, and the calendar days BEFORE/ON/SINCE and
// SENT* compare. mailutil's date forms are all accepted (spec/mailutil.md
// 6.3): `1-jan-2004`, `01-Jan-2004`, full month names, two- and three-digit
// years as c-client reads them, `1/31/2004`, `2004-01-31`, `20040131`, and,
// quoted, `1 jan 2004`, a leading weekday, a trailing time and zone (ignored).
// Unlike c-client, any year from 1000 to 9999 is a date.
import type { MailDate } from '../mail/dates.js';
import { MONTHS } from '../mail/dates.js';

export interface CalendarDay {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** A number that orders days as the calendar does (day and month are only range-checked, as in c-client). */
export function dayNumber(d: CalendarDay): number {
  return (d.year * 13 + d.month) * 32 + d.day;
}

/** IMAP's date form: `1-Jan-2004`. */
export function formatSearchDate(d: CalendarDay): string {
  return `${d.day}-${MONTHS[d.month - 1]}-${d.year}`;
}

/** The calendar day of an instant in its own zone (an internal date, or a Date: header). */
export function dayOf(d: MailDate): CalendarDay {
  const wall = new Date(d.ms + d.zone * 60_000);
  return { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
}

const MONTH_NAMES = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** What may follow the day: a time, perhaps seconds, perhaps a zone (numeric or a name), perhaps a comment. */
const TIME = /^\s+\d{1,2}:\d{2}(?::\d{2})?(?:\s+(?:[+-]\d{4}|[A-Za-z]{1,5}))?(?:\s*\([^()]*\))?\s*$/;

export function parseSearchDate(input: string): CalendarDay | undefined {
  const s = input.trim().replace(/^(?:sun|mon|tue|wed|thu|fri|sat)[a-z]*,?\s+/i, '');
  let m: RegExpExecArray | null;
  if ((m = /^(\d{1,2})([- ])\s*([A-Za-z]{3,})\s*\2\s*(\d{2,4})(.*)$/s.exec(s))) {
    const [, day, , monthWord, year, rest] = m;
    if (rest !== '' && !TIME.test(rest!)) return undefined;
    const word = monthWord!.toLowerCase();
    const month = MONTH_NAMES.findIndex((name) => name.startsWith(word)) + 1;
    return month > 0 ? checked(expandYear(year!), month, Number(day)) : undefined;
  }
  if ((m = /^(\d{1,2})\/(\d{1,2})\/(\d{2,4})$/.exec(s))) return checked(expandYear(m[3]!), Number(m[1]), Number(m[2]));
  if ((m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s))) return checked(Number(m[1]), Number(m[2]), Number(m[3]));
  if ((m = /^(\d{4})(\d{2})(\d{2})$/.exec(s))) return checked(Number(m[1]), Number(m[2]), Number(m[3]));
  return undefined;
}

/** c-client's years: 0-48 are 2000-2048, 49-998 are 1949-2898, four digits as written. */
function expandYear(digits: string): number {
  const y = Number(digits);
  if (digits.length === 4) return y;
  if (y < 49) return y + 2000;
  return y < 999 ? y + 1900 : y;
}

function checked(year: number, month: number, day: number): CalendarDay | undefined {
  if (year < 1000 || year > 9999 || month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  return { year, month, day };
}
