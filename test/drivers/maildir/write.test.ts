// Writing Maildir folders as Dovecot does (formats-dir.md 6.2-6.9): create with
// the copy's UID validity, next UID and keywords; appends through tmp/ into
// cur/ or new/ with S=/W= names, LF text and the internal date as mtime, UIDs
// and keyword letters in dovecot-uidlist / dovecot-keywords, all or nothing;
// flag changes as renames in place; expunge unlinks and rewrites the uidlist.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { maildirDriver } from '../../../src/drivers/maildir/index.js';
import { CorruptMailbox, LossyCopy, MailboxExists, ReadOnlyMailbox } from '../../../src/errors.js';
import type { NewMessage } from '../../../src/store/types.js';
import { batch, collect, context, filesIn, makeFolder, message, PINNED, ref, snapshot, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

const uidlistOf = (dir: string): string => fs.readFileSync(path.join(dir, 'dovecot-uidlist'), 'utf8');
const keywordsOf = (dir: string): string => fs.readFileSync(path.join(dir, 'dovecot-keywords'), 'utf8');

async function created(meta?: { uidValidity?: number; uidLast?: number; keywords?: string[] }, name = 'Maildir') {
  const home = tempDir();
  const r = ref(home, name);
  await maildirDriver.create(r, context().ctx, meta ? { meta } : {});
  return { home, dir: r.path, r };
}

async function appendTo(dir: string, messages: NewMessage[], options: { keepUids?: boolean; strict?: boolean } = {}) {
  const rec = context();
  const mb = await maildirDriver.open(ref(path.dirname(dir), path.basename(dir)), 'write', rec.ctx);
  try {
    return { result: await mb.append(batch(messages), options), warnings: rec.warnings };
  } finally {
    await mb.close();
  }
}

async function readBack(dir: string) {
  const mb = await maildirDriver.open(ref(path.dirname(dir), path.basename(dir)), 'read', context().ctx);
  try {
    return { messages: await collect(mb.messages()), meta: mb.meta };
  } finally {
    await mb.close();
  }
}

describe('create', () => {
  it('makes tmp/new/cur and a uidlist with the given UID validity and next UID, and the keywords', async () => {
    const { dir } = await created({ uidValidity: 1234567890, uidLast: 100, keywords: ['work', 'bad word', '$Label1', 'WORK'] });
    expect(fs.readdirSync(dir).sort()).toEqual(['cur', 'dovecot-keywords', 'dovecot-uidlist', 'new', 'tmp']);
    expect(uidlistOf(dir)).toMatch(/^3 V1234567890 N101 G[0-9a-f]{32}\n$/);
    expect(keywordsOf(dir)).toBe('0 work\n1 $Label1\n');
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect((await readBack(dir)).meta).toEqual({ uidValidity: 1234567890, uidLast: 100, keywords: ['work', '$Label1'] });
  });

  it('without meta: UID validity from the clock, next UID 1, no keywords file', async () => {
    const { dir } = await created();
    expect(uidlistOf(dir)).toMatch(new RegExp(`^3 V${Math.floor(PINNED.getTime() / 1000)} N1 G[0-9a-f]{32}\\n$`));
    expect(fs.existsSync(path.join(dir, 'dovecot-keywords'))).toBe(false);
  });

  it('a ".Name" inside a Maildir is a Maildir++ folder and gets the maildirfolder marker; the root does not', async () => {
    const { home, dir } = await created();
    expect(fs.existsSync(path.join(dir, 'maildirfolder'))).toBe(false);
    await maildirDriver.create(ref(home, 'Maildir/.Lists.linux'), context().ctx);
    expect(fs.readFileSync(path.join(dir, '.Lists.linux', 'maildirfolder'))).toHaveLength(0);
    expect(await maildirDriver.probe(path.join(dir, '.Lists.linux'))).toBe(true);
    expect(maildirDriver.isInternal!('.Lists.linux')).toBe(false);
  });

  it('refuses a name that exists', async () => {
    const { home } = await created();
    await expect(maildirDriver.create(ref(home, 'Maildir'), context().ctx)).rejects.toThrow(MailboxExists);
  });
});

describe('append', () => {
  const date = (s: number) => ({ ms: s * 1000, zone: 0 });

  it('writes LF files named <unique>,S=,W= into cur/ with flags or new/ without, mtime = internal date', async () => {
    const { dir } = await created({ uidValidity: 7, uidLast: 0, keywords: ['work'] });
    const { result, warnings } = await appendTo(dir, [
      message('Subject: a\r\n\r\nbody\r\n', { flags: ['\\Seen', '\\Flagged'], keywords: ['work', 'urgent'] }, date(1_600_000_000)),
      message('Subject: b\r\n\r\nnew mail\r\n', {}, date(1_600_000_100)),
      message('Subject: c\r\n\r\n', { flags: ['\\Deleted', '\\Draft', '\\Answered'] }, date(1_600_000_200)),
    ]);
    expect(warnings).toEqual([]);
    expect(result).toMatchObject({ appended: 3, uids: [1, 2, 3] });
    const cur = filesIn(dir, 'cur');
    const neu = filesIn(dir, 'new');
    const unique = `\\d+\\.M\\d+P${process.pid}\\.host`;
    expect(cur).toHaveLength(2);
    expect(neu).toHaveLength(1);
    // S = the stored LF size, W = the CRLF size
    expect(cur.find((n) => n.endsWith(':2,FSab'))).toMatch(new RegExp(`^${unique},S=17,W=20:2,FSab$`));
    expect(cur.find((n) => n.endsWith(':2,DRT'))).toMatch(new RegExp(`^${unique},S=12,W=14:2,DRT$`));
    expect(neu[0]).toMatch(new RegExp(`^${unique},S=21,W=24$`));
    expect(fs.readFileSync(path.join(dir, 'new', neu[0]!), 'latin1')).toBe('Subject: b\n\nnew mail\n');
    expect(fs.statSync(path.join(dir, 'new', neu[0]!)).mtimeMs).toBe(1_600_000_100_000);
    expect(filesIn(dir, 'tmp')).toEqual([]);
    expect(keywordsOf(dir)).toBe('0 work\n1 urgent\n');
    const bases = [cur.find((n) => n.endsWith('FSab')), neu[0], cur.find((n) => n.endsWith('DRT'))].map((n) => n!.split(':')[0]);
    expect(uidlistOf(dir).split('\n').slice(1)).toEqual([`1 :${bases[0]}`, `2 :${bases[1]}`, `3 :${bases[2]}`, '']);
    const back = await readBack(dir);
    expect(back.messages.map((m) => [m.uid, m.flags, m.keywords, m.recent, m.internalDate, m.text])).toEqual([
      [1, ['\\Seen', '\\Flagged'], ['work', 'urgent'], false, '13-Sep-2020 12:26:40 +0000', 'Subject: a\r\n\r\nbody\r\n'],
      [2, [], [], true, '13-Sep-2020 12:28:20 +0000', 'Subject: b\r\n\r\nnew mail\r\n'],
      [3, ['\\Deleted', '\\Answered', '\\Draft'], [], false, '13-Sep-2020 12:30:00 +0000', 'Subject: c\r\n\r\n'],
    ]);
    expect(back.meta).toEqual({ uidValidity: 7, uidLast: 3, keywords: ['work', 'urgent'] });
  });

  it('keeps the UIDs of a copy into a new folder (below the header\'s N) and never lowers N', async () => {
    const { dir } = await created({ uidValidity: 1234567890, uidLast: 100 });
    const { result } = await appendTo(dir, [10, 20, 15, 30].map((uid) => message(`Subject: ${uid}\r\n\r\n`, { uid })), { keepUids: true });
    // 15 is not above 20: it gets the next UID after N, 101, and then 30 is not above that either
    expect(result.uids).toEqual([10, 20, 101, 102]);
    expect(result.losses).toEqual(new Map([['uid', new Map([['not above the previous UID', 2]])]]));
    expect(uidlistOf(dir)).toMatch(/^3 V1234567890 N101 /);
    const back = await readBack(dir);
    expect(back.messages.map((m) => [m.uid, m.text])).toEqual([
      [10, 'Subject: 10\r\n\r\n'], [20, 'Subject: 20\r\n\r\n'], [101, 'Subject: 15\r\n\r\n'], [102, 'Subject: 30\r\n\r\n'],
    ]);
    expect(back.meta.uidLast).toBe(102);
  });

  it('without keepUids, new messages get the next UIDs after every listed one', async () => {
    const { dir } = await created({ uidValidity: 5, uidLast: 41 });
    expect((await appendTo(dir, [message('a\r\n', { uid: 3 })])).result.uids).toEqual([42]);
    expect((await appendTo(dir, [message('b\r\n'), message('c\r\n')])).result.uids).toEqual([43, 44]);
  });

  it('reports what a folder cannot hold: the 27th keyword, zones of internal dates; --strict writes nothing', async () => {
    const { dir } = await created({ keywords: Array.from({ length: 26 }, (_, i) => `k${i}`) });
    const before = snapshot(dir);
    const messages = [
      message('a\r\n', { keywords: ['k0', 'extra'] }),
      message('b\r\n', { keywords: ['extra'] }, { ms: 0, zone: -300 }),
    ];
    await expect(appendTo(dir, messages, { strict: true })).rejects.toThrow(LossyCopy);
    expect(snapshot(dir)).toEqual(before);
    const { result } = await appendTo(dir, messages);
    expect(result.losses).toEqual(new Map([
      ['date-zone', new Map([['internal date zone', 1]])],
      ['keyword', new Map([['extra', 2]])],
    ]));
    expect((await readBack(dir)).messages.map((m) => [m.keywords, m.internalDate])).toEqual([
      [['k0'], ' 2-Jan-2023 03:04:05 +0000'], [[], ' 1-Jan-1970 00:00:00 +0000'],
    ]);
  });

  it('all or nothing: a batch that fails half-way leaves the folder as it was', async () => {
    const { dir } = await created();
    await appendTo(dir, [message('first\r\n')]);
    const before = snapshot(dir);
    async function* failing(): AsyncIterable<NewMessage> {
      yield message('x\r\n', { flags: ['\\Seen'] });
      yield message('y\r\n');
      throw new Error('the source broke');
    }
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'Maildir'), 'write', context().ctx);
    await expect(mb.append(failing())).rejects.toThrow('the source broke');
    await mb.close();
    expect(snapshot(dir)).toEqual(before);
  });

  it('all or nothing when a rename fails: the files already moved are removed, the uidlist is untouched', async () => {
    const { dir } = await created();
    const before = snapshot(dir);
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'Maildir'), 'write', context().ctx);
    const rename = fs.renameSync;
    let calls = 0;
    const spy = vi.spyOn(fs, 'renameSync').mockImplementation((from, to) => {
      if (++calls === 2) throw Object.assign(new Error('EIO: i/o error, rename'), { code: 'EIO' });
      rename(from, to);
    });
    try {
      await expect(mb.append(batch([message('to new\r\n'), message('to cur\r\n', { flags: ['\\Seen'] })]))).rejects.toThrow(/EIO|Input\/output/);
    } finally {
      spy.mockRestore();
      await mb.close();
    }
    expect(calls).toBe(2);
    expect([filesIn(dir, 'new'), filesIn(dir, 'cur'), filesIn(dir, 'tmp')]).toEqual([[], [], []]);
    const after = snapshot(dir);
    expect(after['dovecot-uidlist']).toBe(before['dovecot-uidlist']);
    expect(fs.existsSync(path.join(dir, 'dovecot-uidlist.lock'))).toBe(false);
  });

  it('numbers the files the uidlist did not list before the appended ones, in Dovecot\'s order', async () => {
    const dir = makeFolder(path.join(tempDir(), 'md'), [
      { at: 'new/1700000009.M2P1.h', text: 'late\n', mtime: 2 },
      { at: 'cur/1700000009.M1P1.h:2,S', text: 'early\n', mtime: 1 },
    ], { uidlist: '3 V77 N5 G096ecc0c4e8c056b0062000083ecc375\n' });
    const { result } = await appendTo(dir, [message('appended\r\n')]);
    expect(result.uids).toEqual([7]);
    expect(uidlistOf(dir).split('\n').slice(1, 3)).toEqual(['5 :1700000009.M1P1.h', '6 :1700000009.M2P1.h']);
  });

  it('a read-only session cannot append', async () => {
    const { dir } = await created();
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'Maildir'), 'read', context().ctx);
    await expect(mb.append(batch([message('x\r\n')]))).rejects.toThrow(ReadOnlyMailbox);
    await mb.close();
  });
});

describe('flag changes and expunge', () => {
  /** A folder holding Dovecot's kinds of names: new/ without info, new/ with info, cur/ with P and an extension. */
  function folder(): string {
    return makeFolder(path.join(tempDir(), 'md'), [
      { at: 'new/1.M1P1.h,S=2,W=3', text: 'a\n', mtime: 1 },
      { at: 'new/2.M1P1.h,S=2,W=3:2,Sa', text: 'b\n', mtime: 2 },
      { at: 'cur/3.M1P1.h,S=2,W=3:2,PS,Xext', text: 'c\n', mtime: 3 },
      { at: 'cur/4.M1P1.h,S=2,W=3:2,T', text: 'd\n', mtime: 4 },
    ], {
      uidlist: '3 V77 N9 G096ecc0c4e8c056b0062000083ecc375\n1 :1.M1P1.h,S=2,W=3\n2 :2.M1P1.h,S=2,W=3\n3 W3 :3.M1P1.h,S=2,W=3\n',
      keywords: '0 work\n',
    });
  }

  async function change(dir: string, fn: (mb: Awaited<ReturnType<typeof maildirDriver.open>>) => Promise<unknown>) {
    const rec = context();
    const mb = await maildirDriver.open(ref(path.dirname(dir), path.basename(dir)), 'write', rec.ctx);
    try {
      return { value: await fn(mb), warnings: rec.warnings, notes: rec.notes };
    } finally {
      await mb.close();
    }
  }

  it('renames each file in its own directory: new/ stays new/ (\\Recent), unknown letters and extensions stay', async () => {
    const dir = folder();
    await change(dir, (mb) => mb.store([1, 2, 3], { add: { flags: ['\\Flagged'], keywords: ['urgent'] }, remove: { flags: ['\\Seen'], keywords: ['work'] } }));
    expect(filesIn(dir, 'new')).toEqual(['1.M1P1.h,S=2,W=3:2,Fb', '2.M1P1.h,S=2,W=3:2,Fb']);
    expect(filesIn(dir, 'cur')).toEqual(['3.M1P1.h,S=2,W=3:2,FPb,Xext', '4.M1P1.h,S=2,W=3:2,T']);
    expect(keywordsOf(dir)).toBe('0 work\n1 urgent\n');
    // the first change wrote the UID the session gave the unlisted message
    expect(uidlistOf(dir).split('\n').slice(-2)).toEqual(['9 :4.M1P1.h,S=2,W=3', '']);
    const back = await readBack(dir);
    expect(back.messages.map((m) => [m.uid, m.flags, m.keywords, m.recent])).toEqual([
      [1, ['\\Flagged'], ['urgent'], true], [2, ['\\Flagged'], ['urgent'], true], [3, ['\\Flagged'], ['urgent'], false],
      [9, ['\\Deleted'], [], false],
    ]);
  });

  it('the UIDs a session gave unlisted files hold when another program drops in a file that sorts before them', async () => {
    const dir = makeFolder(path.join(tempDir(), 'md'), [
      { at: 'cur/1700000005.M1P1.h:2,', text: 'five\n', mtime: 5 },
      { at: 'cur/1700000006.M1P1.h:2,', text: 'six\n', mtime: 6 },
    ], { uidlist: '3 V77 N5 G096ecc0c4e8c056b0062000083ecc375\n' });
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'md'), 'write', context().ctx);
    expect((await collect(mb.messages())).map((m) => [m.uid, m.text])).toEqual([[5, 'five\r\n'], [6, 'six\r\n']]);
    fs.writeFileSync(path.join(dir, 'new', '1700000001.M1P2.h'), 'newcomer\n');
    await mb.store([6], { add: { flags: ['\\Seen'] } });
    expect(filesIn(dir, 'cur')).toEqual(['1700000005.M1P1.h:2,', '1700000006.M1P1.h:2,S']);
    expect((await collect(mb.messages())).map((m) => [m.uid, m.text])).toEqual([[5, 'five\r\n'], [6, 'six\r\n'], [7, 'newcomer\r\n']]);
    await mb.close();
    expect(uidlistOf(dir).split('\n').slice(1)).toEqual(['5 :1700000005.M1P1.h', '6 :1700000006.M1P1.h', '7 :1700000001.M1P2.h', '']);
  });

  it('a change that changes nothing renames nothing', async () => {
    const dir = folder();
    await change(dir, (mb) => mb.store([1, 2], { add: { flags: [] } }));
    expect(filesIn(dir, 'new')).toEqual(['1.M1P1.h,S=2,W=3', '2.M1P1.h,S=2,W=3:2,Sa']);
  });

  it('warns about keywords it cannot make, as c-client does', async () => {
    const dir = folder();
    const { warnings } = await change(dir, (mb) => mb.store([1], { add: { keywords: ['bad word'] } }));
    expect(warnings).toEqual(['Invalid flag: bad word']);
  });

  it('expunge unlinks the \\Deleted files and rewrites the uidlist without their lines, N not lowered', async () => {
    const dir = folder();
    const ino = fs.statSync(path.join(dir, 'dovecot-uidlist')).ino;
    const { value, notes } = await change(dir, async (mb) => {
      await mb.store([3], { add: { flags: ['\\Deleted'] } });
      return mb.expunge();
    });
    expect(value).toBe(2);
    expect(notes).toEqual(['Expunged 2 messages']);
    expect(filesIn(dir, 'cur')).toEqual([]);
    expect(uidlistOf(dir)).toBe('3 V77 N10 G096ecc0c4e8c056b0062000083ecc375\n1 :1.M1P1.h,S=2,W=3\n2 :2.M1P1.h,S=2,W=3\n');
    expect(fs.statSync(path.join(dir, 'dovecot-uidlist')).ino).not.toBe(ino);
    expect(fs.existsSync(path.join(dir, 'dovecot-uidlist.lock'))).toBe(false);
    expect((await readBack(dir)).messages.map((m) => m.uid)).toEqual([1, 2]);
  });

  it('expunge of given UIDs removes only those of them that are \\Deleted', async () => {
    const dir = folder();
    await change(dir, (mb) => mb.store([1, 2], { add: { flags: ['\\Deleted'] } }));
    const { value } = await change(dir, (mb) => mb.expunge([2, 3]));
    expect(value).toBe(1);
    expect((await readBack(dir)).messages.map((m) => m.uid)).toEqual([1, 3, 9]);
  });
});

describe('damage', () => {
  it('a broken uidlist stops a change with Dovecot\'s words and the offset of the bad line, and the folder stays as it was', async () => {
    const dir = makeFolder(path.join(tempDir(), 'md'), [
      { at: 'cur/1.M1P1.h:2,', text: 'a\n', mtime: 1 },
      { at: 'cur/2.M1P1.h:2,', text: 'b\n', mtime: 1 },
    ], { uidlist: '3 V9 N4\n5 :2.M1P1.h\n4 :1.M1P1.h\n' });
    const before = snapshot(dir);
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'md'), 'write', context().ctx);
    try {
      for (const attempt of [() => mb.store([5], { add: { flags: ['\\Seen'] } }), () => mb.expunge(), () => mb.append(batch([message('Subject: c\n\nc\n')]))]) {
        const err = await attempt().then(() => undefined, (e: unknown) => e);
        expect(err).toBeInstanceOf(CorruptMailbox);
        expect(err).toMatchObject({
          offset: '3 V9 N4\n5 :2.M1P1.h\n'.length,
          detail: `Broken file ${path.join(dir, 'dovecot-uidlist')} line 3: UIDs not ordered (4 >= 5): `
            + 'mailsmith changes nothing in this folder until it is repaired (doveadm force-resync)',
        });
      }
    } finally {
      await mb.close();
    }
    expect(snapshot(dir)).toEqual(before);
  });
});

describe('delete and rename', () => {
  it('rename takes a Maildir++ folder\'s children along and keeps the marker', async () => {
    const { home, dir } = await created();
    await maildirDriver.create(ref(home, 'Maildir/.Lists'), context().ctx);
    await maildirDriver.create(ref(home, 'Maildir/.Lists.linux'), context().ctx);
    await maildirDriver.create(ref(home, 'Maildir/.Listsx'), context().ctx);
    await maildirDriver.rename(ref(home, 'Maildir/.Lists'), ref(home, 'Maildir/.Mail'), context().ctx);
    expect(fs.readdirSync(dir).filter((e) => e.startsWith('.')).sort()).toEqual(['.Listsx', '.Mail', '.Mail.linux']);
    expect(fs.existsSync(path.join(dir, '.Mail', 'maildirfolder'))).toBe(true);
    expect(fs.existsSync(path.join(dir, '.Mail.linux', 'maildirfolder'))).toBe(true);
  });

  it('rename out of a Maildir drops the marker', async () => {
    const { home, dir } = await created();
    await maildirDriver.create(ref(home, 'Maildir/.Sent'), context().ctx);
    await maildirDriver.rename(ref(home, 'Maildir/.Sent'), ref(home, 'sent'), context().ctx);
    expect(fs.readdirSync(path.join(home, 'sent')).sort()).toEqual(['cur', 'dovecot-uidlist', 'new', 'tmp']);
    expect(fs.existsSync(path.join(dir, '.Sent'))).toBe(false);
  });

  it('delete removes a folder; a root holding Maildir++ folders keeps them and stays as a directory', async () => {
    const { home, dir } = await created();
    await appendTo(dir, [message('x\r\n')]);
    await maildirDriver.create(ref(home, 'Maildir/.Sent'), context().ctx);
    await maildirDriver.delete(ref(home, 'Maildir/.Sent'), context().ctx);
    expect(fs.existsSync(path.join(dir, '.Sent'))).toBe(false);
    await maildirDriver.create(ref(home, 'Maildir/.Trash'), context().ctx);
    const rec = context();
    await maildirDriver.delete(ref(home, 'Maildir'), rec.ctx);
    expect(fs.readdirSync(dir)).toEqual(['.Trash']);
    expect(rec.warnings).toEqual(['Maildir holds other mailboxes: its messages are deleted, the directory and what else it holds stay']);
    expect(await maildirDriver.probe(dir)).toBe(false);
  });
});
