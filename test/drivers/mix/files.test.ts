// mix mailboxes as wholes (formats-dir.md 2.1, 2.9, 2.14, naming.md 9): the
// probe, what create writes, delete and rename under the exclusive .mixmeta
// lock, and which directory entries are the format's own.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixDriver } from '../../../src/drivers/mix/index.js';
import { BadName, MailboxExists, MailboxLocked, MailboxNotFound } from '../../../src/errors.js';
import { flockNow } from '../../../src/locks/index.js';
import { batch, Clock, collect, context, fileText, ref, SAMPLE, SAMPLE_KEYWORDS, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

describe('probe (formats-dir.md 2.1)', () => {
  it('a directory holding a regular file .mixmeta is mix; nothing is read', async () => {
    const home = tempDir();
    const dir = path.join(home, 'box');
    fs.mkdirSync(dir);
    expect(await mixDriver.probe(dir)).toBe(false);
    fs.writeFileSync(path.join(dir, '.mixmeta'), 'not even a valid metadata file');
    expect(await mixDriver.probe(dir)).toBe(true);
    // mix wins over mx in c-client's probe order; the probe does not care what else is there
    fs.writeFileSync(path.join(dir, '.mxindex'), '');
    expect(await mixDriver.probe(dir)).toBe(true);
  });

  it('.mixmeta that is a directory, or a file named like a mailbox, is not mix', async () => {
    const home = tempDir();
    fs.mkdirSync(path.join(home, 'd', '.mixmeta'), { recursive: true });
    expect(await mixDriver.probe(path.join(home, 'd'))).toBe(false);
    fs.writeFileSync(path.join(home, 'file'), 'S6b058c08\r\n');
    expect(await mixDriver.probe(path.join(home, 'file'))).toBe(false);
    expect(await mixDriver.probe(path.join(home, 'missing'))).toBe(false);
  });
});

describe('create (formats-dir.md 2.9)', () => {
  it('writes S V L N with one clock value (44 bytes), empty index and status, an empty data file, mode 0600/0700', async () => {
    const home = tempDir();
    const { ctx } = context(new Clock(0x6b058c08));
    const r = ref(home, 'box');
    await mixDriver.create(r, ctx);
    expect(fs.readdirSync(r.path).sort()).toEqual(['.mix6b058c08', '.mixindex', '.mixmeta', '.mixstatus']);
    expect(fileText(r.path, '.mixmeta')).toBe('S6b058c08\r\nV6b058c08\r\nL00000000\r\nN6b058c08\r\n');
    for (const f of ['.mix6b058c08', '.mixindex', '.mixstatus']) expect(fs.statSync(path.join(r.path, f)).size).toBe(0);
    for (const f of fs.readdirSync(r.path)) expect(fs.statSync(path.join(r.path, f)).mode & 0o777).toBe(0o600);
    expect(fs.statSync(r.path).mode & 0o777).toBe(0o700);
    const mb = await mixDriver.open(r, 'read', ctx);
    expect(mb.meta).toEqual({ uidValidity: 0x6b058c08, uidLast: 0, keywords: [] });
    expect(await collect(mb.messages())).toEqual([]);
    await mb.close();
  });

  it('keeps a given UID validity, last UID and keywords; the K line ends in CRLF (unlike c-client\'s create)', async () => {
    const home = tempDir();
    const { ctx } = context(new Clock(0x6b058c08));
    const r = ref(home, 'box');
    await mixDriver.create(r, ctx, {
      meta: { uidValidity: 1234567890, uidLast: 100, keywords: ['work', 'Work', 'bad word', '$Label1', '€uro'] },
    });
    expect(fileText(r.path, '.mixmeta')).toBe('S6b058c08\r\nV499602d2\r\nL00000064\r\nN6b058c08\r\nKwork $Label1\r\n');
  });

  it('refuses a last component starting with .mix, and an existing directory', async () => {
    const home = tempDir();
    const { ctx } = context();
    await expect(mixDriver.create(ref(home, 'a/.mixfoo'), ctx)).rejects.toThrow(new BadName(`Can't create mailbox a/.mixfoo: invalid MIX-format name`));
    fs.mkdirSync(path.join(home, 'taken'));
    await expect(mixDriver.create(ref(home, 'taken'), ctx)).rejects.toBeInstanceOf(MailboxExists);
    expect(fs.readdirSync(path.join(home, 'taken'))).toEqual([]);
  });
});

describe('internal names and children (naming.md 9)', () => {
  it('every entry starting with .mix is internal; anything else is a child mailbox', () => {
    expect(['.mixmeta', '.mixindex', '.mixstatus', '.mixsortcache', '.mix6b058d82', '.mix'].every((e) => mixDriver.isInternal!(e))).toBe(true);
    expect(['child', 'mix', '.mi', 'INBOX', '.mx'].some((e) => mixDriver.isInternal!(e))).toBe(false);
  });
});

async function filled(home: string, name = 'box'): Promise<string> {
  const { ctx } = context();
  const r = ref(home, name);
  await mixDriver.create(r, ctx, { meta: { keywords: SAMPLE_KEYWORDS } });
  const mb = await mixDriver.open(r, 'write', ctx);
  await mb.append(batch(SAMPLE));
  await mb.close();
  return r.path;
}

describe('delete (formats-dir.md 2.14)', () => {
  it('removes every .mix file and the directory', async () => {
    const home = tempDir();
    const dir = await filled(home);
    fs.writeFileSync(path.join(dir, '.mixsortcache'), 'S1\r\n');
    await mixDriver.delete(ref(home, 'box'), context().ctx);
    expect(fs.existsSync(dir)).toBe(false);
  });

  it('keeps a directory with children as a plain directory, with c-client\'s warning', async () => {
    const home = tempDir();
    const dir = await filled(home);
    await filled(home, 'box/child');
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    const { ctx, warnings } = context();
    await mixDriver.delete(ref(home, 'box'), ctx);
    expect(fs.readdirSync(dir).sort()).toEqual(['child', 'notes.txt']);
    expect(warnings).toEqual(["Can't delete name box: Directory not empty"]);
    expect(await mixDriver.probe(path.join(dir, 'child'))).toBe(true);
  });

  it('refuses while another process has the mailbox open (shared .mixmeta lock)', async () => {
    const home = tempDir();
    const dir = await filled(home);
    const fd = fs.openSync(path.join(dir, '.mixmeta'), 'r');
    try {
      expect(flockNow(fd, 'shared')).toBe(true);
      await expect(mixDriver.delete(ref(home, 'box'), context().ctx))
        .rejects.toThrow(new MailboxLocked('box', `Can't lock mailbox for delete: box`));
      await expect(mixDriver.rename(ref(home, 'box'), ref(home, 'other'), context().ctx))
        .rejects.toThrow(new MailboxLocked('box', `Can't lock mailbox for rename: box`));
      expect(fs.readdirSync(dir)).toContain('.mixmeta');
    } finally {
      fs.closeSync(fd);
    }
    await expect(mixDriver.delete(ref(home, 'nothing'), context().ctx)).rejects.toBeInstanceOf(MailboxNotFound);
  });
});

describe('rename (formats-dir.md 2.14)', () => {
  it('renames the directory; UID validity and messages stay', async () => {
    const home = tempDir();
    const dir = await filled(home);
    const before = fileText(dir, '.mixmeta');
    fs.mkdirSync(path.join(home, 'new'));
    await mixDriver.rename(ref(home, 'box'), ref(home, 'new/name'), context().ctx);
    expect(fs.existsSync(dir)).toBe(false);
    expect(fileText(path.join(home, 'new/name'), '.mixmeta')).toBe(before);
    const mb = await mixDriver.open(ref(home, 'new/name'), 'read', context().ctx);
    expect((await collect(mb.messages())).map((m) => m.uid)).toEqual([1, 2, 3, 4]);
    await mb.close();
  });

  it('refuses a new last component starting with .mix', async () => {
    const home = tempDir();
    await filled(home);
    await expect(mixDriver.rename(ref(home, 'box'), ref(home, '.mixbad'), context().ctx))
      .rejects.toThrow(new BadName(`Can't rename to mailbox .mixbad: invalid MIX-format name`));
  });

  it('INBOX: its .mix files move, its children stay, and a fresh empty mix INBOX is made', async () => {
    const home = tempDir();
    const dir = await filled(home, 'INBOX');
    await filled(home, 'INBOX/child');
    const clock = new Clock(0x6b060000);
    await mixDriver.rename(ref(home, 'INBOX', { isInbox: true }), ref(home, 'old'), context(clock).ctx);
    expect(fs.readdirSync(dir).sort()).toEqual(['.mix6b060000', '.mixindex', '.mixmeta', '.mixstatus', 'child']);
    expect(fileText(dir, '.mixmeta')).toBe('S6b060000\r\nV6b060000\r\nL00000000\r\nN6b060000\r\n');
    const mb = await mixDriver.open(ref(home, 'old'), 'read', context().ctx);
    expect((await collect(mb.messages())).length).toBe(4);
    await mb.close();
  });
});
