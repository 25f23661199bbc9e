// Internal dates as .mixindex and the ":msg:" lines hold them: the local wall
// clock and its zone, `YYYYMMDDhhmmss+hhmm` (formats-dir.md 2.5). The digits
// are kept exactly as read, so that a rewritten index says what the old one
// said even for a date no calendar has.
import type { MailDate } from '../../mail/dates.js';

/** A date as the index holds it: the 14 digits as a number and the zone as (west ? 0x8000 : 0) | hhmm. */
export interface IndexDate {
  readonly digits: number;
  readonly zone: number;
}

const WEST = 0x8000;

const isDigit = (c: number | undefined): boolean => c !== undefined && c >= 48 && c <= 57;

/** The date at `at` in `s` (19 characters), or undefined when c-client would refuse it. */
export function parseIndexDate(s: string, at: number): IndexDate | undefined {
  for (let i = 0; i < 14; i++) if (!isDigit(s.charCodeAt(at + i))) return undefined;
  const sign = s[at + 14];
  if (sign !== '+' && sign !== '-') return undefined;
  for (let i = 15; i < 19; i++) if (!isDigit(s.charCodeAt(at + i))) return undefined;
  return {
    digits: Number(s.slice(at, at + 14)),
    zone: (sign === '-' ? WEST : 0) | Number(s.slice(at + 15, at + 19)),
  };
}

export function formatIndexDate(d: IndexDate): string {
  return `${String(d.digits).padStart(14, '0')}${d.zone & WEST ? '-' : '+'}${String(d.zone & ~WEST).padStart(4, '0')}`;
}

export function toMailDate(d: IndexDate): MailDate {
  const t = String(d.digits).padStart(14, '0');
  const n = (from: number, len: number): number => Number(t.slice(from, from + len));
  const hhmm = d.zone & ~WEST;
  const minutes = Math.floor(hhmm / 100) * 60 + (hhmm % 100);
  const zone = (d.zone & WEST ? -minutes : minutes) || 0;
  const ms = Date.UTC(n(0, 4), n(4, 2) - 1, n(6, 2), n(8, 2), n(10, 2), n(12, 2)) - zone * 60_000;
  return { ms, zone };
}

export function fromMailDate(d: MailDate): IndexDate {
  const w = new Date(d.ms + d.zone * 60_000);
  const digits =
    w.getUTCFullYear() * 1e10 + (w.getUTCMonth() + 1) * 1e8 + w.getUTCDate() * 1e6
    + w.getUTCHours() * 1e4 + w.getUTCMinutes() * 100 + w.getUTCSeconds();
  const a = Math.abs(d.zone);
  return { digits, zone: (d.zone < 0 ? WEST : 0) | (Math.floor(a / 60) * 100 + (a % 60)) };
}
