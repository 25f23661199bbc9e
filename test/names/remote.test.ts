// Remote names {host[:port][/switch...]}mailbox (naming.md 8.1, 8.2).
import { describe, expect, it } from 'vitest';
import { BadName } from '../../src/errors.js';
import { parseRemoteName, resolveName, type NameContext, type RemoteFlags } from '../../src/names/index.js';

const NO_FLAGS: RemoteFlags = {
  ssl: false, tls: false, notls: false, tryssl: false, novalidateCert: false, readonly: false,
  anonymous: false, secure: false, debug: false, loser: false, norsh: false,
};

const ctx: NameContext = { home: '/nonexistent-home', user: 'someone', spoolDir: '/var/mail', restrict: true };

describe('remote names that parse', () => {
  const cases: Array<[string, Record<string, unknown>]> = [
    ['{imap.example.com}INBOX', { host: 'imap.example.com', service: 'imap', mailbox: 'INBOX', flags: NO_FLAGS }],
    ['{h}', { host: 'h', mailbox: 'INBOX' }],
    ['{[127.0.0.1]:14143}', { host: '[127.0.0.1]', port: 14143, mailbox: 'INBOX' }],
    ['{[127.0.0.1]}x', { host: '[127.0.0.1]', mailbox: 'x' }],
    ['{[::1]/imap}x', { host: '[::1]', service: 'imap' }],
    ['{h:1}x', { port: 1 }],
    ['{h:65535}x', { port: 65535 }],
    ['{h/imap:993}x', { port: 993, service: 'imap' }],
    ['{h/user="a/b"}x', { user: 'a/b', mailbox: 'x' }],
    ['{h/user="a\\"b\\\\c"}x', { user: 'a"b\\c' }],
    ['{h/user="a}b"}x', { user: 'a}b', mailbox: 'x' }],
    ['{h/user=alice/authuser=admin}x', { user: 'alice', authuser: 'admin' }],
    ['{h/user=alice:143}x', { user: 'alice', port: 143 }],
    ['{h/USER=Alice}x', { user: 'Alice' }],
    ['{h/service=POP3}', { service: 'pop3' }],
    ['{h/service=nntp}comp.mail.misc', { service: 'nntp', mailbox: 'comp.mail.misc' }],
    ['{h/pop3/ssl/user=alice}', { service: 'pop3', flags: { ...NO_FLAGS, ssl: true, notls: true }, user: 'alice' }],
    ['{h/POP}', { service: 'pop3' }],
    ['{h/nntp}x', { service: 'nntp' }],
    ['{h/imap2}x', { service: 'imap' }],
    ['{h/imap2bis}x', { service: 'imap' }],
    ['{h/imap4}x', { service: 'imap' }],
    ['{h/IMAP4rev1}x', { service: 'imap' }],
    ['{h/tls}x', { flags: { ...NO_FLAGS, tls: true } }],
    ['{h/tls-sslv23}x', { flags: { ...NO_FLAGS, tls: true } }],
    ['{h/notls}x', { flags: { ...NO_FLAGS, notls: true } }],
    ['{h/notls/ssl}x', { flags: { ...NO_FLAGS, ssl: true, notls: true } }],
    ['{h/ssl/notls}x', { flags: { ...NO_FLAGS, ssl: true, notls: true } }],
    ['{h/tryssl/novalidate-cert/validate-cert}x', { flags: { ...NO_FLAGS, tryssl: true, novalidateCert: true } }],
    ['{h/readonly/anonymous/secure/debug/loser/norsh}x', {
      flags: { ...NO_FLAGS, readonly: true, anonymous: true, secure: true, debug: true, loser: true, norsh: true },
    }],
    ['{h/imap/norsh}x', { service: 'imap', flags: { ...NO_FLAGS, norsh: true } }],
    ['{h/debug/debug}x', { flags: { ...NO_FLAGS, debug: true } }],
    ['{h/ReadOnly}x', { flags: { ...NO_FLAGS, readonly: true } }],
    ['{h}a/b c', { mailbox: 'a/b c' }],
    ['{h}x}y', { mailbox: 'x}y' }],
  ];
  it.each(cases)('%s', (name, expected) => {
    const ref = parseRemoteName(name);
    expect(ref).toMatchObject({ kind: 'remote', name, ...expected });
  });

  it('leave out the port, user and authuser when the name does not give them', () => {
    const ref = parseRemoteName('{h}x');
    expect(ref).not.toHaveProperty('port');
    expect(ref).not.toHaveProperty('user');
    expect(ref).not.toHaveProperty('authuser');
  });

  it('accept the longest host, user, service and mailbox c-client accepts', () => {
    expect(parseRemoteName(`{${'h'.repeat(255)}}`).host).toHaveLength(255);
    expect(parseRemoteName(`{h/user=${'u'.repeat(64)}}`).user).toHaveLength(64);
    expect(parseRemoteName(`{h/authuser=${'u'.repeat(64)}}`).authuser).toHaveLength(64);
    expect(parseRemoteName(`{h}${'m'.repeat(255)}`).mailbox).toHaveLength(255);
  });
});

describe('remote names that are refused', () => {
  const cases: Array<[string, string]> = [
    ['{h', 'no closing }'],
    ['{h/imap', 'no closing }'],
    ['{}x', 'no host name'],
    [':{', 'a remote name starts with {'],
    ['{[127.0.0.1}x', 'unterminated [address literal]'],
    ['{[127.0.0.1', 'unterminated [address literal]'],
    ['{[]}x', 'empty [address literal]'],
    ['{[127.0.0.1]x}y', 'unexpected "x" after [127.0.0.1]'],
    [`{${'h'.repeat(256)}}`, 'host name longer than 255 bytes'],
    ['{h:0}x', 'port must be a number from 1 to 65535'],
    ['{h:65536}x', 'port must be a number from 1 to 65535'],
    ['{h:}x', 'port must be a number from 1 to 65535'],
    ['{h:abc}x', 'port must be a number from 1 to 65535'],
    ['{h:143:143}x', 'port given twice'],
    ['{h:143/imap:993}x', 'port given twice'],
    ['{h:143x}y', 'unexpected "x" where /switch, :port or } should be'],
    ['{h/user="a"b}x', 'unexpected "b" where /switch, :port or } should be'],
    ['{h/}x', 'empty switch'],
    ['{h/bogus}x', 'unknown switch /bogus'],
    ['{h/Bogus=1}x', 'unknown switch /Bogus'],
    ['{h/constructor}x', 'unknown switch /constructor'],
    ['{h/ssl=yes}x', '/ssl takes no value'],
    ['{h/imap=yes}x', '/imap takes no value'],
    ['{h/tls/notls}x', '/notls conflicts with /tls'],
    ['{h/notls/tls}x', '/tls conflicts with /notls'],
    ['{h/ssl/tls}x', '/tls conflicts with /ssl'],
    ['{h/tls/ssl}x', '/ssl conflicts with /tls'],
    ['{h/notls/tls-sslv23}x', '/tls-sslv23 conflicts with /notls'],
    ['{h/pop3/norsh}x', '/norsh applies to IMAP only'],
    ['{h/norsh/nntp}x', '/norsh applies to IMAP only'],
    ['{h/user=a/user=b}x', '/user given twice'],
    ['{h/authuser=a/authuser=b}x', '/authuser given twice'],
    ['{h/user=}x', 'empty value for /user'],
    ['{h/user=""}x', 'empty value for /user'],
    ['{h/user="abc}', 'unterminated quoted value of /user'],
    ['{h/user="abc\\', 'unterminated quoted value of /user'],
    [`{h/user=${'u'.repeat(65)}}x`, '/user value longer than 64 bytes'],
    [`{h/authuser=${'u'.repeat(65)}}x`, '/authuser value longer than 64 bytes'],
    ['{h/service=smtp}x', 'smtp sends mail, it holds no mailboxes'],
    ['{h/submit}x', '/submit: submit sends mail, it holds no mailboxes'],
    ['{h/smtp}x', '/smtp: smtp sends mail, it holds no mailboxes'],
    ['{h/service=imap4}x', 'unknown service imap4 (known: imap, pop3, nntp)'],
    [`{h/service=${'x'.repeat(21)}}x`, `unknown service ${'x'.repeat(21)} (known: imap, pop3, nntp)`],
    ['{h/imap/pop3}x', 'more than one service given'],
    ['{h/imap/service=imap}x', 'more than one service given'],
    ['{h/service=pop3/imap}x', 'more than one service given'],
    [`{h}${'m'.repeat(256)}`, 'mailbox name longer than 255 bytes'],
  ];
  it.each(cases)('%s: %s', (name, reason) => {
    expect(() => parseRemoteName(name)).toThrow(new BadName(`invalid remote specification: ${name} (${reason})`));
  });

  it('exit with status 2', () => {
    try {
      parseRemoteName('{h:0}x');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BadName);
      expect((e as BadName).exitCode).toBe(2);
    }
  });
});

describe('remote names through resolveName', () => {
  it('parse a remote name for opening, whatever the local context', () => {
    expect(resolveName('{h/user=alice}caf\u00e9', ctx, 'open')).toMatchObject({ kind: 'remote', mailbox: 'caf\u00e9' });
  });

  it('check modified UTF-7 in the mailbox part on create, naming the whole name', () => {
    expect(resolveName('{h}caf&AOk-', ctx, 'create')).toMatchObject({ kind: 'remote', mailbox: 'caf&AOk-' });
    expect(() => resolveName('{h}caf\u00e9', ctx, 'create'))
      .toThrow(new BadName('mailbox names must be 7-bit: {h}caf\u00e9 (use modified UTF-7, e.g. caf&AOk- for café)'));
  });

  it('let a user name hold an & on create (only the mailbox part is UTF-7)', () => {
    expect(resolveName('{h/user=a&b}x', ctx, 'create')).toMatchObject({ user: 'a&b' });
  });

  it('refuse CR and LF in remote names', () => {
    expect(() => resolveName('{h}a\nb', ctx, 'open')).toThrow(BadName);
  });
});
