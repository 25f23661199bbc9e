// Remote names, `{host[:port][/switch...]}mailbox` (naming.md 8.1, 8.2), parsed
// the way c-client's mail_valid_net_parse does, with a reason for every refusal.
import { BadName } from '../errors.js';
import type { RemoteFlags, RemoteRef, RemoteService } from './types.js';

const MAX_HOST_BYTES = 255;
const MAX_PORT = 65535;
/** c-client: user and authuser < NETMAXUSER (65), service < NETMAXSRV (21), mailbox < NETMAXMBX (256). */
const MAX_USER_BYTES = 64;
const MAX_SERVICE_BYTES = 20;
const MAX_MAILBOX_BYTES = 255;

const SERVICE_SWITCHES: ReadonlyMap<string, RemoteService> = new Map([
  ['imap', 'imap'], ['imap2', 'imap'], ['imap2bis', 'imap'], ['imap4', 'imap'], ['imap4rev1', 'imap'],
  ['pop3', 'pop3'], ['pop', 'pop3'],
  ['nntp', 'nntp'],
]);
const SERVICE_NAMES: readonly RemoteService[] = ['imap', 'pop3', 'nntp'];
/** c-client parses these but has no mailbox driver for them. */
const SENDING_SERVICES = new Set(['smtp', 'submit']);

type FlagName = keyof RemoteFlags;
const FLAG_SWITCHES: ReadonlyMap<string, FlagName> = new Map([
  ['anonymous', 'anonymous'], ['debug', 'debug'], ['readonly', 'readonly'], ['secure', 'secure'],
  ['norsh', 'norsh'], ['loser', 'loser'], ['tryssl', 'tryssl'], ['novalidate-cert', 'novalidateCert'],
]);
/** Accepted for compatibility; validation is the default anyway. */
const IGNORED_SWITCHES = new Set(['validate-cert']);
/** Switches that exclude each other (flagSwitch). */
const TLS_SWITCHES = new Set(['tls', 'tls-sslv23', 'notls', 'ssl']);
type ValueSwitch = 'service' | 'user' | 'authuser';
const VALUE_SWITCHES = new Set<string>(['service', 'user', 'authuser']);

class Invalid extends Error {}

function fail(reason: string): never {
  throw new Invalid(reason);
}

function bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Parses a name starting with `{`; throws BadName naming what is wrong. */
export function parseRemoteName(name: string): RemoteRef {
  try {
    return new RemoteParser(name).parse();
  } catch (e) {
    if (e instanceof Invalid) throw new BadName(`invalid remote specification: ${name} (${e.message})`);
    throw e;
  }
}

class RemoteParser {
  private i = 1;
  private port: number | undefined;
  private service: RemoteService | undefined;
  private user: string | undefined;
  private authuser: string | undefined;
  private readonly flags: { -readonly [K in FlagName]: boolean } = {
    ssl: false, tls: false, notls: false, tryssl: false, novalidateCert: false, readonly: false,
    anonymous: false, secure: false, debug: false, loser: false, norsh: false,
  };

  constructor(private readonly s: string) {
    if (!s.startsWith('{')) fail('a remote name starts with {');
  }

  parse(): RemoteRef {
    const host = this.host();
    for (;;) {
      const c = this.s[this.i];
      if (c === '}') break;
      if (c === undefined) fail('no closing }');
      if (c === ':') this.portSpec();
      else if (c === '/') this.switchSpec();
      else fail(`unexpected "${c}" where /switch, :port or } should be`);
    }
    const mailbox = this.s.slice(this.i + 1) || 'INBOX';
    if (bytes(mailbox) > MAX_MAILBOX_BYTES) fail(`mailbox name longer than ${MAX_MAILBOX_BYTES} bytes`);
    const service = this.service ?? 'imap';
    if (this.flags.norsh && service !== 'imap') fail('/norsh applies to IMAP only');
    return {
      kind: 'remote',
      name: this.s,
      host,
      ...(this.port !== undefined ? { port: this.port } : {}),
      service,
      ...(this.user !== undefined ? { user: this.user } : {}),
      ...(this.authuser !== undefined ? { authuser: this.authuser } : {}),
      flags: { ...this.flags },
      mailbox,
    };
  }

  /** A domain name up to the first `/`, `:` or `}`, or an address literal in brackets. */
  private host(): string {
    const s = this.s;
    let end: number;
    if (s[this.i] === '[') {
      const close = s.indexOf(']', this.i);
      const brace = s.indexOf('}', this.i);
      if (close < 0 || (brace >= 0 && brace < close)) fail('unterminated [address literal]');
      if (close === this.i + 1) fail('empty [address literal]');
      end = close + 1;
      if (end < s.length && !'/:}'.includes(s[end]!)) fail(`unexpected "${s[end]}" after ${s.slice(this.i, end)}`);
    } else {
      end = this.i;
      while (end < s.length && !'/:}'.includes(s[end]!)) end++;
    }
    const host = s.slice(this.i, end);
    if (host === '') fail('no host name');
    if (bytes(host) > MAX_HOST_BYTES) fail(`host name longer than ${MAX_HOST_BYTES} bytes`);
    this.i = end;
    return host;
  }

  private portSpec(): void {
    const digits = /^\d*/.exec(this.s.slice(this.i + 1))![0];
    if (this.port !== undefined) fail('port given twice');
    const port = digits === '' ? NaN : Number(digits);
    if (!(port >= 1 && port <= MAX_PORT)) fail(`port must be a number from 1 to ${MAX_PORT}`);
    this.port = port;
    this.i += 1 + digits.length;
  }

  private switchSpec(): void {
    const s = this.s;
    let end = this.i + 1;
    while (end < s.length && !'/:=}'.includes(s[end]!)) end++;
    const typed = s.slice(this.i + 1, end);
    const sw = typed.toLowerCase();
    if (sw === '') fail('empty switch');
    this.i = end;
    if (s[end] === '=') {
      if (!VALUE_SWITCHES.has(sw)) {
        const known = FLAG_SWITCHES.has(sw) || IGNORED_SWITCHES.has(sw) || TLS_SWITCHES.has(sw) || SERVICE_SWITCHES.has(sw);
        fail(known ? `/${typed} takes no value` : `unknown switch /${typed}`);
      }
      this.valueSwitch(sw as ValueSwitch, this.value(typed));
    } else {
      this.flagSwitch(sw, typed);
    }
  }

  /** The value after `=`: up to the next `/`, `:` or `}`, or a quoted string with backslash escapes. */
  private value(sw: string): string {
    const s = this.s;
    let i = this.i + 1;
    let v = '';
    if (s[i] === '"') {
      for (i++; ; i++) {
        const c = s[i];
        if (c === undefined) fail(`unterminated quoted value of /${sw}`);
        if (c === '"') break;
        if (c === '\\') {
          i++;
          if (i >= s.length) fail(`unterminated quoted value of /${sw}`);
        }
        v += s[i];
      }
      i++;
    } else {
      const start = i;
      while (i < s.length && !'/:}'.includes(s[i]!)) i++;
      v = s.slice(start, i);
    }
    if (v === '') fail(`empty value for /${sw}`);
    this.i = i;
    return v;
  }

  private valueSwitch(sw: ValueSwitch, value: string): void {
    if (sw === 'service') {
      const service = value.toLowerCase();
      if (this.service !== undefined) fail('more than one service given');
      if (bytes(service) > MAX_SERVICE_BYTES || !(SERVICE_NAMES as readonly string[]).includes(service)) {
        fail(SENDING_SERVICES.has(service)
          ? `${service} sends mail, it holds no mailboxes`
          : `unknown service ${value} (known: ${SERVICE_NAMES.join(', ')})`);
      }
      this.service = service as RemoteService;
      return;
    }
    if (this[sw] !== undefined) fail(`/${sw} given twice`);
    if (bytes(value) > MAX_USER_BYTES) fail(`/${sw} value longer than ${MAX_USER_BYTES} bytes`);
    this[sw] = value;
  }

  private flagSwitch(sw: string, typed: string): void {
    const f = this.flags;
    switch (sw) {
      case 'tls':
      case 'tls-sslv23':
        if (f.ssl) fail(`/${typed} conflicts with /ssl`);
        if (f.notls) fail(`/${typed} conflicts with /notls`);
        f.tls = true;
        return;
      case 'notls':
        if (f.tls) fail('/notls conflicts with /tls');
        f.notls = true;
        return;
      case 'ssl':
        // /ssl is implicit TLS, which c-client records as /ssl plus /notls.
        if (f.tls) fail('/ssl conflicts with /tls');
        f.ssl = f.notls = true;
        return;
    }
    const flag = FLAG_SWITCHES.get(sw);
    if (flag) {
      f[flag] = true;
      return;
    }
    if (IGNORED_SWITCHES.has(sw)) return;
    const service = SERVICE_SWITCHES.get(sw);
    if (service) {
      if (this.service !== undefined) fail('more than one service given');
      this.service = service;
      return;
    }
    if (SENDING_SERVICES.has(sw)) fail(`/${typed}: ${sw} sends mail, it holds no mailboxes`);
    fail(`unknown switch /${typed}`);
  }
}
