// Damaged mbx files give c-client's exact error texts and offsets
// (formats-flat.md 4.8). Every expected text below is what `mailutil check`
// (c-client 2007f) printed for the same damaged copy of the spec's 3-message file.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { mbxDriver } from '../../../src/drivers/mbx/index.js';
import { CorruptMailbox } from '../../../src/errors.js';
import { collect, context, fileSha, mbxBytes, ref, SPEC_MESSAGES, tempDir } from './helpers.js';
import { listingError } from '../../helpers/records.js';

process.env.TZ = 'UTC';

const base = mbxBytes(SPEC_MESSAGES);
const line0 = 2048;
const comma0 = base.indexOf(',', line0);
const semi0 = base.indexOf(';', line0);
const cr0 = base.indexOf(13, line0);

const overwrite = (at: number, s: string): Buffer => {
  const b = Buffer.from(base);
  b.write(s, at, 'latin1');
  return b;
};
const withSize = (size: string): Buffer =>
  Buffer.concat([base.subarray(0, comma0 + 1), Buffer.from(size), base.subarray(semi0)]);

const cases: [string, Buffer, number, string][] = [
  ['file cut 10 bytes short', base.subarray(0, base.length - 10), 2356,
    'Last message (at 2356) runs past end of file (2468 > 2458)'],
  ['first header line lost its CR', Buffer.concat([base.subarray(0, cr0), base.subarray(cr0 + 1)]), 2048,
    'Unable to find CRLF at 2048 in 64 bytes, text:  7-May-2001 20:54:30 -0700,120;000000030019-00000002\nFrom: Alice'],
  ['junk without a line end appended', Buffer.concat([base, Buffer.from('this is junk without a line end at all, more than sixty four bytes long')]), 2468,
    'Unable to find CRLF at 2468 in 64 bytes, text: this is junk without a line end at all, more than sixty four byt'],
  ['short junk at the end', Buffer.concat([base, Buffer.from('this is junk')]), 2468,
    'Unable to find CRLF at 2468 in 12 bytes, text: this is junk'],
  ['the comma replaced by a space', overwrite(comma0, ' '), 2048,
    'Unable to parse internal header at 2048:  7-May-2001 20:54:30 -0700 120;000000030019-00000002'],
  ['a non-hex digit in the flags', overwrite(semi0 + 8, 'x'), 2048,
    'Unable to parse message flags at 2048:  7-May-2001 20:54:30 -0700,120;0000000x0019-00000002'],
  ['the dash before the UID replaced', overwrite(semi0 + 13, '+'), 2048,
    'Unable to parse message UID at 2048:  7-May-2001 20:54:30 -0700,120;000000030019+00000002'],
  ['a non-hex UID digit', overwrite(semi0 + 20, 'g'), 2048,
    'Unable to parse message UID at 2048:  7-May-2001 20:54:30 -0700,120;000000030019-000000g2'],
  ['size 0000', withSize('0000'), 2048,
    'Unable to parse message size at 2048:  7-May-2001 20:54:30 -0700,0000;000000030019-00000002'],
  ['an empty size', withSize(''), 2048,
    'Unable to parse message size at 2048:  7-May-2001 20:54:30 -0700,;000000030019-00000002'],
  ['size 12x (read as 12)', withSize('12x'), 2114,
    'Unable to parse internal header at 2114: <alice@example.com>'],
  ['size x (read as 0)', withSize('x'), 2100,
    'Unable to parse internal header at 2100: From: Alice <alice@example.com>'],
  ['size -1 (wraps: the next line is looked for one byte before the text)', withSize('-1'), 2100,
    'Unable to parse internal header at 2100: \nFrom: Alice <alice@example.com>'],
  ['size -100 (wraps: the next line is looked for in the file header)', withSize('-100'), 2003,
    'Unable to find CRLF at 2003 in 64 bytes, text: '],
  ['a size too long for the line to fit in 64 bytes', withSize('99999999999999999999999'), 2048,
    'Unable to find CRLF at 2048 in 64 bytes, text:  7-May-2001 20:54:30 -0700,99999999999999999999999;000000030019-'],
  ['month Mai', overwrite(line0 + 3, 'Mai'), 2048,
    'Unable to parse message date at 2048:  7-Mai-2001 20:54:30 -0700'],
  ['the line end replaced by a character', overwrite(semi0 + 22, 'X'), 2048,
    'Unable to find CRLF at 2048 in 64 bytes, text:  7-May-2001 20:54:30 -0700,120;000000030019-00000002X\nFrom: Alic'],
  ['a NUL in the line (the text stops there)', overwrite(line0 + 5, '\0'), 2048,
    'Unable to find CRLF at 2048 in 64 bytes, text:  7-Ma'],
  ['a CR not followed by LF', overwrite(line0 + 5, '\r'), 2048,
    'Unable to find CRLF at 2048 in 64 bytes, text:  7-Ma\r-2001 20:54:30 -0700,120;000000030019-00000002\r\nFrom: Alic'],
];

describe.each(cases)('%s', (_, bytes, offset, detail) => {
  it.each(['read', 'write'] as const)('fails to list (%s) with c-client\'s text and offset, changing nothing', async (mode) => {
    const dir = tempDir();
    fs.writeFileSync(`${dir}/box`, bytes, { mode: 0o600 });
    const before = fileSha(`${dir}/box`);
    const name = 'box';
    const err = await listingError(() => mbxDriver.open(ref(dir, name), mode, context().ctx));
    expect(err).toBeInstanceOf(CorruptMailbox);
    expect(err).toMatchObject({ mailbox: name, offset, detail, message: `${name}: ${detail}` });
    expect(fileSha(`${dir}/box`)).toBe(before);
  });
});

it.each([
  // c-client parsed the same line over and over until "Mailbox has more messages (1000001) exist than maximum"
  ['-54', 'a size that sends the parse back to the same line'],
  // c-client read at a negative position, from wherever its file pointer was
  ['-2200', 'a size that sends the parse before the start of the file'],
])('refuses size %s, %s, where c-client went astray', async (size) => {
  const dir = tempDir();
  fs.writeFileSync(`${dir}/box`, withSize(size), { mode: 0o600 });
  const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
  await expect(collect(mb.messages())).rejects.toMatchObject({
    offset: 2048, detail: `Unable to parse message size at 2048:  7-May-2001 20:54:30 -0700,${size};000000030019-00000002`,
  });
  await mb.close();
});

describe('damage c-client reads through (what ccdump reported)', () => {
  it.each([
    ['a size with leading space', withSize(' 120'), [120, 81, 59]],
    // the stray LF starts the next line: strtoul skips it as white space before the day
    ['a size one byte too small (the byte joins the next line, whose date still parses)', withSize('119'), [119, 81, 59]],
  ])('%s', async (_, bytes, sizes) => {
    const dir = tempDir();
    fs.writeFileSync(`${dir}/box`, bytes, { mode: 0o600 });
    const mb = await mbxDriver.open(ref(dir, 'box'), 'read', context().ctx);
    const seen = await collect(mb.messages());
    expect(seen.map((m) => [m.uid, m.internalDate, m.size])).toEqual([
      [2, ' 7-May-2001 20:54:30 -0700', sizes[0]], [3, ' 2-Dec-1992 05:53:22 +0000', sizes[1]], [4, ' 9-Jan-2007 03:04:05 -0800', sizes[2]],
    ]);
    await mb.close();
  });
});
