// repair-mbx on damaged copies of the spec's 3-message file (formats-flat.md 4.9): the
// problems in c-client's words (each first text is what `mailutil check` printed for the
// same damage, test/drivers/mbx/damage.test.ts), the messages saved, every byte accounted
// for, and the file the mbx driver then reads without a complaint. The same repairs
// checked against the real c-client are in test/interop/repair-mbx.test.ts.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { mbxDriver } from '../../src/drivers/mbx/index.js';
import { tuning } from '../../src/drivers/mbx/io.js';
import { MailboxLocked, NotAMailbox } from '../../src/errors.js';
import { flockNow } from '../../src/locks/index.js';
import { repairMbx, type RepairResult } from '../../src/ops/repair-mbx.js';
import { sharedDir } from '../helpers/paths.js';
import {
  collect, context, fileSha, headerBytes, mbxBytes, messageBytes, ref, SPEC_MESSAGES, tempDir, type RawMessage,
} from '../drivers/mbx/helpers.js';
import { expectAccounted, parseEntries, parseHeaderBlock } from './repair-helpers.js';

process.env.TZ = 'UTC';

const base = mbxBytes(SPEC_MESSAGES);
const lines = parseEntries(base);
const at = (k: number): number => lines[k]!.offset;
const semi = (k: number): number => base.indexOf(';', at(k));
const comma = (k: number): number => base.indexOf(',', at(k));

const overwrite = (where: number, s: string | Buffer): Buffer => {
  const b = Buffer.from(base);
  (typeof s === 'string' ? Buffer.from(s, 'latin1') : s).copy(b, where);
  return b;
};
const insert = (where: number, s: string | Buffer): Buffer =>
  Buffer.concat([base.subarray(0, where), typeof s === 'string' ? Buffer.from(s, 'latin1') : s, base.subarray(where)]);
const withSize = (k: number, size: string): Buffer =>
  Buffer.concat([base.subarray(0, comma(k) + 1), Buffer.from(size), base.subarray(semi(k))]);

const defaults = { ...tuning };
afterEach(() => Object.assign(tuning, defaults));

async function repairFile(bytes: Buffer, options: Parameters<typeof repairMbx>[2] = {}) {
  const dir = tempDir();
  fs.writeFileSync(path.join(dir, 'box'), bytes, { mode: 0o600 });
  const rec = context({ lockTimeoutMs: 500 });
  const result = await repairMbx(ref(dir, 'box'), rec.ctx, options);
  return { dir, file: path.join(dir, 'box'), result, warnings: rec.warnings };
}

/** What the mbx driver reads from the file: UID, date, flags, keywords, text. */
async function readBack(dir: string) {
  const rec = context();
  const mb = await mbxDriver.open(ref(dir, 'box'), 'read', rec.ctx);
  try {
    const seen = await collect(mb.messages());
    expect(rec.warnings).toEqual([]);
    return { meta: mb.meta, messages: seen.map((m) => ({ ...m, text: m.text.toString('latin1') })) };
  } finally {
    await mb.close();
  }
}

const original = SPEC_MESSAGES.map((m) => m.text);

describe('damage c-client stops at', () => {
  it.each<[string, Buffer, string, (r: RepairResult) => void]>([
    ['the comma replaced by a space', overwrite(comma(0), ' '),
      'Unable to parse internal header at 2048:  7-May-2001 20:54:30 -0700 120;000000030019-00000002',
      (r) => expect(r.actions.map((a) => a.text)).toEqual(['message at 2048: header line rewritten (date from its header line)'])],
    ['a non-hex digit in the flags', overwrite(semi(0) + 8, 'x'),
      'Unable to parse message flags at 2048:  7-May-2001 20:54:30 -0700,120;0000000x0019-00000002', () => {}],
    ['the dash before the UID replaced', overwrite(semi(0) + 13, '+'),
      'Unable to parse message UID at 2048:  7-May-2001 20:54:30 -0700,120;000000030019+00000002',
      (r) => expect(r.renumbered).toBe(0)],
    ['size 0000', withSize(0, '0000'),
      'Unable to parse message size at 2048:  7-May-2001 20:54:30 -0700,0000;000000030019-00000002', () => {}],
    ['month Mai (the date is taken from the Date: header)', overwrite(at(0) + 3, 'Mai'),
      'Unable to parse message date at 2048:  7-Mai-2001 20:54:30 -0700', () => {}],
    ['the first line lost its CR', Buffer.concat([base.subarray(0, semi(0) + 22), base.subarray(semi(0) + 23)]),
      'Unable to find CRLF at 2048 in 64 bytes, text:  7-May-2001 20:54:30 -0700,120;000000030019-00000002\nFrom: Alice', () => {}],
  ])('%s: reported in c-client\'s words, the line rewritten, nothing else changed', async (_, bytes, first, more) => {
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems[0]!.text).toBe(first);
    expect(result.healthy).toBe(false);
    expect(result.badmsg).toEqual([]);
    const entries = expectAccounted(bytes, result, fs.readFileSync(file));
    // the sound lines are kept byte for byte
    expect(entries.slice(1).map((e) => e.line)).toEqual(lines.slice(1).map((e) => e.line));
    const { messages } = await readBack(dir);
    expect(messages.map((m) => m.text)).toEqual(original);
    expect(messages.map((m) => m.internalDate)).toEqual(SPEC_MESSAGES.map((m) => m.date));
    more(result);
  });

  it('keeps the flags that can still be read when a flag digit is damaged', async () => {
    const { dir } = await repairFile(overwrite(semi(0) + 8, 'x'));
    const [first] = (await readBack(dir)).messages;
    // 0000000x: the keyword digit is lost; 0019: \Seen \Answered and "old" survive
    expect(first).toMatchObject({ uid: 2, flags: ['\\Seen', '\\Answered'], keywords: [] });
  });

  it('gives a message whose UID cannot be read a new one above the last, at the end of the file', async () => {
    const { dir, result } = await repairFile(overwrite(semi(0) + 20, 'g'));
    expect(result.problems.map((p) => p.text)).toEqual([
      'Unable to parse message UID at 2048:  7-May-2001 20:54:30 -0700,120;000000030019-000000g2',
    ]);
    expect(result.actions.map((a) => a.text)).toEqual([
      'message at 2048: an unreadable UID → UID 00000005, moved to the end of the mailbox',
      'message at 2048: header line rewritten (date from its header line)',
    ]);
    const back = await readBack(dir);
    expect(back.messages.map((m) => [m.uid, m.text])).toEqual([[3, original[1]], [4, original[2]], [5, original[0]]]);
    expect(back.meta.uidLast).toBe(5);
  });

  it('ends a message cut short at the end of the file, keeping what is left of it', async () => {
    const bytes = base.subarray(0, base.length - 10);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual(['Last message (at 2356) runs past end of file (2468 > 2458)']);
    expectAccounted(bytes, result, fs.readFileSync(file));
    const back = await readBack(dir);
    expect(back.messages.map((m) => m.text)).toEqual([original[0], original[1], original[2]!.slice(0, -10)]);
  });

  it.each([
    ['junk without a line end appended', 'this is junk without a line end at all, more than sixty four bytes long',
      'Unable to find CRLF at 2468 in 64 bytes, text: this is junk without a line end at all, more than sixty four byt'],
    ['short junk at the end', 'this is junk', 'Unable to find CRLF at 2468 in 12 bytes, text: this is junk'],
  ])('sets aside %s in NAME.badmsg.1', async (_, junk, first) => {
    const bytes = Buffer.concat([base, Buffer.from(junk)]);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual([first]);
    expect(result.badmsg).toEqual([{ file: `${file}.badmsg.1`, offset: 2468, length: junk.length, what: 'garbage' }]);
    expect(fs.readFileSync(`${file}.badmsg.1`, 'latin1')).toBe(junk);
    expect(fs.readFileSync(file).equals(base)).toBe(true);
    expect((await readBack(dir)).messages.map((m) => m.text)).toEqual(original);
  });

  it('sets aside garbage between messages and keeps both neighbours whole', async () => {
    const bytes = insert(at(1), 'garbage between two messages\r\nand more of it\r\n');
    const { file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual(['Unable to parse internal header at 2222: garbage between two messages']);
    expect(result.badmsg.map((b) => [b.offset, b.length])).toEqual([[2222, 46]]);
    expect(fs.readFileSync(file).equals(base)).toBe(true);
  });

  it('keeps the message before a zero-filled region whole and sets the zeros and what they hid aside', async () => {
    // the zeros cover the end of message 1's text and message 2's header line
    const bytes = overwrite(at(1) - 5, Buffer.alloc(70));
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems[0]!.text).toBe('Unable to find CRLF at 2222 in 64 bytes, text: ');
    expect(result.badmsg.map((b) => [b.offset, b.length])).toEqual([[at(1), at(2) - at(1)]]);
    expectAccounted(bytes, result, fs.readFileSync(file));
    const back = await readBack(dir);
    expect(back.messages.map((m) => m.uid)).toEqual([2, 4]);
    expect(back.messages[1]!.text).toBe(original[2]);
  });
});

describe('sizes', () => {
  it.each([
    ['one byte too small (c-client reads the stray byte into the next line)', '119'],
    ['too small, cutting a line', '100'],
    ['too large, into the next message', '130'],
    ['too large, past the end of the file', '9999'],
  ])('%s: corrected to end at the next internal header', async (_, size) => {
    const bytes = withSize(0, size);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.actions.map((a) => a.text)[0]).toMatch(new RegExp(`^message at 2048: size ${size} → 120 \\(`));
    expect(result.badmsg).toEqual([]);
    expectAccounted(bytes, result, fs.readFileSync(file));
    expect(fs.readFileSync(file).equals(base)).toBe(true);
    expect((await readBack(dir)).messages.map((m) => m.text)).toEqual(original);
  });

  it('reads a size c-client misreads (12x) from the next internal header, and says where c-client goes wrong', async () => {
    const { file, result } = await repairFile(withSize(0, '12x'));
    expect(result.problems[0]!.text).toBe('Internal header at 2048 is not as c-client writes it: '
      + ' 7-May-2001 20:54:30 -0700,12x;000000030019-00000002'
      + ' (c-client reads it with size 12, then: Unable to parse internal header at 2114: <alice@example.com>)');
    expect(fs.readFileSync(file).equals(base)).toBe(true);
  });
});

describe('a message whose text quotes an mbx header line', () => {
  // the quoted line is as c-client writes one, with as many bytes after it as it says
  const quoting: RawMessage = {
    date: ' 8-May-2001 20:54:30 -0700', status: '000000000011', uid: 3,
    text: 'From: Dave <dave@example.com>\r\nSubject: an mbx file\r\n\r\n'
      + ' 7-May-2001 20:54:30 -0700,12;000000000000-00000009\r\nhello worl\r\nthe end\r\n',
  };
  const messages = [SPEC_MESSAGES[0]!, quoting, { ...SPEC_MESSAGES[2]!, uid: 4 }];
  const sound = mbxBytes(messages, { last: 4 });
  const offsets = parseEntries(sound).map((e) => e.offset);

  const dash = sound.indexOf('-', offsets[2]! + 27);

  // the next message's line with 4 bytes more before its UID: no header line is read there, only its date
  const datedOnly = (b: Buffer): Buffer => Buffer.concat([b.subarray(0, dash), Buffer.from('junk'), b.subarray(dash)]);

  it.each<[string, (b: Buffer) => Buffer, number]>([
    ['the next message\'s header line damaged', (b) => {
      b[dash] = 0;
      return b;
    }, 3],
    ['the next header line damaged but for its date (that message set aside)', datedOnly, 2],
    ['its own header line damaged', (b) => {
      b[b.indexOf(',', offsets[1]!)] = 0x20;
      return b;
    }, 3],
  ])('is kept whole when %s: the size is believed over the quoted line', async (_, damage, kept) => {
    const bytes = damage(Buffer.from(sound));
    const { dir, file, result } = await repairFile(bytes);
    expectAccounted(bytes, result, fs.readFileSync(file));
    const back = await readBack(dir);
    expect(back.messages.map((m) => [m.uid, m.text])).toEqual(messages.slice(0, kept).map((m) => [m.uid, m.text]));
  });

  it('is kept whole when the next header line is gone: the quoted line\'s own size leads nowhere', async () => {
    const bytes = Buffer.from(sound);
    bytes.fill(0, offsets[2]!, bytes.indexOf('\r\n', offsets[2]!) + 2);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.badmsg.map((b) => [b.offset, b.length])).toEqual([[offsets[2], bytes.length - offsets[2]!]]);
    expectAccounted(bytes, result, fs.readFileSync(file));
    expect((await readBack(dir)).messages.map((m) => m.text)).toEqual([messages[0]!.text, quoting.text]);
  });
});

describe('UIDs', () => {
  const withUids = (uids: number[], last = 4): Buffer =>
    mbxBytes(SPEC_MESSAGES.map((m, k) => ({ ...m, uid: uids[k]! })), { last });

  it('renumbers a duplicated message only, moving it after the others', async () => {
    const bytes = insert(at(2), messageBytes(SPEC_MESSAGES[1]!));
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual([`Invalid UID 00000003 in message 3 (at ${at(2)}): the same as message 2's`]);
    expect(result.renumbered).toBe(1);
    expectAccounted(bytes, result, fs.readFileSync(file));
    const back = await readBack(dir);
    expect(back.messages.map((m) => [m.uid, m.text])).toEqual([[2, original[0]], [3, original[1]], [4, original[2]], [5, original[1]]]);
  });

  it.each<[string, number[], number, string, number[]]>([
    ['a UID above the header\'s last', [2, 3, 9], 4, 'Invalid UID 00000009 in message 3 (at 2356): above the header\'s last UID 00000004', [2, 3, 5]],
    ['descending UIDs', [2, 4, 3], 4, 'Invalid UID 00000003 in message 3 (at 2356): not above the UID before it (00000004)', [2, 4, 5]],
    ['a message without a UID before numbered ones', [0, 3, 4], 4, 'Message 1 (at 2048) has no UID but numbered messages follow it', [3, 4, 5]],
  ])('%s: that message renumbered', async (_, uids, last, text, after) => {
    const { dir, result } = await repairFile(withUids(uids, last));
    expect(result.problems.map((p) => p.text)).toEqual([text]);
    expect((await readBack(dir)).messages.map((m) => m.uid)).toEqual(after);
  });

  it('leaves messages without UIDs alone when no numbered message follows them (c-client numbers them)', async () => {
    const bytes = withUids([2, 0, 0]);
    const { file, result } = await repairFile(bytes);
    expect(result.healthy).toBe(true);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
  });
});

describe('the header block', () => {
  const messages = Buffer.concat(SPEC_MESSAGES.map(messageBytes));

  it('rebuilds a block whose magic is gone, keeping the UID validity, last UID and keywords', async () => {
    const bytes = Buffer.concat([headerBytes({ last: 4 }), messages]);
    bytes.write('XXXXX', 0, 'latin1');
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual(['Not a MBX-format mailbox: box (it does not start with "*mbx*" CRLF, 16 hex digits, CRLF)']);
    expect(result.headerRebuilt).toBe(true);
    expect(result.badmsg).toEqual([{ file: `${file}.badmsg.1`, offset: 0, length: 2048, what: 'header' }]);
    expectAccounted(bytes, result, fs.readFileSync(file));
    expect(parseHeaderBlock(fs.readFileSync(file))).toEqual({ uidValidity: 0x6aebd58b, uidLast: 4, keywords: ['work', '$Label1', 'Junk'] });
    expect((await readBack(dir)).messages.map((m) => m.keywords)).toEqual([['work', '$Label1'], ['Junk'], []]);
  });

  it('names a keyword whose name was damaged, so that no message loses it', async () => {
    const bytes = Buffer.concat([headerBytes({ last: 4 }), messages]);
    bytes.write('w rk', 25, 'latin1');
    const { dir, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual([
      'Damaged header block at 25: keyword 1 is not a valid keyword: "w rk"',
      '1 message(s) have keyword 1, which the header block does not name',
    ]);
    const back = await readBack(dir);
    expect(back.meta.keywords).toEqual(['$RepairedKeyword1', '$Label1', 'Junk']);
    expect(back.messages.map((m) => m.keywords)).toEqual([['$RepairedKeyword1', '$Label1'], ['Junk'], []]);
  });

  it('drops an unreadable keyword no message has, and moves the bits of the later ones down', async () => {
    const bytes = Buffer.concat([headerBytes({ last: 4, keywords: ['work', 'b@d name', '$Label1', 'Junk'] }),
      ...SPEC_MESSAGES.map((m, k) => messageBytes({ ...m, status: ['000000050019', '000000080036', '000000000010'][k]! }))]);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual(['Damaged header block at 31: keyword 2 is not a valid keyword: "b@d name"']);
    expect(parseEntries(fs.readFileSync(file)).map((e) => e.keywords)).toEqual([3, 4, 0]);
    expect((await readBack(dir)).messages.map((m) => m.keywords)).toEqual([['work', '$Label1'], ['Junk'], []]);
  });

  it('finds the messages where a header block that lost bytes ends, in a file longer than 2048 bytes', async () => {
    const many = Buffer.concat([messages, messages, messages, messages]);
    const bytes = Buffer.concat([headerBytes({ last: 4 }).subarray(0, 1500), many]);
    const { file, result } = await repairFile(bytes);
    expect(result.problems[0]!.text).toBe('Damaged header block at 1500: byte 1500 is not what c-client writes there (" ")');
    expect(result.badmsg.map((b) => [b.offset, b.length, b.what])).toEqual([[0, 1500, 'header']]);
    expect(parseEntries(fs.readFileSync(file)).map((e) => e.text.toString('latin1'))).toEqual([...original, ...original, ...original, ...original]);
  });

  it('writes NULs over a PID field that holds garbage', async () => {
    const bytes = Buffer.concat([headerBytes({ last: 4 }), messages]);
    bytes.write('garbage!\r\n', 2038, 'latin1');
    const { file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual(['Damaged header block at 2038: the PID field is neither hex digits and CRLF nor NUL bytes']);
    expect(fs.readFileSync(file).subarray(2038, 2048).every((b) => b === 0)).toBe(true);
  });

  it('takes a file whose probe lost a byte as mbx even when no message line can be read: its bytes set aside', async () => {
    const bytes = Buffer.concat([headerBytes({ last: 4 }), messageBytes(SPEC_MESSAGES[0]!)]);
    bytes[0] = 0;
    bytes.fill(0, 2048, 2048 + 80);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems[0]!.text).toBe('Not a MBX-format mailbox: box (it does not start with "*mbx*" CRLF, 16 hex digits, CRLF)');
    expect(result).toMatchObject({ healthy: false, messages: 0, headerRebuilt: true });
    expect(result.badmsg.map((b) => [b.offset, b.length, b.what])).toEqual([[0, 2048, 'header'], [2048, bytes.length - 2048, 'garbage']]);
    expectAccounted(bytes, result, fs.readFileSync(file));
    expect(parseHeaderBlock(fs.readFileSync(file))).toEqual({ uidValidity: 0x6aebd58b, uidLast: 4, keywords: [] });
    expect((await readBack(dir)).messages).toEqual([]);
  });

  it('rebuilds a header block cut short and keeps the messages found inside it', async () => {
    const bytes = Buffer.concat([headerBytes({ last: 4 }).subarray(0, 1000), messages]);
    const { dir, file, result } = await repairFile(bytes);
    expect(result.problems.map((p) => p.text)).toEqual([`Not a MBX-format mailbox: box (the header block is cut short: ${bytes.length} of 2048 bytes)`]);
    expect(result.badmsg.map((b) => [b.offset, b.length, b.what])).toEqual([[0, 1000, 'header']]);
    expectAccounted(bytes, result, fs.readFileSync(file));
    expect((await readBack(dir)).messages.map((m) => m.text)).toEqual(original);
  });
});

describe('healthy mailboxes', () => {
  it.each(['mbx', 'mbx-pruned'])('leaves the golden %s byte for byte and its times as they were', async (name) => {
    const dir = tempDir();
    const file = path.join(dir, name);
    fs.copyFileSync(path.join(sharedDir(), 'corpus', 'golden', name), file);
    const before = fs.statSync(file);
    const sha = fileSha(file);
    const result = await repairMbx(ref(dir, name), context().ctx);
    expect(result).toMatchObject({ healthy: true, problems: [], badmsg: [], backup: null });
    expect(result.segments.map((s) => s.kind)).toEqual(['header', 'messages']);
    expect(fileSha(file)).toBe(sha);
    expect(fs.statSync(file).mtimeMs).toBe(before.mtimeMs);
    expect(fs.readdirSync(dir)).toEqual([name]);
  });
});

describe('around the repair', () => {
  const damaged = withSize(0, '130');

  it('keeps the original as NAME.bak-TIMESTAMP, with the repaired file\'s mode', async () => {
    const { dir, file, result } = await repairFile(damaged);
    expect(result.backup).toBe(`${file}.bak-20261105T010203Z`);
    expect(fs.readFileSync(result.backup!).equals(damaged)).toBe(true);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(fs.readdirSync(dir).sort()).toEqual(['box', 'box.bak-20261105T010203Z']);
  });

  it('keeps no backup with backup: false', async () => {
    const { dir, result } = await repairFile(damaged, { backup: false });
    expect(result.backup).toBeNull();
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it('changes nothing on a dry run, and says what it would do', async () => {
    const bytes = Buffer.concat([damaged, Buffer.from('junk')]);
    const { dir, file, result } = await repairFile(bytes, { dryRun: true });
    expect(result.dryRun).toBe(true);
    expect(result.problems.length).toBeGreaterThan(0);
    expect(result.badmsg.map((b) => b.file)).toEqual([`${file}.badmsg.1`]);
    expect(fs.readFileSync(file).equals(bytes)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['box']);
    expect(result.bytes).toEqual({ before: bytes.length, after: base.length });
  });

  it('numbers badmsg files on from those an earlier repair left', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'box'), Buffer.concat([base, Buffer.from('junk')]));
    fs.writeFileSync(path.join(dir, 'box.badmsg.1'), 'earlier');
    fs.writeFileSync(path.join(dir, 'box.badmsg.7'), 'earlier');
    const result = await repairMbx(ref(dir, 'box'), context().ctx);
    expect(result.badmsg.map((b) => path.basename(b.file))).toEqual(['box.badmsg.8']);
  });

  it('refuses a mailbox another process has open, changing nothing', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'box');
    fs.writeFileSync(file, damaged);
    const fd = fs.openSync(file, 'r');
    expect(flockNow(fd, 'shared')).toBe(true);
    try {
      await expect(repairMbx(ref(dir, 'box'), context({ lockTimeoutMs: 200 }).ctx)).rejects.toBeInstanceOf(MailboxLocked);
    } finally {
      fs.closeSync(fd);
    }
    expect(fs.readFileSync(file).equals(damaged)).toBe(true);
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it.each([
    ['a unix mailbox', 'From user Wed Dec  2 05:53:22 1992\nSubject: x\n\nbody\n', /box is a unix mailbox, not mbx/],
    ['a plain file', 'just some text\nthat is no mailbox\n', /not an mbx file: no mbx header block and no mbx message lines/],
  ])('refuses %s', async (_, text, message) => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'box'), text);
    const err = await repairMbx(ref(dir, 'box'), context().ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotAMailbox);
    expect((err as Error).message).toMatch(message);
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it('finds the same damage however the file is cut into chunks', async () => {
    const many: RawMessage[] = [];
    for (let k = 0; k < 40; k++) many.push({ ...SPEC_MESSAGES[k % 3]!, uid: k + 2 });
    const sound = mbxBytes(many, { last: 41 });
    const entries = parseEntries(sound);
    const bytes = Buffer.from(sound);
    bytes.write('junk', entries[10]!.offset + 3, 'latin1');
    bytes.write('99', bytes.indexOf(',', entries[25]!.offset) + 1, 'latin1');
    const results: unknown[] = [];
    for (const chunk of [defaults.chunkSize, 1024, 300]) {
      tuning.chunkSize = chunk;
      const { result } = await repairFile(bytes, { dryRun: true });
      results.push({ problems: result.problems, actions: result.actions.map((a) => a.text.replace(/\/tmp\/[^ ]*/, 'F')) });
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });
});
