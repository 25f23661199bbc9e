// mtx and tenex files as wholes: c-client's probe (formats-flat.md 5.1, 6),
// create as an empty file (5.4), delete and rename (locking.md 6), and what the
// store makes of the empty file a create leaves.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { looksLikeFamily } from '../../../src/drivers/tenex-family/files.js';
import { MTX, TENEX } from '../../../src/drivers/tenex-family/layout.js';
import { MailboxExists, MailboxLocked, MailboxNotFound } from '../../../src/errors.js';
import { acquireTmpLock, flockNow } from '../../../src/locks/index.js';
import { copyMailbox } from '../../../src/ops/copy.js';
import { createMailbox, deleteMailbox, detect, openMailbox } from '../../../src/store/index.js';
import { batch, collect, context, FAMILY, fileBytes, newMessage, ref, SPEC_MESSAGES, tempDir, writeBox } from './helpers.js';

process.env.TZ = 'UTC';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

describe('probe (formats-flat.md 5.1, 6)', () => {
  // [first bytes, mtx?, tenex?]; the odd ones checked with mailutil check (c-client 2007f)
  const cases: Array<[string, string, boolean, boolean]> = [
    ['an mtx header line', ' 7-May-2001 20:54:30 -0700,120;000000000031\r\nFrom: x\r\n', true, false],
    ['a tenex header line', ' 7-May-2001 20:54:30 -0700,114;000000000031\nFrom: x\n', false, true],
    ['a zero-padded day', '07-May-2001 20:54:30 -0700,1;000000000000\r\nx', true, false],
    ['a one-digit day (dashes at 1 and 5)', '7-May-2001 20:54:30 -0700,5;000000000099\nabcde', false, true],
    ['no dashes where a date has them', 'May 7 2001 20:54:30 -0700,1;000000000000\r\nx', false, false],
    ['the comma before index 18', '7-May-01 20:54,1;000000000000\nx', false, false],
    ['the semicolon right after the comma (checked: phile)', ' 7-May-2001 20:54:30 -0700,;00000000000\n', false, false],
    ['one byte between comma and semicolon', ' 7-May-2001 20:54:30 -0700,1;\r\n', true, false],
    ['a short line: the searches run on into the next line (checked: tenex)', 'a-bcd-ef\nxxxxxxxxxxxxx,yy;zz\n', false, true],
    ['a NUL before the line end (checked: phile)', ' 7-May\x002001 20:54:30 -0700,1;000000000000\r\nx', false, false],
    ['a CR not followed by LF first', ' 7-May-2001 20:54:30 -0700,1;00000000000\r0\r\nx', false, false],
    ['CR LF for tenex, LF after a CR', ' 7-May-2001 20:54:30 -0700,1;0000\r\r\n', false, false],
    ['no line end within 64 bytes', `${' 7-May-2001 20:54:30 -0700,1;000000000000'.padEnd(64, 'x')}\r\n`, false, false],
    ['an mbx file', '*mbx*\r\n6aebd58b00000004\r\nwork\r\n', false, false],
    ['a unix mailbox', 'From alice@example.com Mon May  7 20:54:30 2001\nSubject: x\n', false, false],
  ];

  it.each(cases)('%s', (_, bytes, mtx, tenex) => {
    expect({ mtx: looksLikeFamily(MTX, b(bytes)), tenex: looksLikeFamily(TENEX, b(bytes)) }).toEqual({ mtx, tenex });
  });

  it.each(FAMILY)('$format: claims its files through the store, and no empty, missing or directory path', async (f) => {
    const dir = tempDir();
    writeBox(f, dir, 'box', SPEC_MESSAGES);
    fs.writeFileSync(path.join(dir, 'empty'), '');
    expect(await f.driver.probe(path.join(dir, 'box'))).toBe(true);
    expect(await f.driver.probe(path.join(dir, 'empty'))).toBe(false);
    expect(await f.driver.probe(path.join(dir, 'missing'))).toBe(false);
    expect(await f.driver.probe(dir)).toBe(false);
    const found = await detect(path.join(dir, 'box'));
    expect(found.kind === 'mailbox' && found.driver.format).toBe(f.format);
  });
});

describe.each(FAMILY)('$format create, delete, rename', (f) => {
  it('creates an empty file, as c-client, and refuses an existing name', async () => {
    const dir = tempDir();
    await f.driver.create(ref(dir, 'new'), context().ctx, { meta: { uidValidity: 7, uidLast: 9, keywords: ['work'] } });
    const st = fs.statSync(path.join(dir, 'new'));
    expect({ size: st.size, mode: st.mode & 0o777 }).toEqual({ size: 0, mode: 0o600 });
    await expect(f.driver.create(ref(dir, 'new'), context().ctx)).rejects.toBeInstanceOf(MailboxExists);
  });

  it('deletes and renames a mailbox nobody else has open', async () => {
    const dir = tempDir();
    writeBox(f, dir, 'a', SPEC_MESSAGES);
    await f.driver.rename(ref(dir, 'a'), ref(dir, 'b'), context().ctx);
    expect(fs.existsSync(path.join(dir, 'a'))).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'b')).equals(fileBytes(f, SPEC_MESSAGES))).toBe(true);
    await f.driver.delete(ref(dir, 'b'), context().ctx);
    expect(fs.existsSync(path.join(dir, 'b'))).toBe(false);
    await expect(f.driver.delete(ref(dir, 'b'), context().ctx)).rejects.toBeInstanceOf(MailboxNotFound);
  });

  it('leaves a new, empty INBOX behind when INBOX is renamed', async () => {
    const dir = tempDir();
    writeBox(f, dir, 'INBOX', SPEC_MESSAGES);
    await f.driver.rename(ref(dir, 'INBOX', { isInbox: true }), ref(dir, 'old'), context().ctx);
    expect(fs.statSync(path.join(dir, 'INBOX')).size).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'old')).equals(fileBytes(f, SPEC_MESSAGES))).toBe(true);
  });

  it.each(['delete', 'rename'] as const)('will not %s a mailbox another process has open', async (op) => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const other = fs.openSync(p, 'r');
    try {
      expect(flockNow(other, 'shared')).toBe(true);
      const attempt = op === 'delete'
        ? f.driver.delete(ref(dir, 'box'), context().ctx)
        : f.driver.rename(ref(dir, 'box'), ref(dir, 'other'), context().ctx);
      await expect(attempt).rejects.toThrow(new MailboxLocked('box', 'Mailbox box is in use by another process'));
      expect(fs.existsSync(p)).toBe(true);
    } finally {
      fs.closeSync(other);
    }
  });

  it('waits for the /tmp lock, then gives up with MailboxLocked', async () => {
    const dir = tempDir();
    const p = writeBox(f, dir, 'box', SPEC_MESSAGES);
    const st = fs.statSync(p, { bigint: true });
    const held = await acquireTmpLock(st.dev, st.ino, 'exclusive', 0);
    try {
      const started = Date.now();
      await expect(f.driver.delete(ref(dir, 'box'), context({ lockTimeoutMs: 300 }).ctx)).rejects.toBeInstanceOf(MailboxLocked);
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(fs.existsSync(p)).toBe(true);
    } finally {
      held?.release();
    }
  });
});

describe.each(FAMILY)('$format: the empty file a create leaves (formats-flat.md 1.1, 5.4)', (f) => {
  it('becomes this format when opened under the name that asks for it, and unix otherwise, as in c-client', async () => {
    const dir = tempDir();
    const { ctx } = context();
    expect(await createMailbox(ref(dir, 'x'), ctx, { format: f.format })).toBe(f.format);
    expect(await createMailbox(ref(dir, 'y'), ctx, { format: f.format })).toBe(f.format);
    for (const [name, createFormat] of [['x', f.format], ['y', undefined]] as const) {
      const mb = await openMailbox(ref(dir, name, createFormat ? { createFormat } : {}), 'write', ctx);
      expect(mb.format).toBe(createFormat ?? 'unix');
      await mb.append(batch([newMessage('Subject: hi\r\n\r\nbody\r\n')]));
      await mb.close();
    }
    const x = await detect(path.join(dir, 'x'));
    expect(x.kind === 'mailbox' && x.driver.format).toBe(f.format);
    const y = await detect(path.join(dir, 'y'));
    expect(y.kind === 'mailbox' && y.driver.format).toBe('unix');
    const mb = await openMailbox(ref(dir, 'x'), 'read', ctx);
    expect((await collect(mb.messages())).map((m) => m.text.toString('latin1'))).toEqual(['Subject: hi\r\n\r\nbody\r\n']);
    await mb.close();
  });

  it('is deleted through the store as mailutil deletes it (c-client\'s dummy driver: unlinked)', async () => {
    const dir = tempDir();
    await createMailbox(ref(dir, 'new'), context().ctx, { format: f.format });
    await deleteMailbox(ref(dir, 'new'), context().ctx);
    expect(fs.existsSync(path.join(dir, 'new'))).toBe(false);
  });

  it('is written in this format by copy and append given --format, though the name does not say it', async () => {
    const dir = tempDir();
    const { ctx } = context();
    writeBox(f, dir, 'src', SPEC_MESSAGES);
    const copied = await copyMailbox(ref(dir, 'src'), ref(dir, 'copy'), ctx, { mode: 'copy', format: f.format });
    await createMailbox(ref(dir, 'made'), ctx, { format: f.format });
    const appended = await copyMailbox(ref(dir, 'src'), ref(dir, 'made'), ctx, { mode: 'append', format: f.format });
    for (const [name, result] of [['copy', copied], ['made', appended]] as const) {
      expect(result.destinationFormat).toBe(f.format);
      expect(fs.readFileSync(path.join(dir, name)).equals(fileBytes(f, SPEC_MESSAGES))).toBe(true);
    }
    // a copy from a file of the family keeps the UIDs as well as the format can: they are the same positions
    expect(copied.losses).toEqual([]);
  });
});
