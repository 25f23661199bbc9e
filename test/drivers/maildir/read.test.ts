// Reading folders as Dovecot leaves them (formats-dir.md 6.2-6.6, 6.8): UIDs
// from dovecot-uidlist and, for files it does not list, in Dovecot's order;
// flags and keywords from the names; \Recent = new/; the internal date from
// the mtime; sizes from W=; LF text given back with CRLF. Opening, read-only or
// read-write, writes nothing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { maildirDriver } from '../../../src/drivers/maildir/index.js';
import { MailboxNotFound, NotAMailbox } from '../../../src/errors.js';
import { collect, context, makeFolder, PINNED, ref, snapshot, tempDir, type FileSpec } from './helpers.js';

process.env.TZ = 'UTC';

const ONE = 'From: a@b\nSubject: one\n\nHello.\n';
const FOUR = 'Subject: four\n\nPassed on.\n';
const FIVE = 'Subject: five\n\nUnlisted, in cur/.\n';
const SIX = 'Subject: six\n\nUnlisted, in new/, no final newline';
const crlf = (s: string): string => s.replaceAll('\n', '\r\n');
const vsize = (s: string): number => crlf(s).length;

/** A folder as Dovecot leaves one after saves, a flag change in new/, an expunge and two files dropped in. */
function dovecotFolder(): string {
  const files: FileSpec[] = [
    { at: `new/1795525715.M718625P25176.host,S=${ONE.length},W=${vsize(ONE)}:2,FRSab`, text: ONE, mtime: Date.UTC(2023, 0, 2, 3, 4, 5) / 1000 },
    { at: 'cur/1700000000.P123Q0.host:2,PS', text: FOUR, mtime: 1_700_000_000 },
    { at: `cur/1700000001.P124Q0.host,S=${FIVE.length}:2,Sz`, text: FIVE, mtime: 1_700_000_001 },
    { at: 'new/1700000002.P125Q0.host', text: SIX, mtime: 1_700_000_002 },
    { at: 'cur/.hidden', text: 'not a message', mtime: 1 },
  ];
  const dir = makeFolder(path.join(tempDir(), 'Maildir'), files, {
    uidlist: '3 V1795525712 N3 G096ecc0c4e8c056b0062000083ecc375\n'
      + `1 :1795525715.M718625P25176.host,S=${ONE.length},W=${vsize(ONE)}\n`
      + '2 :1795525715.M734316P25178.host,S=211,W=220\n'
      + `4 W${vsize(FOUR)} :1700000000.P123Q0.host\n`,
    keywords: '0 work\n1 urgent\n',
  });
  fs.mkdirSync(path.join(dir, 'cur', 'somedir'));
  return dir;
}

async function read(dir: string, mode: 'read' | 'write' = 'read') {
  const rec = context();
  const mb = await maildirDriver.open(ref(path.dirname(dir), path.basename(dir)), mode, rec.ctx);
  try {
    const messages = await collect(mb.messages());
    return { messages, meta: mb.meta, warnings: rec.warnings, byteSize: mb.byteSize };
  } finally {
    await mb.close();
  }
}

describe('reading a folder Dovecot made', () => {
  it('reports every message as Dovecot does', async () => {
    const { messages, meta } = await read(dovecotFolder());
    expect(meta).toEqual({ uidValidity: 1795525712, uidLast: 6, keywords: ['work', 'urgent', 'unknown-25'] });
    expect(messages).toEqual([
      {
        uid: 1, internalDate: ' 2-Jan-2023 03:04:05 +0000', flags: ['\\Seen', '\\Flagged', '\\Answered'],
        keywords: ['work', 'urgent'], size: vsize(ONE), recent: true, text: crlf(ONE),
      },
      // P is kept in the name but not shown
      { uid: 4, internalDate: '14-Nov-2023 22:13:20 +0000', flags: ['\\Seen'], keywords: [], size: vsize(FOUR), recent: false, text: crlf(FOUR) },
      // not listed: UIDs from max(N, highest + 1), in Dovecot's order; a letter without a name is unknown-25
      { uid: 5, internalDate: '14-Nov-2023 22:13:21 +0000', flags: ['\\Seen'], keywords: ['unknown-25'], size: vsize(FIVE), recent: false, text: crlf(FIVE) },
      { uid: 6, internalDate: '14-Nov-2023 22:13:22 +0000', flags: [], keywords: [], size: vsize(SIX), recent: true, text: crlf(SIX) },
    ]);
  });

  it.each(['read', 'write'] as const)('opening it (%s) and reading every message writes nothing', async (mode) => {
    const dir = dovecotFolder();
    const before = snapshot(dir);
    await read(dir, mode);
    expect(snapshot(dir)).toEqual(before);
  });

  it('takes RFC822.SIZE from W= when the name has it (Dovecot trusts it too)', async () => {
    const dir = makeFolder(path.join(tempDir(), 'md'), [{ at: 'cur/1.M1P1.h,S=5,W=99:2,', text: 'ab\ncd', mtime: 1 }]);
    const { messages, byteSize } = await read(dir);
    expect(messages.map((m) => [m.size, m.text])).toEqual([[99, 'ab\r\ncd']]);
    expect(byteSize).toBe(5);
  });

  it('a folder without dovecot-uidlist gets its UIDs in Dovecot\'s order and a UID validity from the clock', async () => {
    const dir = makeFolder(path.join(tempDir(), 'md'), [
      { at: 'cur/1700000005.M20P9.h:2,S', text: 'b\n', mtime: 5 },
      { at: 'new/1700000005.M3P9.h', text: 'a\n', mtime: 4 },
      { at: 'new/1600000000.P1.h', text: 'z\n', mtime: 3 },
    ]);
    const { messages, meta } = await read(dir);
    expect(messages.map((m) => [m.uid, m.text])).toEqual([[1, 'z\r\n'], [2, 'a\r\n'], [3, 'b\r\n']]);
    expect(meta.uidValidity).toBe(Math.floor(PINNED.getTime() / 1000));
    expect(meta.uidLast).toBe(3);
  });

  it('a broken uidlist: warns in Dovecot\'s words and numbers the files after the damage as unlisted', async () => {
    const dir = makeFolder(path.join(tempDir(), 'md'), [
      { at: 'cur/1.M1P1.h:2,', text: 'a\n', mtime: 1 },
      { at: 'cur/2.M1P1.h:2,', text: 'b\n', mtime: 1 },
      { at: 'cur/3.M1P1.h:2,', text: 'c\n', mtime: 1 },
    ], { uidlist: '3 V9 N4\n5 :2.M1P1.h\n4 :1.M1P1.h\n6 :3.M1P1.h\n' });
    const { messages, warnings } = await read(dir);
    expect(messages.map((m) => [m.uid, m.text])).toEqual([[5, 'b\r\n'], [6, 'a\r\n'], [7, 'c\r\n']]);
    expect(warnings).toEqual([
      `Broken file ${path.join(dir, 'dovecot-uidlist')} line 3: UIDs not ordered (4 >= 5); reading the messages it lists before that line`,
    ]);
  });

  it('finds a message another program renamed after the folder was read, and skips one it deleted', async () => {
    const dir = dovecotFolder();
    const rec = context();
    const mb = await maildirDriver.open(ref(path.dirname(dir), path.basename(dir)), 'read', rec.ctx);
    // what an IMAP session does on SELECT: new/ to cur/ with ":2,"; and an expunge
    fs.renameSync(path.join(dir, 'new', '1700000002.P125Q0.host'), path.join(dir, 'cur', '1700000002.P125Q0.host:2,S'));
    fs.unlinkSync(path.join(dir, 'cur', '1700000000.P123Q0.host:2,PS'));
    const messages = await collect(mb.messages());
    await mb.close();
    expect(messages.map((m) => [m.uid, m.flags, m.recent])).toEqual([
      [1, ['\\Seen', '\\Flagged', '\\Answered'], true], [5, ['\\Seen'], false], [6, ['\\Seen'], false],
    ]);
  });

  it('lists the folder once to learn that many files are gone, not once per file', async () => {
    const files = Array.from({ length: 50 }, (_, i) => ({ at: `cur/${1000 + i}.M1P1.h:2,`, text: `${i}\n`, mtime: i }));
    const dir = makeFolder(path.join(tempDir(), 'md'), files);
    const mb = await maildirDriver.open(ref(path.dirname(dir), 'md'), 'read', context().ctx);
    for (let i = 0; i < 50; i += 2) fs.unlinkSync(path.join(dir, files[i]!.at));
    const readdir = vi.spyOn(fs, 'readdirSync');
    try {
      expect((await collect(mb.messages())).map((m) => m.uid)).toEqual(Array.from({ length: 25 }, (_, i) => 2 * i + 2));
      // one listing: new/ and cur/
      expect(readdir).toHaveBeenCalledTimes(2);
    } finally {
      readdir.mockRestore();
      await mb.close();
    }
  });

  it('refuses a directory without cur/ and new/, and a missing one', async () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'plain', 'cur'), { recursive: true });
    await expect(maildirDriver.open(ref(home, 'plain'), 'read', context().ctx)).rejects.toThrow(NotAMailbox);
    await expect(maildirDriver.open(ref(home, 'missing'), 'read', context().ctx)).rejects.toThrow(MailboxNotFound);
  });
});

describe('probe and internal names', () => {
  it('a Maildir is a directory with cur/ and new/ (tmp/ may be missing: it is made when writing)', async () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'a', 'cur'), { recursive: true });
    fs.mkdirSync(path.join(home, 'a', 'new'));
    fs.mkdirSync(path.join(home, 'b', 'cur'), { recursive: true });
    fs.writeFileSync(path.join(home, 'c'), 'x');
    expect(await maildirDriver.probe(path.join(home, 'a'))).toBe(true);
    expect(await maildirDriver.probe(path.join(home, 'b'))).toBe(false);
    expect(await maildirDriver.probe(path.join(home, 'c'))).toBe(false);
  });

  it('hides the folder\'s own entries; Maildir++ folders and other entries are children', () => {
    const internal = [
      'cur', 'new', 'tmp', 'dovecot-uidlist', 'dovecot-uidlist.lock', 'dovecot-keywords', 'dovecot.index',
      'dovecot.index.log', 'dovecot.list.index.log', 'dovecot-uidvalidity', 'dovecot-uidvalidity.6b0d0986',
      'maildirfolder', 'maildirsize', 'subscriptions', 'courierimapuiddb', 'courierimapkeywords', 'courierimapsubscribed',
    ];
    for (const e of internal) expect([e, maildirDriver.isInternal!(e)]).toEqual([e, true]);
    for (const e of ['.Sent', '.Lists.linux', 'archive', 'INBOX']) expect([e, maildirDriver.isInternal!(e)]).toEqual([e, false]);
  });
});
