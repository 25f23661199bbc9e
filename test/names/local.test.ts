// Local names (naming.md 1-4, 6): INBOX, relative, absolute, ~, #driver., the
// restrictions, and the modified UTF-7 rules for new names.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BadName } from '../../src/errors.js';
import { resolveName, type LocalRef, type NameContext } from '../../src/names/index.js';
import { passwdHome } from '../../src/names/passwd.js';

let home: string;
let ctx: NameContext;
let restricted: NameContext;

beforeAll(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'names-home-'));
  ctx = { home, user: 'alice', spoolDir: '/var/mail', restrict: false };
  restricted = { ...ctx, restrict: true };
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

function local(name: string, c: NameContext = ctx, purpose: 'open' | 'create' = 'open'): LocalRef {
  const ref = resolveName(name, c, purpose);
  if (ref.kind !== 'local') throw new Error(`expected a local ref for ${name}`);
  return ref;
}

function refusal(name: string, c: NameContext = ctx, purpose: 'open' | 'create' = 'open'): BadName {
  try {
    resolveName(name, c, purpose);
  } catch (e) {
    expect(e).toBeInstanceOf(BadName);
    expect((e as BadName).exitCode).toBe(2);
    return e as BadName;
  }
  throw new Error(`${name} was accepted`);
}

describe('INBOX', () => {
  it.each(['INBOX', 'inbox', 'Inbox', 'iNbOx'])('%s is the spool file when no inbox is set', (name) => {
    expect(local(name)).toEqual({
      kind: 'local', name, path: path.join('/var/mail', 'alice'), home, isInbox: true, inboxExplicit: false,
      mh: false, directoryOnly: false,
    });
  });

  it('is the --inbox file when one is set', () => {
    const c = { ...ctx, inbox: path.join(home, 'my-inbox') };
    expect(local('inbox', c)).toMatchObject({ isInbox: true, inboxExplicit: true, path: c.inbox });
  });

  it('INBOX/child is an ordinary name under the home', () => {
    expect(local('INBOX/child')).toMatchObject({ isInbox: false, path: path.join(home, 'INBOX', 'child') });
  });

  it.each(['INBOX2', 'xINBOX', 'INBOX/'])('%s is not INBOX', (name) => {
    expect(local(name).isInbox).toBe(false);
  });
});

describe('names relative to the mail home', () => {
  const cases: Array<[string, string[], boolean]> = [
    ['box', ['box'], false],
    ['archive/2004', ['archive', '2004'], false],
    ['dir/', ['dir'], true],
    ['a/b/', ['a', 'b'], true],
    ['star*', ['star*'], false],
    ['with space', ['with space'], false],
    ['x~y', ['x~y'], false],
    ['a/./b', ['a', 'b'], false],
    ['t/a..b', ['t', 'a..b'], false],
    ['Box', ['Box'], false],
  ];
  it.each(cases)('%s', (name, parts, directoryOnly) => {
    expect(local(name)).toEqual({
      kind: 'local', name, path: path.join(home, ...parts), home, isInbox: false, inboxExplicit: false,
      mh: false, directoryOnly,
    });
  });

  it('resolve .. outside --restrict and normalise the path', () => {
    expect(local('a/../b').path).toBe(path.join(home, 'b'));
    expect(local('../sibling').path).toBe(path.join(path.dirname(home), 'sibling'));
  });

  it('are refused when empty', () => {
    expect(refusal('').message).toBe('empty mailbox name');
  });
});

describe('absolute names', () => {
  it('are used as they are, normalised', () => {
    expect(local('/srv/mail/alice/INBOX')).toMatchObject({ path: '/srv/mail/alice/INBOX', isInbox: false });
    expect(local('/srv//mail/../x/')).toMatchObject({ path: '/srv/x', directoryOnly: true });
  });

  it('are refused under --restrict', () => {
    expect(refusal('/srv/mail/box', restricted).message).toBe(
      'absolute mailbox names are refused under --restrict: /srv/mail/box (only the spool file /var/mail/alice is allowed; use a name relative to your mail home)',
    );
  });

  it('are allowed under --restrict when they name the spool file', () => {
    expect(local('/var/mail/alice', restricted)).toMatchObject({ path: '/var/mail/alice', isInbox: false });
    refusal('/var/mail/bob', restricted);
  });
});

describe('~ names', () => {
  it('~/x is x in the mail home, also under --restrict', () => {
    for (const c of [ctx, restricted]) {
      expect(local('~/x', c)).toMatchObject({ name: '~/x', path: path.join(home, 'x'), directoryOnly: false });
    }
    expect(local('~/')).toMatchObject({ path: home, directoryOnly: true });
  });

  it('~ alone is invalid', () => {
    expect(refusal('~').message).toMatch(/^~ alone is not a mailbox name/);
  });

  it('~user/x is x in that user\'s password-file home; ~user alone is that home', () => {
    const rootHome = passwdHome('root');
    expect(rootHome).toBeDefined();
    expect(local('~root/x').path).toBe(path.join(rootHome!, 'x'));
    expect(local('~root')).toMatchObject({ path: path.resolve(rootHome!), directoryOnly: false });
    expect(local('~root/')).toMatchObject({ path: path.resolve(rootHome!), directoryOnly: true });
  });

  it('~user/inbox is the file INBOX in that home, not a spool', () => {
    expect(local('~root/inbox')).toMatchObject({ path: path.join(passwdHome('root')!, 'INBOX'), isInbox: false });
  });

  it('~me uses the home of the user running mailsmith', () => {
    const me = os.userInfo();
    expect(local(`~${me.username}/x`).path).toBe(path.join(me.homedir, 'x'));
  });

  it('an unknown user is refused', () => {
    expect(refusal('~no-such-user-here/x').message).toBe('no such user no-such-user-here: ~no-such-user-here/x');
  });

  it('every ~user is refused under --restrict, even one\'s own', () => {
    for (const name of ['~root/x', '~root', `~${os.userInfo().username}/x`]) {
      expect(refusal(name, restricted).message).toMatch(/names are refused under --restrict/);
    }
  });
});

describe('rules for every local name', () => {
  it.each(['a\nb', 'a\rb', 'INBOX\n', '#driver.mbx/a\nb'])('%j: no CR or LF', (name) => {
    for (const purpose of ['open', 'create'] as const) {
      expect(refusal(name, ctx, purpose).message).toBe(`mailbox names cannot contain CR or LF: ${JSON.stringify(name)}`);
    }
  });

  it('a 256-byte name is accepted, a 257- or 266-byte one refused', () => {
    expect(local('a'.repeat(256)).path).toBe(path.join(home, 'a'.repeat(256)));
    expect(refusal('a'.repeat(257)).message).toMatch(/^mailbox name too long: a{80}\.\.\. \(257 bytes; at most 256\)$/);
    expect(refusal('a'.repeat(266)).message).toContain('(266 bytes; at most 256)');
  });

  it('length counts UTF-8 bytes, not characters', () => {
    refusal('\u00e9'.repeat(129));
    expect(local('\u00e9'.repeat(128)).name).toHaveLength(128);
  });

  it('the length of a #driver. name is that of the name after the prefix', () => {
    expect(local(`#driver.mbx/${'a'.repeat(256)}`, ctx, 'create').path).toBe(path.join(home, 'a'.repeat(256)));
    refusal(`#driver.mbx/${'a'.repeat(257)}`, ctx, 'create');
  });

  const restrictedCases: Array<[string, string]> = [
    ['t/a..b', '..'],
    ['a/../b', '..'],
    ['~/..', '..'],
    ['a//b', '//'],
    ['x/~y', '/~'],
    ['~/x/~y', '/~'],
    ['#mh/a/../b', '..'],
  ];
  it.each(restrictedCases)('%s is refused only under --restrict (%s)', (name, seq) => {
    expect(refusal(name, restricted).message).toBe(`"${seq}" is not allowed anywhere in a mailbox name under --restrict: ${name}`);
  });

  it('the same names are fine outside --restrict', () => {
    fs.writeFileSync(path.join(home, '.mh_profile'), 'Path: Mail\n');
    try {
      for (const [name] of restrictedCases) expect(() => resolveName(name, ctx, 'open')).not.toThrow();
    } finally {
      fs.rmSync(path.join(home, '.mh_profile'));
    }
  });

  it('x~y is fine under --restrict', () => {
    expect(local('x~y', restricted).path).toBe(path.join(home, 'x~y'));
  });
});

describe('new names (create) must be modified UTF-7', () => {
  const accepted = ['caf&AOk-', '&-', 'a&-b', 'x&ZeVnLIqe-y', 'plain', 'a+b,c'];
  it.each(accepted)('%s is accepted and kept as typed', (name) => {
    expect(local(name, ctx, 'create')).toMatchObject({ name, path: path.join(home, name) });
  });

  const refused: Array<[string, string]> = [
    ['caf\u00e9', 'mailbox names must be 7-bit: caf\u00e9 (use modified UTF-7, e.g. caf&AOk- for café)'],
    ['a&b', 'unterminated modified UTF-7 in mailbox name: a&b (an & must be closed by -; write &- for a literal &)'],
    ['a&', 'unterminated modified UTF-7 in mailbox name: a& (an & must be closed by -; write &- for a literal &)'],
    ['a&b c-', 'invalid modified UTF-7 in mailbox name: a&b c- (between & and - only letters, digits, + and , may appear; write &- for a literal &)'],
    ['a&AO/k-', 'invalid modified UTF-7 in mailbox name: a&AO/k- (between & and - only letters, digits, + and , may appear; write &- for a literal &)'],
    ['#driver.mbx/caf\u00e9', 'mailbox names must be 7-bit: #driver.mbx/caf\u00e9 (use modified UTF-7, e.g. caf&AOk- for café)'],
  ];
  it.each(refused)('%s is refused', (name, message) => {
    expect(refusal(name, ctx, 'create').message).toBe(message);
  });

  it('the same names can be opened (existing names are whatever is on disk)', () => {
    for (const [name] of refused) expect(() => resolveName(name, ctx, 'open')).not.toThrow();
  });
});

describe('#driver.FORMAT/name', () => {
  const cases: Array<[string, string, string, string[]]> = [
    ['#driver.mbx/t/cs0', 'mbx', 't/cs0', ['t', 'cs0']],
    ['#driver.mbx:t/cs2', 'mbx', 't/cs2', ['t', 'cs2']],
    ['#driver.mbx\\t/cs1', 'mbx', 't/cs1', ['t', 'cs1']],
    ['#DRIVER.MBX/x', 'mbx', 'x', ['x']],
    ['#Driver.Mix/x', 'mix', 'x', ['x']],
    ['#driver.mbox/x', 'unix', 'x', ['x']],
    ['#driver.unix/x', 'unix', 'x', ['x']],
    ['#driver.mmdf/x', 'mmdf', 'x', ['x']],
    ['#driver.mtx/x', 'mtx', 'x', ['x']],
    ['#driver.tenex/x', 'tenex', 'x', ['x']],
    ['#driver.mx/x', 'mx', 'x', ['x']],
    ['#driver.maildir/x', 'maildir', 'x', ['x']],
    ['#driver.phile/x', 'phile', 'x', ['x']],
    ['#driver.mbx/~/x', 'mbx', '~/x', ['x']],
  ];
  it.each(cases)('%s creates %s', (input, format, name, parts) => {
    expect(local(input, ctx, 'create')).toEqual({
      kind: 'local', name, path: path.join(home, ...parts), home, createFormat: format, isInbox: false,
      inboxExplicit: false, mh: false, directoryOnly: false,
    });
  });

  it('keeps the trailing slash meaning: a directory', () => {
    expect(local('#driver.mix/x/mixdst/', ctx, 'create')).toMatchObject({ createFormat: 'mix', directoryOnly: true });
  });

  it('on open names only the format an empty file takes (an existing mailbox\'s comes from its bytes)', () => {
    const ref = local('#driver.mbx/t/cs2', ctx, 'open');
    expect(ref).toMatchObject({ name: 't/cs2', path: path.join(home, 't', 'cs2'), createFormat: 'mbx' });
  });

  it('#driver.FORMAT/INBOX creates the home-directory INBOX c-client looks for', () => {
    expect(local('#driver.mbx/INBOX', ctx, 'create'))
      .toMatchObject({ isInbox: true, inboxExplicit: true, createFormat: 'mbx', path: path.join(home, 'INBOX') });
    expect(local('#driver.mbox/inbox', ctx, 'create'))
      .toMatchObject({ isInbox: true, inboxExplicit: true, createFormat: 'unix', path: path.join(home, 'mbox') });
    const c = { ...ctx, inbox: path.join(home, 'elsewhere') };
    expect(local('#driver.mix/INBOX', c, 'create')).toMatchObject({ isInbox: true, inboxExplicit: true, path: c.inbox });
  });

  it('is plain INBOX when opening', () => {
    expect(local('#driver.mbx/INBOX', ctx, 'open'))
      .toMatchObject({ isInbox: true, inboxExplicit: false, path: '/var/mail/alice' });
  });

  const refused: Array<[string, string]> = [
    ['#driver.foo/x', 'unknown format foo in #driver.foo/x (known: unix, mbox, mmdf, mbx, mix, mtx, tenex, mx, mh, maildir, phile)'],
    ['#driver.imap/x', 'unknown format imap in #driver.imap/x (known: unix, mbox, mmdf, mbx, mix, mtx, tenex, mx, mh, maildir, phile)'],
    ['#driver.mbx', 'bad driver syntax: #driver.mbx (write #driver.FORMAT/NAME, e.g. #driver.mbx/archive)'],
    ['#driver./x', 'bad driver syntax: #driver./x (write #driver.FORMAT/NAME, e.g. #driver.mbx/archive)'],
    ['#driver.mbx/', 'no mailbox name after the prefix: #driver.mbx/'],
    ['#driver.mbx/{h}x', '#driver. applies to local names only: #driver.mbx/{h}x (the server decides a remote mailbox\'s format)'],
    ['#driver.mbx/#driver.mix/x', 'more than one #driver. prefix: #driver.mbx/#driver.mix/x'],
    ['#driver.mbx/#news.x', 'mailsmith does not support the #news. namespace (the local news spool): #driver.mbx/#news.x'],
  ];
  it.each(refused)('%s is refused', (input, message) => {
    for (const purpose of ['open', 'create'] as const) expect(refusal(input, ctx, purpose).message).toBe(message);
  });

  it('applies the restrictions to the name after the prefix', () => {
    expect(refusal('#driver.mbx//etc/x', restricted, 'create').message).toMatch(/^absolute mailbox names are refused/);
    expect(refusal('#driver.mbx/t/a..b', restricted, 'create').message).toMatch(/^"\.\." is not allowed/);
  });
});

describe('# namespaces mailsmith does not support', () => {
  const cases: Array<[string, string]> = [
    ['#news.comp.mail.misc', 'mailsmith does not support the #news. namespace (the local news spool): #news.comp.mail.misc'],
    ['#ftp/pub/x', 'mailsmith does not support the #ftp/ namespace: #ftp/pub/x (give the mailbox\'s path instead)'],
    ['#FTP/x', 'mailsmith does not support the #ftp/ namespace: #FTP/x (give the mailbox\'s path instead)'],
    ['#public/x', 'mailsmith does not support the #public/ namespace: #public/x (give the mailbox\'s path instead)'],
    ['#Shared/x', 'mailsmith does not support the #shared/ namespace: #Shared/x (give the mailbox\'s path instead)'],
    ['#move+a+b', 'mailsmith does not support the #move namespace: #move+a+b (use mailsmith move SOURCE DEST)'],
    ['#MOVE+a+b', 'mailsmith does not support the #move namespace: #MOVE+a+b (use mailsmith move SOURCE DEST)'],
    ['#pop{h}x', 'mailsmith does not support the #pop namespace: #pop{h}x (copy from {HOST/pop3}INBOX instead)'],
    // #news. is the one case-sensitive prefix, so this is just unknown
    ['#NEWS.x', 'unknown namespace: #NEWS.x (mailsmith knows #driver.FORMAT/NAME, #mh/NAME and #mhinbox)'],
    ['#foo/x', 'unknown namespace: #foo/x (mailsmith knows #driver.FORMAT/NAME, #mh/NAME and #mhinbox)'],
    ['#', 'unknown namespace: # (mailsmith knows #driver.FORMAT/NAME, #mh/NAME and #mhinbox)'],
    ['#mhinboxes', 'unknown namespace: #mhinboxes (mailsmith knows #driver.FORMAT/NAME, #mh/NAME and #mhinbox)'],
  ];
  it.each(cases)('%s', (name, message) => {
    expect(refusal(name).message).toBe(message);
  });
});
