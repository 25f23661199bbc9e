// Damaged mtx and tenex files give c-client's exact texts and offsets
// (formats-flat.md 5.5, 6). Every expected text below is what `mailutil check`
// (c-client 2007f) printed for the same damaged copy of the spec's 3-message
// file, whose second message starts at 165 (mtx) or 158 (tenex).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { MTX } from '../../../src/drivers/tenex-family/layout.js';
import { Scanner } from '../../../src/drivers/tenex-family/scanner.js';
import { CorruptMailbox } from '../../../src/errors.js';
import { collect, context, FAMILY, fileBytes, fileSha, ref, SPEC_MESSAGES, stored, tempDir, type Family, type RawMessage } from './helpers.js';
import { listingError } from '../../helpers/records.js';

process.env.TZ = 'UTC';

const second = (f: Family): number => (f.format === 'mtx' ? 165 : 158);
const third = (f: Family): number => (f.format === 'mtx' ? 290 : 276);
const end = (f: Family): number => (f.format === 'mtx' ? 393 : 374);
const size2 = (f: Family): number => Buffer.byteLength(stored(f, SPEC_MESSAGES[1]!.text));
const line2 = (f: Family, sep = ','): string => ` 2-Dec-1992 05:53:22 +0000${sep}${size2(f)};000000000046`;

/** The spec's file with the second message's header line changed. */
function withSecond(f: Family, change: Partial<RawMessage> & { eol?: string }): Buffer {
  const [a, b, c] = SPEC_MESSAGES as [RawMessage, RawMessage, RawMessage];
  const m = { ...b, ...change };
  const text = stored(f, b.text);
  const lineBytes = Buffer.from(`${m.date},${m.size ?? Buffer.byteLength(text)};${m.flags}${change.eol ?? f.eol}${text}`, 'latin1');
  return Buffer.concat([fileBytes(f, [a]), lineBytes, fileBytes(f, [c])]);
}

type Case = [string, (f: Family) => Buffer, (f: Family) => number, (f: Family) => string];

const junk = 'this is junk without a line end at all, more than sixty four bytes long';
const cases: Case[] = [
  ['file cut 10 bytes short', (f) => fileBytes(f, SPEC_MESSAGES).subarray(0, end(f) - 10), third,
    (f) => `Last message (at ${third(f)}) runs past end of file (${end(f)} > ${end(f) - 10})`],
  ['junk without a line end appended', (f) => Buffer.concat([fileBytes(f, SPEC_MESSAGES), Buffer.from(junk)]), end,
    (f) => `Unable to find ${f.format === 'mtx' ? 'CRLF' : 'newline'} at ${end(f)} in 64 bytes, text: ${junk.slice(0, 64)}`],
  ['short junk at the end', (f) => Buffer.concat([fileBytes(f, SPEC_MESSAGES), Buffer.from('this is junk')]), end,
    (f) => `Unable to find ${f.format === 'mtx' ? 'CRLF' : 'newline'} at ${end(f)} in 12 bytes, text: this is junk`],
  ['the comma replaced by a space', (f) => Buffer.from(fileBytes(f, SPEC_MESSAGES).toString('latin1').replace(line2(f), line2(f, ' ')), 'latin1'),
    second, (f) => `Unable to parse internal header at ${second(f)}: ${line2(f, ' ')}`],
  ['a non-digit flag', (f) => withSecond(f, { flags: 'x00000000046' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}:  2-Dec-1992 05:53:22 +0000,${size2(f)};x00000000046`],
  ['11 flag digits', (f) => withSecond(f, { flags: '00000000046' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}:  2-Dec-1992 05:53:22 +0000,${size2(f)};00000000046`],
  ['13 flag digits', (f) => withSecond(f, { flags: '0000000000046' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}:  2-Dec-1992 05:53:22 +0000,${size2(f)};0000000000046`],
  ['size 0', (f) => withSecond(f, { size: '0' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}:  2-Dec-1992 05:53:22 +0000,0;000000000046`],
  ['size 81x (strtoul stops at the x)', (f) => withSecond(f, { size: '81x' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}:  2-Dec-1992 05:53:22 +0000,81x;000000000046`],
  ['month Dez', (f) => withSecond(f, { date: ' 2-Dez-1992 05:53:22 +0000' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}:  2-Dez-1992 05:53:22 +0000,${size2(f)};000000000046`],
  ['a size past the end', (f) => withSecond(f, { size: '999' }), second,
    (f) => `Last message (at ${second(f)}) runs past end of file (${f.format === 'mtx' ? '1209 > 394' : '1201 > 375'})`],
  ['a NUL in the line (the text stops there)', (f) => withSecond(f, { date: ' 2-De\0-1992 05:53:22 +0000' }), second,
    (f) => `Unable to find ${f.format === 'mtx' ? 'CRLF' : 'newline'} at ${second(f)} in 64 bytes, text:  2-De`],
  ['size -5: c-client parses on 5 bytes before the text and complains there', (f) => withSecond(f, { size: '-5' }),
    (f) => (f.format === 'mtx' ? 204 : 196),
    (f) => (f.format === 'mtx' ? 'Unable to parse internal header at 204: 046' : 'Unable to parse internal header at 196: 0046')],
];

const mtxOnly: Case[] = [
  ['a line ending in LF alone', (f) => withSecond(f, { eol: '\n' }), second,
    (f) => `Unable to find CRLF at ${second(f)} in 64 bytes, text: ${line2(f)}\nFrom: Bob <bob@exampl`],
];
const tenexOnly: Case[] = [
  // tenex looks for the LF only: the CR stays in the flag field
  ['a line ending in CR LF', (f) => withSecond(f, { eol: '\r\n' }), second,
    (f) => `Unable to parse internal header elements at ${second(f)}: ${line2(f)}\r`],
  // the stray LF is read as an empty header line
  ['a size one byte too small', (f) => Buffer.from(fileBytes(f, SPEC_MESSAGES).toString('latin1').replace(',114;', ',113;'), 'latin1'),
    () => 157, () => 'Unable to parse internal header at 157: '],
];

describe.each(FAMILY)('$format', (f) => {
  const own = f.format === 'mtx' ? mtxOnly : tenexOnly;
  describe.each([...cases, ...own])('%s', (_, bytes, offset, detail) => {
    it.each(['read', 'write'] as const)('fails (%s) with c-client\'s text and offset, changing nothing', async (mode) => {
      const dir = tempDir();
      const p = path.join(dir, 'box');
      fs.writeFileSync(p, bytes(f), { mode: 0o600 });
      const before = fileSha(p);
      const err = await listingError(() => f.driver.open(ref(dir, 'box'), mode, context().ctx));
      expect(err).toBeInstanceOf(CorruptMailbox);
      expect(err).toMatchObject({ mailbox: 'box', offset: offset(f), detail: detail(f), message: `box: ${detail(f)}` });
      expect(fileSha(p)).toBe(before);
    });
  });

  it('reads through a size one byte too small when the stray byte still lets the next line parse (mtx; checked with mailutil)', async () => {
    if (f.format !== 'mtx') return;
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'box'), fileBytes(f, SPEC_MESSAGES).toString('latin1').replace(',120;', ',119;'), 'latin1');
    const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.size)).toEqual([119, 81, 59]);
    await mb.close();
  });

  // minus the line's own length: the next line is looked for where this one is
  it.each([[f.format === 'mtx' ? '-45' : '-44', 'the same line again (c-client loops)'], ['-400', 'a place before the file']])(
    'refuses size %s, which sends the parse to %s', async (size) => {
      const dir = tempDir();
      fs.writeFileSync(path.join(dir, 'box'), withSecond(f, { size }));
      const mb = await f.driver.open(ref(dir, 'box'), 'read', context().ctx);
      const err = await collect(mb.messages()).then(() => undefined, (e: unknown) => e);
      expect(err).toMatchObject({ offset: second(f) });
      expect((err as CorruptMailbox).detail).toMatch(/^Unable to parse internal header elements at /);
      await mb.close();
    });

  it('reports a file shrinking under a read-write session (c-client: Mailbox shrank)', async () => {
    const dir = tempDir();
    const p = path.join(dir, 'box');
    fs.writeFileSync(p, fileBytes(f, SPEC_MESSAGES), { mode: 0o600 });
    const mb = await f.driver.open(ref(dir, 'box'), 'write', context().ctx);
    fs.truncateSync(p, 200);
    await expect(collect(mb.messages())).rejects.toMatchObject({ offset: 200, detail: `Mailbox shrank from ${end(f)} to 200!` });
    await expect(mb.store([1], { add: { flags: ['\\Seen'] } })).rejects.toMatchObject({ detail: `Mailbox shrank from ${end(f)} to 200!` });
    await mb.close();
  });
});

it('reports a read that finds no data where a header line should be', async () => {
  const mtx = FAMILY[0]!;
  const dir = tempDir();
  const p = path.join(dir, 'box');
  fs.writeFileSync(p, fileBytes(mtx, SPEC_MESSAGES));
  const fd = fs.openSync(p, 'r');
  try {
    const scanner = new Scanner(fd, MTX, 'box', 0, 400, 0);
    await expect((async () => {
      while (await scanner.next());
    })()).rejects.toMatchObject({ offset: 393, detail: 'Unable to read internal header at 393, size = 400: no data read' });
  } finally {
    fs.closeSync(fd);
  }
});
