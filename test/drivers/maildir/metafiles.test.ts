// dovecot-keywords (formats-dir.md 6.5) and dovecot-uidlist (6.6): parsing the
// spec's verified examples, Dovecot's damage rules, and writing them back.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeywordTable, readKeywords, writeKeywords } from '../../../src/drivers/maildir/keywords.js';
import {
  appendUidlist, parseHeader, parseRecord, readUidlist, rewriteUidlist, writeUidlist, type UidlistRecord,
} from '../../../src/drivers/maildir/uidlist.js';
import { tempDir } from './helpers.js';

/** The spec's verified dovecot-keywords. */
const SPEC_KEYWORDS = '0 work\n1 urgent\n2 personal\n3 $Junk\n4 $Forwarded\n25 unknown-25\n';

/** The spec's verified dovecot-uidlist, after four saves and later additions. */
const SPEC_UIDLIST = [
  '3 V1795525712 N8 G096ecc0c4e8c056b0062000083ecc375',
  '1 :1795525715.M718625P25176.host,S=145,W=152',
  '2 :1795525715.M734316P25178.host,S=211,W=220',
  '3 :1795525715.M750012P25180.host,S=160,W=167',
  '4 :1795525715.M765440P25182.host,S=177,W=184',
  '5 W167 :1700000000.P123Q0.host',
  '6 W184 :1700000001.P124Q0.host,S=177',
  '7 W152 :1700000002.P125Q0.host',
].map((l) => `${l}\n`).join('');

function records(dir: string): { summary: ReturnType<typeof readUidlist>; records: UidlistRecord[] } {
  const out: UidlistRecord[] = [];
  const summary = readUidlist(dir, (r) => out.push(r));
  return { summary, records: out };
}

describe('dovecot-keywords', () => {
  it('reads the spec\'s file: index = letter, gaps allowed', () => {
    const t = KeywordTable.parse(SPEC_KEYWORDS);
    expect(t.list()).toEqual(['work', 'urgent', 'personal', '$Junk', '$Forwarded', 'unknown-25']);
    expect(t.nameAt(25)).toBe('unknown-25');
    expect(t.nameAt(5)).toBeUndefined();
    expect(t.namesOf((1 << 0) | (1 << 3) | (1 << 25))).toEqual(['work', '$Junk', 'unknown-25']);
    expect(t.serialize().toString()).toBe(SPEC_KEYWORDS);
  });

  it('skips what Dovecot skips: no space, an index out of 0-25, an empty name', () => {
    const t = KeywordTable.parse('junk\n26 toohigh\n-1 neg\n3 \n2 two\r\n');
    expect(t.list()).toEqual(['two']);
    expect(t.nameAt(2)).toBe('two');
  });

  it('looks names up ignoring case and gives a new one the first free index, up to 26', () => {
    const t = KeywordTable.parse(SPEC_KEYWORDS);
    expect(t.indexOf('WORK')).toBe(0);
    expect(t.add('$junk')).toBe(3);
    expect(t.add('new')).toBe(5);
    for (let i = 0; i < 19; i++) expect(t.add(`k${i}`)).toBe(6 + i);
    expect(t.add('one-too-many')).toBe(-1);
  });

  it('names a letter the file lacks unknown-N, as Dovecot does, avoiding a name in use', () => {
    const t = KeywordTable.parse('0 unknown-2\n');
    expect(t.nameUnknown(2)).toBe(true);
    expect(t.nameAt(2)).toBe('unknown-2?');
    expect(t.nameUnknown(0)).toBe(false);
  });

  it('is replaced through dovecot-keywords.lock with an mtime later than the one before', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'dovecot-keywords'), '0 a\n');
    const future = Math.floor(Date.now() / 1000) + 100;
    fs.utimesSync(path.join(dir, 'dovecot-keywords'), future, future);
    const before = readKeywords(dir);
    expect(before.mtime).toBe(future);
    before.table.add('b');
    const mtime = writeKeywords(dir, before.table, before.mtime, 0o600);
    expect(mtime).toBe(future + 1);
    expect(fs.readFileSync(path.join(dir, 'dovecot-keywords'), 'utf8')).toBe('0 a\n1 b\n');
    expect(readKeywords(dir).mtime).toBe(future + 1);
    expect(fs.existsSync(path.join(dir, 'dovecot-keywords.lock'))).toBe(false);
  });
});

describe('dovecot-uidlist', () => {
  it('reads the spec\'s file: header fields, records keyed by base, extension fields, lazy N', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), SPEC_UIDLIST);
    const { summary, records: r } = records(dir);
    expect(summary.header).toEqual({
      version: 3, uidValidity: 1795525712, nextUid: 8, guid: '096ecc0c4e8c056b0062000083ecc375', extra: [],
    });
    expect(summary.highestUid).toBe(7);
    expect(summary.partial).toBe(false);
    expect(r.map((x) => x.uid)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(r[4]).toEqual({ uid: 5, ext: 'W167', base: '1700000000.P123Q0.host' });
    expect(r[0]!.base).toBe('1795525715.M718625P25176.host,S=145,W=152');
  });

  it('keeps unknown header fields and reads the Courier-compatible version 1 header', () => {
    expect(parseHeader('3 V5 N1 Gffffffffffffffffffffffffffffffff Xsomething')).toMatchObject({ extra: ['Xsomething'] });
    expect(parseHeader('1 1234 7')).toMatchObject({ version: 1, uidValidity: 1234, nextUid: 7 });
    expect(parseRecord('4 1234.P1.host:2,S', 1, 0)).toEqual({ uid: 4, ext: '', base: '1234.P1.host' });
  });

  it.each([
    ['x V1 N1', 'Corrupted header (invalid version number)'],
    ['2 V1 N1', 'Unsupported version 2'],
    ['3 V0 N1', 'Broken header (uidvalidity = 0, next_uid=1)'],
    ['3 V7 Gnothex', 'Invalid mailbox GUID: nothex'],
  ])('calls the header %j broken as Dovecot does', (line, detail) => {
    expect(parseHeader(line)).toBe(detail);
  });

  it.each([
    ['3 :b', 3, 'UIDs not ordered (3 >= 3)'],
    ['x :b', 0, 'Invalid data: x :b'],
    ['5 W1 ', 0, 'Invalid extended fields: '],
    ['5 :a/b', 0, 'Broken filename: a/b'],
  ])('calls the record %j broken as Dovecot does', (line, previous, detail) => {
    expect(parseRecord(line, 3, previous)).toBe(detail);
  });

  it('stops at damage and says where; the records before it stay usable', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), '3 V1 N9\n1 :a\n3 :b\n2 :c\n4 :d\n');
    const { summary, records: r } = records(dir);
    expect(summary.damage).toEqual({ line: 4, offset: 18, detail: 'UIDs not ordered (2 >= 3)' });
    expect(r.map((x) => x.base)).toEqual(['a', 'b']);
  });

  it('ignores a last line without LF (a writer is appending it)', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), '3 V1 N1\n1 :a\n2 :b');
    const { summary, records: r } = records(dir);
    expect(r.map((x) => x.uid)).toEqual([1]);
    expect(summary.partial).toBe(true);
  });

  it('no file, or an empty one, has no header', () => {
    const dir = tempDir();
    expect(records(dir).summary.header).toBeUndefined();
    fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), '');
    expect(records(dir).summary.header).toBeUndefined();
  });

  it('is written whole through dovecot-uidlist.tmp, appended to, and rewritten without dropped lines', () => {
    const dir = tempDir();
    const header = { version: 3, uidValidity: 1795525712, nextUid: 8, guid: '096ecc0c4e8c056b0062000083ecc375', extra: [] };
    const first: UidlistRecord[] = [
      { uid: 1, ext: '', base: '1795525715.M718625P25176.host,S=145,W=152' },
      { uid: 5, ext: 'W167', base: '1700000000.P123Q0.host' },
    ];
    writeUidlist(dir, header, first, 0o600);
    const file = path.join(dir, 'dovecot-uidlist');
    expect(fs.readFileSync(file, 'utf8')).toBe(SPEC_UIDLIST.split('\n').filter((_, i) => i === 0 || i === 1 || i === 5).join('\n') + '\n');
    expect(fs.existsSync(path.join(dir, 'dovecot-uidlist.tmp'))).toBe(false);
    appendUidlist(dir, [{ uid: 9, ext: '', base: 'nine' }]);
    expect(fs.readFileSync(file, 'utf8').endsWith('5 W167 :1700000000.P123Q0.host\n9 :nine\n')).toBe(true);
    const inode = fs.statSync(file).ino;
    rewriteUidlist(dir, header, 10, (uid) => uid === 5, [{ uid: 10, ext: '', base: 'ten' }], 0o600);
    expect(fs.readFileSync(file, 'utf8')).toBe(
      '3 V1795525712 N10 G096ecc0c4e8c056b0062000083ecc375\n1 :1795525715.M718625P25176.host,S=145,W=152\n9 :nine\n10 :ten\n',
    );
    // replaced by rename, never rewritten in place
    expect(fs.statSync(file).ino).not.toBe(inode);
  });

  it('a rewrite turns a version 1 file into version 3 and never lowers N', () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'dovecot-uidlist'), '1 77 20\n3 old.name:2,S\n');
    const header = readUidlist(dir, () => {}).header!;
    rewriteUidlist(dir, header, 5, () => false, [], 0o600);
    expect(fs.readFileSync(path.join(dir, 'dovecot-uidlist'), 'utf8')).toMatch(/^3 V77 N20 G[0-9a-f]{32}\n3 :old\.name\n$/);
  });
});
