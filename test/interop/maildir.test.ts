// Proves that Maildir folders mailsmith writes are read by the real Dovecot
// exactly as intended, and that folders Dovecot writes read the same in
// mailsmith (formats-dir.md 10.5). One private Dovecot (Maildir++ layout) for
// the file; mailsmith writes into its users' homes as root and hands the files
// to Dovecot's mail user, as an administrator would.
//
// - mailsmith writes all 252 real messages (and a few awkward ones) with kept
//   UIDs, a UID validity, flags, keywords and dates: doveadm reports the same
//   UID validity, UIDs, flags, keywords, received dates, sizes and bytes, for
//   the root (INBOX) and a Maildir++ folder (.Lists.linux = Lists/linux);
// - flag changes, new keywords and an expunge made by mailsmith after Dovecot
//   has indexed the folder read the same in Dovecot;
// - `mailsmith copy` of that folder into another Maildir++ folder keeps the
//   UID validity and UIDs, as Dovecot reports them;
// - Dovecot's own folders (doveadm save, flags add/remove, expunge; no IMAP
//   session, so files in new/ carry flags) read the same in mailsmith, which
//   writes nothing doing so;
// - Dovecot waits for mailsmith's dovecot-uidlist.lock.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UidlistLock } from '../../src/drivers/maildir/uidlist-lock.js';
import { formatInternalDate } from '../../src/mail/dates.js';
import type { SystemFlag } from '../../src/mail/flags.js';
import type { NewMessage } from '../../src/store/types.js';
import { snapshot } from '../drivers/maildir/helpers.js';
import { ALL_KEYWORDS, CREATED_WITH, dressed } from './corpus.js';
import { diffDumps, type MailboxDump } from './dump.js';
import { Dovecot } from './maildir-dovecot.js';
import { changeWithMailsmith, mailsmithCli, readWithMailsmith, writeWithMailsmith } from './mailsmith.js';
import { realMessages, toCrlf } from './messages.js';

process.env.TZ = 'UTC';

const ZONES = [0, -480, 60, 330, -300];

/** Texts a Maildir writer must get right besides ordinary mail. */
const AWKWARD = [
  'Subject: no final newline\r\n\r\nlast line',
  'Subject: a CR before CRLF\r\n\r\nodd\r\r\nend\r\n',
  'Subject: 8-bit \xe9\xe8\r\n\r\nGr\xc3\xbc\xc3\x9fe \xff\r\n',
  'Subject: empty body\r\n\r\n',
].map((t) => Buffer.from(t, 'latin1'));

async function corpus(): Promise<NewMessage[]> {
  return dressed([...(await realMessages()).map((m) => toCrlf(m.raw)), ...AWKWARD], ZONES);
}

/** What every reader must report for a folder mailsmith wrote (dates in UTC: a Maildir keeps the instant). */
function model(messages: readonly NewMessage[], meta = CREATED_WITH): MailboxDump {
  return {
    meta: { uidValidity: meta.uidValidity, uidLast: Math.max(meta.uidLast, ...messages.map((m) => m.uid!)), keywords: ALL_KEYWORDS },
    messages: messages.map((m) => ({
      uid: m.uid!, internalDate: formatInternalDate({ ms: m.internalDate.ms, zone: 0 }), flags: m.flags, keywords: m.keywords,
      size: m.text.length, text: m.text,
    })),
  };
}

let dovecot: Dovecot;
beforeAll(async () => {
  dovecot = await Dovecot.start();
});
afterAll(async () => {
  await dovecot?.stop();
});

describe('mailsmith writes Maildir, Dovecot reads', () => {
  let written: Promise<{ home: string; messages: NewMessage[]; expected: MailboxDump }> | undefined;
  /** alice's Maildir (Dovecot's INBOX) and Maildir/.Lists.linux, written once for the tests below. */
  function write() {
    written ??= (async () => {
      const { home } = dovecot.user('alice');
      const messages = await corpus();
      const { result, warnings } = await writeWithMailsmith(home, 'Maildir', 'maildir', CREATED_WITH, messages);
      expect(warnings).toEqual([]);
      expect(result.uids).toEqual(messages.map((m) => m.uid));
      // the zone of every date not in UTC is reported as lost, and nothing else
      expect([...result.losses.keys()]).toEqual(['date-zone']);
      const linux = messages.slice(0, 20).map((m, i) => ({ ...m, uid: 7 + i }));
      await writeWithMailsmith(home, 'Maildir/.Lists.linux', 'maildir', { uidValidity: 42, uidLast: 6, keywords: [] }, linux);
      dovecot.handOver(home);
      return { home, messages, expected: model(messages) };
    })();
    return written;
  }

  it('Dovecot sees the root as INBOX and the Maildir++ folder as Lists/linux', async () => {
    await write();
    const list = (await dovecot.doveadm(['mailbox', 'list', '-u', 'alice'])).toString('utf8').split('\n').filter(Boolean).sort();
    expect(list).toEqual(['INBOX', 'Lists', 'Lists/linux']);
  });

  it('Dovecot reports every UID, the UID validity, flags, keywords, dates, sizes and bytes as written', async () => {
    const { expected } = await write();
    const seen = await dovecot.dump('alice', 'INBOX');
    expect(diffDumps(seen, expected, { mailboxKeywords: false })).toEqual([]);
    // and mailsmith reads back the same, keyword list included
    expect(diffDumps(await readWithMailsmith(dovecot.user('alice').home, 'Maildir'), expected)).toEqual([]);
  });

  it('a Maildir++ folder keeps its own UID validity and UIDs', async () => {
    const { messages } = await write();
    const linux = messages.slice(0, 20).map((m, i) => ({ ...m, uid: 7 + i }));
    const expected = model(linux, { uidValidity: 42, uidLast: 6, keywords: [] });
    expect(diffDumps(await dovecot.dump('alice', 'Lists/linux'), expected, { mailboxKeywords: false })).toEqual([]);
  });

  it('flag changes, a new keyword and an expunge by mailsmith read the same in Dovecot, which had indexed the folder', async () => {
    const { home, expected } = await write();
    await dovecot.dump('alice', 'INBOX'); // Dovecot has its index and caches now
    const deleted = expected.messages.filter((m) => m.flags.includes('\\Deleted')).map((m) => m.uid);
    const changed = expected.messages.filter((_, i) => i % 4 === 1).map((m) => m.uid);
    await changeWithMailsmith(home, 'Maildir', async (mb) => {
      await mb.store(changed, { add: { flags: ['\\Flagged'], keywords: ['later'] }, remove: { flags: ['\\Seen'], keywords: ['work'] } });
      expect(await mb.expunge()).toBe(deleted.length);
    });
    dovecot.handOver(home);
    const after: MailboxDump = {
      meta: { ...expected.meta, keywords: [...expected.meta.keywords, 'later'] },
      messages: expected.messages.filter((m) => !deleted.includes(m.uid)).map((m) => (changed.includes(m.uid)
        ? {
          ...m,
          flags: [...new Set([...m.flags, '\\Flagged'])].filter((f) => f !== '\\Seen'),
          keywords: [...m.keywords.filter((k) => k !== 'work'), 'later'],
        }
        : m)),
    };
    expect(diffDumps(await dovecot.dump('alice', 'INBOX'), after, { mailboxKeywords: false })).toEqual([]);
    expect(diffDumps(await readWithMailsmith(home, 'Maildir'), after)).toEqual([]);
  });

  it('mailsmith copy into a Maildir++ folder keeps the UID validity and UIDs Dovecot reports', async () => {
    const { home } = await write();
    const source = await dovecot.dump('alice', 'INBOX');
    const r = await mailsmithCli(home, 'copy', 'Maildir', '#driver.maildir/Maildir/.Archive');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    dovecot.handOver(home);
    expect(diffDumps(await dovecot.dump('alice', 'Archive'), source, { mailboxKeywords: false })).toEqual([]);
  });
});

describe('Dovecot writes Maildir, mailsmith reads', () => {
  let made: Promise<{ home: string }> | undefined;
  /** bob's INBOX and Work/2024 made by doveadm alone: saves, flag changes (files stay in new/), an expunge. */
  function make() {
    made ??= (async () => {
      const { home } = dovecot.user('bob');
      const texts = [...(await realMessages()).slice(0, 16).map((m) => m.raw), ...AWKWARD];
      for (const t of texts) await dovecot.save('bob', 'INBOX', t);
      await dovecot.doveadm(['mailbox', 'create', '-u', 'bob', 'Work/2024']);
      for (const t of texts.slice(0, 5)) await dovecot.save('bob', 'Work/2024', t);
      const flags = async (op: string, list: string, uids: string, box = 'INBOX'): Promise<void> => {
        await dovecot.doveadm(['flags', op, '-u', 'bob', list, 'mailbox', box, 'uid', uids]);
      };
      await flags('add', '\\Seen work', '1:10');
      await flags('add', '\\Flagged urgent $Forwarded', '5:15');
      await flags('remove', '\\Seen', '3');
      await flags('add', '\\Answered \\Draft', '16:17');
      await flags('add', '\\Deleted', '18:19');
      await flags('add', 'personal', '2:3', 'Work/2024');
      await dovecot.doveadm(['expunge', '-u', 'bob', 'mailbox', 'INBOX', 'uid', '18']);
      return { home };
    })();
    return made;
  }

  it.each([['INBOX', 'Maildir'], ['Work/2024', 'Maildir/.Work.2024']])(
    'mailsmith reports %s as Dovecot does: UIDs, UID validity, dates, flags, keywords, sizes and bytes', async (box, name) => {
      const { home } = await make();
      const expected = await dovecot.dump('bob', box);
      expect(expected.messages.length).toBeGreaterThan(4);
      const seen = await readWithMailsmith(home, name);
      expect(seen.warnings).toEqual([]);
      expect(diffDumps(seen, expected, { mailboxKeywords: false })).toEqual([]);
      // Dovecot's keywords file names at least every keyword in use, in letter order
      expect(seen.meta.keywords).toEqual(expect.arrayContaining(expected.meta.keywords as string[]));
    });

  it('files flagged without an IMAP session are still in new/ and \\Recent for mailsmith', async () => {
    const { home } = await make();
    const neu = fs.readdirSync(path.join(home, 'Maildir', 'new'));
    expect(neu.some((n) => n.includes(':2,'))).toBe(true);
    const seen = await readWithMailsmith(home, 'Maildir');
    expect(seen.messages.filter((m) => m.recent)).toHaveLength(neu.length);
  });

  it('mailsmith appends to Dovecot\'s folder and changes flags there; Dovecot and mailsmith agree on the result', async () => {
    const { home } = await make();
    const before = await dovecot.dump('bob', 'Work/2024');
    const added = [
      { text: Buffer.from('Subject: added by mailsmith\r\n\r\nhello\r\n'), internalDate: { ms: Date.UTC(2020, 1, 3, 4, 5, 6), zone: 0 }, flags: [] as SystemFlag[], keywords: [] },
      { text: Buffer.from('Subject: added, flagged\r\n\r\nhi\r\n'), internalDate: { ms: Date.UTC(2021, 1, 3, 4, 5, 6), zone: 0 }, flags: ['\\Seen'] as SystemFlag[], keywords: ['personal', 'fresh'] },
    ];
    const result = await changeWithMailsmith(home, 'Maildir/.Work.2024', async (mb) => {
      const r = await mb.append((async function* () { yield* added; })());
      await mb.store([1], { add: { flags: ['\\Answered'], keywords: ['fresh'] } });
      return r;
    });
    expect(result.uids).toEqual([before.meta.uidLast + 1, before.meta.uidLast + 2]);
    dovecot.handOver(home);
    const seen = await dovecot.dump('bob', 'Work/2024');
    expect(diffDumps(seen, await readWithMailsmith(home, 'Maildir/.Work.2024'), { mailboxKeywords: false })).toEqual([]);
    expect(seen.messages.slice(-2).map((m) => [m.uid, m.flags, [...m.keywords].sort(), m.text.toString('latin1')])).toEqual([
      [before.meta.uidLast + 1, [], [], 'Subject: added by mailsmith\r\n\r\nhello\r\n'],
      [before.meta.uidLast + 2, ['\\Seen'], ['fresh', 'personal'], 'Subject: added, flagged\r\n\r\nhi\r\n'],
    ]);
    expect(seen.messages[0]).toMatchObject({ uid: 1, flags: [...before.messages[0]!.flags, '\\Answered'], keywords: [...before.messages[0]!.keywords, 'fresh'] });
  });

  it('reading Dovecot\'s folder, read-only or read-write, writes nothing', async () => {
    const { home } = await make();
    const before = snapshot(path.join(home, 'Maildir'));
    await readWithMailsmith(home, 'Maildir');
    await changeWithMailsmith(home, 'Maildir', async (mb) => {
      for await (const m of mb.messages()) await m.text();
    });
    expect(snapshot(path.join(home, 'Maildir'))).toEqual(before);
  });
});

describe('locking', () => {
  it('Dovecot waits while mailsmith holds dovecot-uidlist.lock to change flags, and does it once released', async () => {
    const { home } = dovecot.user('carol');
    await dovecot.save('carol', 'INBOX', Buffer.from('Subject: first\n\none\n'));
    const dir = path.join(home, 'Maildir');
    const files = (): string[] => [...fs.readdirSync(path.join(dir, 'new')), ...fs.readdirSync(path.join(dir, 'cur'))];
    const before = files();
    expect(before).toHaveLength(1);
    const lock = await UidlistLock.acquire(dir, 'Maildir', { timeoutMs: 0, warn: () => {} });
    let exited: number | null | undefined;
    try {
      const change = dovecot.doveadmInBackground(['flags', 'add', '-u', 'carol', '\\Seen', 'mailbox', 'INBOX', 'uid', '1'], Buffer.alloc(0));
      void change.then((status) => {
        exited = status;
      });
      await new Promise((r) => setTimeout(r, 2000));
      expect(exited).toBeUndefined();
      expect(files()).toEqual(before);
      lock.release();
      expect(await change).toBe(0);
    } finally {
      lock.release();
    }
    expect(files()).toEqual([`${before[0]}:2,S`]);
    const seen = await readWithMailsmith(home, 'Maildir');
    expect(seen.messages.map((m) => [m.uid, m.flags, m.text.toString('latin1')])).toEqual([[1, ['\\Seen'], 'Subject: first\r\n\r\none\r\n']]);
  });
});
