// Internal dates as c-client parses and prints them (formats-flat.md 1.3).

/** An instant plus the zone it was recorded in, as IMAP's INTERNALDATE keeps it. */
export interface MailDate {
  /** Milliseconds since the epoch (UTC). */
  readonly ms: number;
  /** Zone offset in minutes east of UTC (-0800 is -480). */
  readonly zone: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_UC = MONTHS.map((m) => m.toUpperCase());
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const BASE_YEAR = 1970;
/** c-client keeps the year in a 7-bit field counted from 1970. */
const MAX_YEAR = BASE_YEAR + 127;

/** Zone names c-client knows; any other name means the machine's current offset. */
const ZONES: Readonly<Record<string, number>> = {
  UT: 0, UTC: 0, GMT: 0, Z: 0,
  MET: 60, EET: 120, JST: 540,
  ADT: -180, AST: -240, EDT: -240, EST: -300, CDT: -300, CST: -360, MDT: -360,
  MST: -420, PDT: -420, PST: -480, YDT: -480, YST: -540, HST: -600,
  // military zones: A-I and K-M east, N-Y west
  A: 60, B: 120, C: 180, D: 240, E: 300, F: 360, G: 420, H: 480, I: 540, K: 600, L: 660, M: 720,
  N: -60, O: -120, P: -180, Q: -240, R: -300, S: -360, T: -420, U: -480, V: -540, W: -600,
  X: -660, Y: -720,
};

/** The machine's offset from UTC right now, in minutes east (what c-client uses for unknown zones). */
export function currentLocalZone(now: Date = new Date()): number {
  return -now.getTimezoneOffset() || 0; // never -0, so that dates compare equal
}

/** The wall-clock fields of a date in its own zone. */
function wallClock(d: MailDate): { y: number; mo: number; day: number; h: number; mi: number; s: number; wd: number } {
  const w = new Date(d.ms + d.zone * 60_000);
  return {
    y: w.getUTCFullYear(), mo: w.getUTCMonth(), day: w.getUTCDate(),
    h: w.getUTCHours(), mi: w.getUTCMinutes(), s: w.getUTCSeconds(), wd: w.getUTCDay(),
  };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function zoneText(zone: number): string {
  const a = Math.abs(zone);
  return `${zone < 0 ? '-' : '+'}${pad2(Math.floor(a / 60))}${pad2(a % 60)}`;
}

/** IMAP internal date with a space-padded day: ` 7-May-2001 20:54:30 -0700` (26 bytes). */
export function formatInternalDate(d: MailDate): string {
  const c = wallClock(d);
  return `${String(c.day).padStart(2, ' ')}-${MONTHS[c.mo]}-${c.y} ${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)} ${zoneText(d.zone)}`;
}

/** ctime with a zone, as c-client writes From_ lines: `Mon May  7 20:54:30 2001 -0700`. */
export function formatCtimeWithZone(d: MailDate): string {
  return `${formatCtime(d)} ${zoneText(d.zone)}`;
}

/** ctime without a zone (`%.24s` of ctime): `Thu Nov  5 01:02:03 2026`, wall clock in d's zone. */
export function formatCtime(d: MailDate): string {
  const c = wallClock(d);
  return `${WEEKDAYS[c.wd]} ${MONTHS[c.mo]} ${String(c.day).padStart(2, ' ')} ${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)} ${c.y}`;
}

/** RFC 822 date without a weekday, as in c-client's pseudo-message: `05 Nov 2026 01:02:03 +0000`. */
export function formatRfc822Date(d: MailDate): string {
  const c = wallClock(d);
  return `${pad2(c.day)} ${MONTHS[c.mo]} ${c.y} ${pad2(c.h)}:${pad2(c.mi)}:${pad2(c.s)} ${zoneText(d.zone)}`;
}

/** The current time in the machine's zone. */
export function localNow(now: Date = new Date()): MailDate {
  return { ms: now.getTime(), zone: currentLocalZone(now) };
}

/** strtoul on a string: optional leading white space, digits; returns the value and where it stopped. */
function readNumber(s: string, i: number): { n: number; end: number } {
  let j = i;
  while (j < s.length && ' \t\n\v\f\r'.includes(s[j]!)) j++;
  const start = j;
  while (j < s.length && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
  if (j === start) return { n: 0, end: i };
  return { n: Number(s.slice(start, j)), end: j };
}

const isAlpha = (ch: string | undefined): boolean => ch !== undefined && /[A-Za-z]/.test(ch);
const isDigit = (ch: string | undefined): boolean => ch !== undefined && ch >= '0' && ch <= '9';

/**
 * c-client's mail_parse_date: `dd-mmm-yyyy hh:mm:ss +zzzz` and its relatives
 * (optional weekday, `dd mmm yyyy`, full month names, `mm/dd/yy`, ISO 8601,
 * seconds optional, numeric or named zone). Returns undefined where c-client
 * refuses the date. Unknown or missing zones take `localZone`.
 */
export function parseCClientDate(input: string, localZone: number = currentLocalZone()): MailDate | undefined {
  if (!input || input.length >= 16384) return undefined;
  const s = input.toUpperCase();
  let i = 0;
  if (isAlpha(s[0]) && isAlpha(s[1]) && isAlpha(s[2]) && s[3] === ',' && s[4] === ' ') i = 5;
  while (s[i] === ' ') i++;
  let r = readNumber(s, i);
  let m = r.n;
  i = r.end;
  if (!m) return undefined;
  let d = 0;
  let y = 0;
  switch (s[i]) {
    case '/': {
      if (!isDigit(s[i + 1])) return undefined;
      r = readNumber(s, i + 1);
      d = r.n;
      i = r.end;
      if (!d || s[i] !== '/' || !isDigit(s[i + 1])) return undefined;
      r = readNumber(s, i + 1);
      y = r.n;
      i = r.end;
      if (i !== s.length) return undefined;
      break;
    }
    case ' ':
    case '-': {
      if (s[i] === ' ') while (s[i + 1] === ' ') i++;
      if (isDigit(s[i + 1])) {
        // ISO 8601: yyyy-mm-dd, nothing after it
        y = m;
        r = readNumber(s, i + 1);
        m = r.n;
        i = r.end;
        if (!m || s[i] !== '-') return undefined;
        i++;
        r = readNumber(s, i);
        d = r.n;
        i = r.end;
        if (!d || i !== s.length) return undefined;
        break;
      }
      d = m;
      if (s.length - i < 5) return undefined;
      const mon = MONTHS_UC.indexOf(s.slice(i + 1, i + 4));
      if (mon < 0) return undefined;
      m = mon + 1;
      const delim = s[i];
      if (s[i + 4] === delim) i += 5;
      else {
        let j = i + 4;
        while (isAlpha(s[j])) j++;
        if (s[j] !== delim) return undefined;
        i = j + 1;
      }
      while (s[i] === ' ') i++;
      if (isDigit(s[i])) {
        r = readNumber(s, i);
        y = r.n;
        i = r.end;
        if (i === s.length || s[i] === ' ') {
          break;
        }
      }
      // c-client falls through to its compact-ISO case here, which refuses a month-sized number
      return undefined;
    }
    case undefined: {
      // ISO 8601 compact: yyyymmdd
      if (m < BASE_YEAR * 10000) return undefined;
      y = Math.floor(m / 10000);
      const rest = m % 10000;
      d = rest % 100;
      m = Math.floor(rest / 100);
      break;
    }
    default:
      return undefined;
  }
  if (d > 31 || m > 12 || d === 0 || m === 0) return undefined;
  if (y < 49) y += 2000;
  else if (y < 999) y += 1900;
  if (y < BASE_YEAR || y > MAX_YEAR) return undefined;

  let hours = 0;
  let minutes = 0;
  let seconds = 0;
  let zone: number | undefined;
  if (i < s.length) {
    r = readNumber(s, i + 1);
    hours = r.n;
    i = r.end;
    if (s[i] !== ':') return undefined;
    r = readNumber(s, i + 1);
    minutes = r.n;
    i = r.end;
    if (s[i] === ':') {
      r = readNumber(s, i + 1);
      seconds = r.n;
      i = r.end;
    }
    if (hours > 23 || minutes > 59 || seconds > 60) return undefined;
    let symbolic: string | undefined;
    if (s[i] === ' ') {
      while (s[i + 1] === ' ') i++;
      if (!isAlpha(s[i + 1])) {
        i++;
        let west = false;
        if (s[i] === '-' || s[i] === '+') {
          west = s[i] === '-';
          i++;
        }
        zone = 0;
        if (isDigit(s[i]) && isDigit(s[i + 1]) && isDigit(s[i + 2]) && s[i + 2]! < '6' && isDigit(s[i + 3])) {
          zone = Number(s.slice(i, i + 2)) * 60 + Number(s.slice(i + 2, i + 4));
          if (west) zone = -zone;
        }
      } else symbolic = s.slice(i + 1);
    } else if (s[i] === '-') symbolic = s.slice(i + 1);
    if (zone === undefined && symbolic !== undefined) {
      const name = symbolic === '' ? 'Z' : symbolic;
      zone = name.length <= 3 ? ZONES[name] : undefined;
    }
  }
  if (zone === undefined) zone = localZone;
  const ms = Date.UTC(y, m - 1, d, hours, minutes, seconds) - zone * 60_000;
  return { ms, zone: zone || 0 };
}

/** The date c-client reports for an unparseable internal date: the epoch, +0000. */
export const EPOCH_DATE: MailDate = { ms: 0, zone: 0 };

/** Equality of two internal dates: same instant and same zone. */
export function sameMailDate(a: MailDate, b: MailDate): boolean {
  return a.ms === b.ms && a.zone === b.zone;
}

export { MONTHS, WEEKDAYS };
