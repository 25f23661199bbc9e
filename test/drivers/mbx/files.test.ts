// mbx files as wholes: the probe, the header of a new mailbox, the message
// line format, delete and rename under c-client's locks.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatEntry, strtoulSize } from '../../../src/drivers/mbx/entry.js';
import { parseHeader, serializeHeader } from '../../../src/drivers/mbx/header.js';
import { mbxDriver } from '../../../src/drivers/mbx/index.js';
import { MailboxExists, MailboxLocked, MailboxNotFound } from '../../../src/errors.js';
import { acquireTmpLock, flockNow } from '../../../src/locks/index.js';
import { collect, context, headerBytes, mbxBytes, ref, SPEC_MESSAGES, tempDir, writeMbx } from './helpers.js';

process.env.TZ = 'UTC';

describe('probe (formats-flat.md 4.1)', () => {
  const dir = tempDir();
  const put = (name: string, bytes: Buffer): string => {
    fs.writeFileSync(path.join(dir, name), bytes);
    return path.join(dir, name);
  };
  const good = headerBytes({ last: 4 });

  it('accepts 2048 readable bytes starting *mbx* CRLF, 16 hex digits (either case), CRLF', async () => {
    expect(await mbxDriver.probe(put('good', good))).toBe(true);
    const upper = Buffer.from(good);
    upper.write('6AEBD58B', 7, 'latin1');
    expect(await mbxDriver.probe(put('upper', upper))).toBe(true);
    // nothing else is checked: the keyword area may hold anything
    const junk = Buffer.from(good);
    junk.write('\0\0junk', 25, 'latin1');
    expect(await mbxDriver.probe(put('junk', junk))).toBe(true);
  });

  it.each([
    ['2047 bytes (a truncated mbx file)', good.subarray(0, 2047)],
    ['a non-hex digit', Buffer.concat([Buffer.from('*mbx*\r\n6aebd58g00000004\r\n'), good.subarray(25)])],
    ['LF instead of CRLF after the magic', Buffer.concat([Buffer.from('*mbx*\n\n6aebd58b00000004\r\n'), good.subarray(25)])],
    ['no CRLF after the digits', Buffer.concat([Buffer.from('*mbx*\r\n6aebd58b00000004 \n'), good.subarray(25)])],
    ['another magic', Buffer.concat([Buffer.from('*MBX*\r\n6aebd58b00000004\r\n'), good.subarray(25)])],
    ['an empty file', Buffer.alloc(0)],
  ])('refuses %s', async (name, bytes) => {
    expect(await mbxDriver.probe(put(name.replace(/\W+/g, '-'), bytes))).toBe(false);
  });

  it('refuses a missing path and a directory', async () => {
    expect(await mbxDriver.probe(path.join(dir, 'missing'))).toBe(false);
    expect(await mbxDriver.probe(dir)).toBe(false);
  });
});

describe('create (formats-flat.md 4.2)', () => {
  it('writes c-client\'s header byte for byte: validity now, last UID 0, 30 empty lines, NULs, no PID', async () => {
    const dir = tempDir();
    await mbxDriver.create(ref(dir, 'new'), context().ctx);
    const bytes = fs.readFileSync(path.join(dir, 'new'));
    const expected = Buffer.alloc(2048, 0);
    expected.write(`*mbx*\r\n6aebd58b00000000\r\n${'\r\n'.repeat(30)}`, 'latin1');
    expect(bytes.equals(expected)).toBe(true);
    expect(fs.statSync(path.join(dir, 'new')).mode & 0o777).toBe(0o600);
    expect(await mbxDriver.probe(path.join(dir, 'new'))).toBe(true);
  });

  it('starts with the given UID validity, last UID and keywords (valid atoms of at most 50 bytes, 30 at most)', async () => {
    const dir = tempDir();
    const many = Array.from({ length: 40 }, (_, i) => `k${i}`);
    await mbxDriver.create(ref(dir, 'new'), context().ctx, {
      meta: { uidValidity: 1700000000, uidLast: 30, keywords: ['work', 'bad word', 'x'.repeat(51), 'WORK', '$Label1', ...many] },
    });
    const bytes = fs.readFileSync(path.join(dir, 'new'));
    const kept = ['work', '$Label1', ...many.slice(0, 28)];
    const expected = Buffer.alloc(2048, 0);
    expected.write(`*mbx*\r\n6553f1000000001e\r\n${kept.map((k) => `${k}\r\n`).join('')}`, 'latin1');
    expect(bytes.toString('latin1')).toBe(expected.toString('latin1'));
    const mb = await mbxDriver.open(ref(dir, 'new'), 'read', context().ctx);
    expect(mb.meta).toEqual({ uidValidity: 1700000000, uidLast: 30, keywords: kept });
    await mb.close();
  });

  it('refuses an existing path and leaves it alone', async () => {
    const dir = tempDir();
    fs.writeFileSync(path.join(dir, 'taken'), 'mine');
    await expect(mbxDriver.create(ref(dir, 'taken'), context().ctx)).rejects.toBeInstanceOf(MailboxExists);
    expect(fs.readFileSync(path.join(dir, 'taken'), 'utf8')).toBe('mine');
  });
});

describe('the header and the message line', () => {
  it('parses what it serializes, PID field included', () => {
    const h = { uidValidity: 0x6aebd58b, uidLast: 4, slots: ['work', '$Label1', 'Junk'], pid: 0x2aa4 };
    const bytes = serializeHeader(h);
    expect(bytes.equals(headerBytes({ last: 4 }))).toBe(true);
    expect(parseHeader(bytes)).toEqual(h);
    expect(parseHeader(serializeHeader({ ...h, pid: null })).pid).toBe(0);
  });

  it('reads keywords up to the first empty line, keeps over-long ones as undefined slots', () => {
    const h = headerBytes({ last: 0, keywords: ['a', 'x'.repeat(51), 'c', '', 'd'] });
    const parsed = parseHeader(h);
    expect(parsed.slots).toEqual(['a', 'x'.repeat(51), 'c']);
  });

  it('formats the line of 4.3: space-padded date, byte count, hex8 keywords, hex4 flags, hex8 UID', () => {
    expect(formatEntry({ ms: Date.UTC(2001, 4, 8, 3, 54, 30), zone: -420 }, 120, 3, 0x19, 2))
      .toBe(' 7-May-2001 20:54:30 -0700,120;000000030019-00000002\r\n');
    const line = formatEntry({ ms: Date.UTC(2024, 1, 6, 10), zone: 0 }, 231, 0x20000000, 0x8036, 0xabcdef01);
    expect(line).toBe(' 6-Feb-2024 10:00:00 +0000,231;200000008036-abcdef01\r\n');
    // the ; is always 24 bytes before the end of the line
    expect(line.length - line.indexOf(';')).toBe(24);
  });

  it('reads SIZE as strtoul does', () => {
    expect(strtoulSize('120')).toEqual({ value: 120n, refused: false });
    expect(strtoulSize(' +120')).toEqual({ value: 120n, refused: false });
    expect(strtoulSize('12x')).toEqual({ value: 12n, refused: false });
    expect(strtoulSize('x')).toEqual({ value: 0n, refused: false });
    expect(strtoulSize('0000')).toEqual({ value: 0n, refused: true });
    expect(strtoulSize('')).toEqual({ value: 0n, refused: true });
    expect(strtoulSize('-1')).toEqual({ value: (1n << 64n) - 1n, refused: false });
    expect(strtoulSize('99999999999999999999999')).toEqual({ value: (1n << 64n) - 1n, refused: false });
  });
});

describe('delete and rename (locking.md 5)', () => {
  it('deletes and renames a mailbox nobody else has open', async () => {
    const dir = tempDir();
    writeMbx(dir, 'a', SPEC_MESSAGES);
    await mbxDriver.rename(ref(dir, 'a'), ref(dir, 'b'), context().ctx);
    expect(fs.existsSync(path.join(dir, 'a'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'b')).equals(mbxBytes(SPEC_MESSAGES))).toBe(true);
    await mbxDriver.delete(ref(dir, 'b'), context().ctx);
    expect(fs.existsSync(path.join(dir, 'b'))).toBe(false);
    await expect(mbxDriver.delete(ref(dir, 'b'), context().ctx)).rejects.toBeInstanceOf(MailboxNotFound);
  });

  it('leaves a new, empty mbx INBOX behind when INBOX is renamed', async () => {
    const dir = tempDir();
    writeMbx(dir, 'INBOX', SPEC_MESSAGES);
    await mbxDriver.rename(ref(dir, 'INBOX', { isInbox: true }), ref(dir, 'old'), context().ctx);
    const inbox = await mbxDriver.open(ref(dir, 'INBOX', { isInbox: true }), 'read', context().ctx);
    expect(await collect(inbox.messages())).toEqual([]);
    await inbox.close();
    expect(fs.readFileSync(path.join(dir, 'old')).equals(mbxBytes(SPEC_MESSAGES))).toBe(true);
  });

  it.each(['delete', 'rename'] as const)('will not %s a mailbox another process has open', async (op) => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const other = fs.openSync(p, 'r');
    try {
      expect(flockNow(other, 'shared')).toBe(true);
      const attempt = op === 'delete'
        ? mbxDriver.delete(ref(dir, 'box'), context().ctx)
        : mbxDriver.rename(ref(dir, 'box'), ref(dir, 'other'), context().ctx);
      await expect(attempt).rejects.toThrow(new MailboxLocked('box', 'Mailbox box is in use by another process'));
      expect(fs.existsSync(p)).toBe(true);
    } finally {
      fs.closeSync(other);
    }
  });

  it('waits for the parse/append lock, then gives up with MailboxLocked', async () => {
    const dir = tempDir();
    const p = writeMbx(dir, 'box', SPEC_MESSAGES);
    const st = fs.statSync(p, { bigint: true });
    const held = await acquireTmpLock(st.dev, st.ino, 'exclusive', 0);
    try {
      const started = Date.now();
      await expect(mbxDriver.delete(ref(dir, 'box'), context({ lockTimeoutMs: 300 }).ctx)).rejects.toBeInstanceOf(MailboxLocked);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(fs.existsSync(p)).toBe(true);
    } finally {
      held?.release();
    }
  });
});
