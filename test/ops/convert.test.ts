// convert-format on one mailbox: the same name, the same messages, UIDs kept where both
// formats store them; --strict, --dry-run, skipping, and settling what a killed run left.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LossyCopy, MailboxLocked, MailboxNotFound, UsageError } from '../../src/errors.js';
import { acquireTmpLock, flockNow } from '../../src/locks/index.js';
import { convertMailbox } from '../../src/ops/convert.js';
import { stageName } from '../../src/ops/convert-files.js';
import { convertMailboxes } from '../../src/ops/convert-many.js';
import type { ProgressEvent } from '../../src/ops/progress.js';
import { detect } from '../../src/store/index.js';
import type { FormatName } from '../../src/store/types.js';
import { goldenDir } from '../interop/golden.js';
import { readWithMailsmith, type MailsmithDump } from '../interop/mailsmith.js';
import { localRef, recordingContext } from '../helpers/store.js';

function home(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'convert-'));
}

/** A golden mailbox (written by the real mailutil) copied into a new home as `name`. */
function putGolden(dir: string, format: string, name = 'box'): string {
  const to = path.join(dir, name);
  fs.cpSync(path.join(goldenDir(), format), to, { recursive: true });
  makeWritable(to);
  return to;
}

function makeWritable(p: string): void {
  const st = fs.statSync(p);
  fs.chmodSync(p, st.isDirectory() ? 0o700 : 0o600);
  if (st.isDirectory()) for (const n of fs.readdirSync(p)) makeWritable(path.join(p, n));
}

async function formatOf(p: string): Promise<string> {
  const found = await detect(p);
  return found.kind === 'mailbox' ? found.driver.format : found.kind;
}

/** Every name, mode and file's bytes under p (or p's): what "changed nothing" is checked against. */
function treeHash(p: string, withModes = true): string {
  const h = createHash('sha256');
  const visit = (q: string, rel: string): void => {
    const st = fs.lstatSync(q);
    h.update(`${rel}:${withModes ? st.mode : ''}:${st.isFile() ? fs.readFileSync(q).toString('base64') : ''}\n`);
    if (st.isDirectory()) for (const n of fs.readdirSync(q).sort()) visit(path.join(q, n), `${rel}/${n}`);
  };
  visit(p, '.');
  return h.digest('hex');
}

interface Kept {
  readonly uids: boolean;
  /** unix: texts as the format writes them. */
  readonly unixText?: boolean;
  /** The format keeps the internal date as an instant, not its zone (mx, maildir). */
  readonly instantOnly?: boolean;
}

/** "16-Nov-2010 11:55:40 -0800" as milliseconds. */
const instant = (d: string): number => Date.parse(d.replace(/^(\d+)-(\w+)-(\d+)/, '$1 $2 $3'));

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** What a new format must keep: UIDs only where both store them, texts as the format writes them. */
function expectSameMessages(after: MailsmithDump, before: MailsmithDump, opts: Kept): void {
  expect(after.messages.length).toBe(before.messages.length);
  if (opts.uids) {
    expect(after.meta.uidValidity).toBe(before.meta.uidValidity);
    expect(after.meta.uidLast).toBe(before.meta.uidLast);
  }
  after.messages.forEach((m, i) => {
    const b = before.messages[i]!;
    if (opts.uids) expect(m.uid).toBe(b.uid);
    if (opts.instantOnly) expect(instant(m.internalDate)).toBe(instant(b.internalDate));
    else expect(m.internalDate).toBe(b.internalDate);
    expect([...m.flags].sort()).toEqual([...b.flags].sort());
    expect([...m.keywords].sort()).toEqual([...b.keywords].sort());
    if (opts.unixText) {
      // unix stores a body line "From ..." as ">From ..." and ends every message with a newline
      const quoted = b.text.toString('latin1').replace(/(^|\r\n)From /g, '$1>From ');
      expect([quoted, `${quoted}\r\n`]).toContain(m.text.toString('latin1'));
    } else {
      expect(sha(m.text)).toBe(sha(b.text));
    }
  });
}

async function convertAndCompare(from: string, to: FormatName, opts: Kept): Promise<string> {
  const dir = home();
  const file = putGolden(dir, from);
  const before = await readWithMailsmith(dir, 'box');
  const { ctx } = recordingContext();
  const r = await convertMailbox(localRef(dir, 'box'), ctx, { to });
  expect(r).toMatchObject({ status: 'converted', from, to, messages: before.messages.length, uidsKept: opts.uids });
  expect(await formatOf(file)).toBe(to);
  expectSameMessages(await readWithMailsmith(dir, 'box'), before, opts);
  // the original, kept beside it, is untouched
  expect(r.backup).toMatch(/box\.bak-\d{8}T\d{6}Z$/);
  expect(treeHash(r.backup!, false)).toBe(treeHash(path.join(goldenDir(), from), false));
  expect(await formatOf(r.backup!)).toBe(from);
  // nothing else is left beside it
  expect(fs.readdirSync(dir).sort()).toEqual(['box', path.basename(r.backup!)].sort());
  return dir;
}

describe('convertMailbox', () => {
  it('unix -> mbx keeps every message, flag, keyword, UID and the UID validity', async () => {
    await convertAndCompare('unix', 'mbx', { uids: true });
  });

  it('mbx -> mix (a file becomes a directory)', async () => {
    await convertAndCompare('mbx', 'mix', { uids: true });
  });

  it('mix -> unix (a directory becomes a file)', async () => {
    await convertAndCompare('mix', 'unix', { uids: true, unixText: true });
  });

  it('mbx -> maildir', async () => {
    await convertAndCompare('mbx', 'maildir', { uids: true, instantOnly: true });
  });

  it('keeps the original byte for byte as the backup, and none with backup: false', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    const original = fs.readFileSync(file);
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mbx' });
    expect(fs.readFileSync(r.backup!).equals(original)).toBe(true);
    const again = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix', backup: false });
    expect(again.backup).toBeNull();
    expect(fs.readdirSync(dir).sort()).toEqual(['box', path.basename(r.backup!)].sort());
  });

  it('gives the new mailbox the original\'s owner (root converting a user\'s mail), and a file its mode', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    // as root, any owner; otherwise our own, which is all a non-root conversion can give
    const owner = process.getuid?.() === 0 ? { uid: 4242, gid: 4343 } : { uid: fs.statSync(file).uid, gid: fs.statSync(file).gid };
    fs.chownSync(file, owner.uid, owner.gid);
    fs.chmodSync(file, 0o640);
    const { ctx } = recordingContext();
    await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix', backup: false });
    const owners = new Set([file, ...fs.readdirSync(file).map((n) => path.join(file, n))].map((p) => {
      const st = fs.statSync(p);
      return `${st.uid}:${st.gid}`;
    }));
    expect([...owners]).toEqual([`${owner.uid}:${owner.gid}`]);
    await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mbx', backup: false });
    expect(fs.statSync(file)).toMatchObject({ uid: owner.uid, gid: owner.gid });
  });

  it('leaves a mailbox already in the format alone', async () => {
    const dir = home();
    const file = putGolden(dir, 'mbx');
    const before = treeHash(file);
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mbx' });
    expect(r).toMatchObject({ status: 'skipped', note: 'already in mbx format' });
    expect(treeHash(file)).toBe(before);
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it('--dry-run plans and changes nothing', async () => {
    const dir = home();
    putGolden(dir, 'mbx');
    const before = treeHash(dir);
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix', dryRun: true });
    expect(r).toMatchObject({ status: 'planned', from: 'mbx', to: 'mix', messages: 14, uidsKept: true });
    expect(treeHash(dir)).toBe(before);
  });

  it('--strict refuses a lossy conversion before writing anything', async () => {
    const dir = home();
    putGolden(dir, 'mbx');
    const before = treeHash(dir);
    const { ctx } = recordingContext();
    await expect(convertMailbox(localRef(dir, 'box'), ctx, { to: 'tenex', strict: true })).rejects.toThrow(LossyCopy);
    expect(treeHash(dir)).toBe(before);
  });

  it('names what the new format cannot hold, as copy does', async () => {
    const dir = home();
    putGolden(dir, 'mbx');
    const before = await readWithMailsmith(dir, 'box');
    const keywords = new Set(before.messages.flatMap((m) => m.keywords));
    expect(keywords.size).toBeGreaterThan(0);
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'tenex' });
    expect(r.status).toBe('converted');
    expect(new Set(r.losses.filter((l) => l.kind === 'keyword').map((l) => l.detail))).toEqual(keywords);
  });

  it('makes MH folders only under the MH root, where c-client looks for them', async () => {
    const dir = home();
    fs.writeFileSync(path.join(dir, '.mh_profile'), 'Path: Mail\n');
    fs.mkdirSync(path.join(dir, 'Mail'));
    putGolden(dir, 'mbx', 'outside');
    const inside = putGolden(path.join(dir, 'Mail'), 'mbx', 'lists');
    const before = await readWithMailsmith(dir, 'Mail/lists');
    const { ctx } = recordingContext();
    await expect(convertMailbox(localRef(dir, 'outside'), ctx, { to: 'mh' })).rejects.toThrow(/MH folders live under/);
    const r = await convertMailbox(localRef(dir, 'Mail/lists'), ctx, { to: 'mh', backup: false });
    expect(r.status).toBe('converted');
    expect(await formatOf(inside)).toBe('directory');
    const after = await readWithMailsmith(dir, 'Mail/lists');
    expect(after.format).toBe('mh');
    expect(after.messages.map((m) => sha(m.text))).toEqual(before.messages.map((m) => sha(m.text)));
  });

  it('fails on a missing mailbox', async () => {
    const { ctx } = recordingContext();
    await expect(convertMailbox(localRef(home(), 'nothing'), ctx, { to: 'mbx' })).rejects.toThrow(MailboxNotFound);
  });

  it('keeps INBOX where c-client finds it, unless the administrator names the file', async () => {
    const dir = home();
    const spool = putGolden(dir, 'unix', 'spool');
    const { ctx } = recordingContext();
    // c-client's rule: the spool is INBOX only as unix or mmdf
    const byRule = localRef(dir, 'INBOX', { path: spool, isInbox: true });
    await expect(convertMailbox(byRule, ctx, { to: 'mbx' })).rejects.toThrow(UsageError);
    expect(await formatOf(spool)).toBe('unix');
    expect((await convertMailbox(byRule, ctx, { to: 'mmdf', backup: false })).status).toBe('converted');
    expect(await formatOf(spool)).toBe('mmdf');
    // --inbox PATH: converted as asked
    const named = localRef(dir, 'INBOX', { path: spool, isInbox: true, inboxExplicit: true });
    expect((await convertMailbox(named, ctx, { to: 'mbx', backup: false })).status).toBe('converted');
    expect(await formatOf(spool)).toBe('mbx');
    // ~/INBOX: mix is what c-client looks for there
    const homeInbox = putGolden(dir, 'mbx', 'INBOX');
    const inHome = localRef(dir, 'INBOX', { path: path.join(dir, 'nospool'), isInbox: true });
    await expect(convertMailbox(inHome, ctx, { to: 'maildir' })).rejects.toThrow(/takes ~\/INBOX as INBOX only in mix, mx, mbx, tenex, mtx/);
    expect((await convertMailbox(inHome, ctx, { to: 'mix', backup: false })).status).toBe('converted');
    expect(await formatOf(homeInbox)).toBe('mix');
  });

  it('converts again when a message is delivered while it is being converted', async () => {
    const dir = home();
    putGolden(dir, 'unix');
    const before = await readWithMailsmith(dir, 'box');
    const { ctx, notes } = recordingContext();
    let delivered = false;
    const r = await convertMailbox(localRef(dir, 'box'), ctx, {
      to: 'mbx',
      onProgress: () => {
        if (delivered) return;
        delivered = true;
        // a delivery agent that takes no lock at all (the session lock held keeps only sessions out)
        fs.appendFileSync(path.join(dir, 'box'), `From someone@example.org Mon Nov 30 06:00:00 2026\n${
          before.messages[0]!.text.toString('latin1').replace(/\r\n/g, '\n').replace(/^From /gm, '>From ')}\n`, 'latin1');
      },
    });
    expect(r.messages).toBe(before.messages.length + 1);
    expect(notes.some((n) => /changed while it was being converted/.test(n))).toBe(true);
    const after = await readWithMailsmith(dir, 'box');
    expect(after.messages.length).toBe(before.messages.length + 1);
  });
});

describe('the locks a conversion needs', () => {
  it('mbx: not while another session has the file open (its shared flock); nothing changes', async () => {
    const dir = home();
    const file = putGolden(dir, 'mbx');
    const before = treeHash(dir);
    const session = fs.openSync(file, 'r');
    expect(flockNow(session, 'shared')).toBe(true);
    const { ctx } = recordingContext({ lockTimeoutMs: 300 });
    try {
      await expect(convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' })).rejects.toThrow(MailboxLocked);
    } finally {
      fs.closeSync(session);
    }
    expect(treeHash(dir)).toBe(before);
    expect((await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' })).status).toBe('converted');
  });

  it('unix: not while another read-write session holds its /tmp lock', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    const before = treeHash(dir);
    const st = fs.statSync(file, { bigint: true });
    const session = await acquireTmpLock(st.dev, st.ino, 'exclusive', 0);
    const { ctx } = recordingContext({ lockTimeoutMs: 300 });
    try {
      await expect(convertMailbox(localRef(dir, 'box'), ctx, { to: 'mbx' })).rejects.toThrow(/in use by another process/);
    } finally {
      session!.releaseSession();
    }
    expect(treeHash(dir)).toBe(before);
  });
});

describe('settling what an interrupted conversion left', () => {
  it('removes an unfinished new mailbox and converts', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    const dead = 2 ** 22 + 1;
    fs.mkdirSync(stageName(file, 'to', 'mix', dead));
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' });
    expect(r.recovered).toEqual([expect.stringMatching(/^removed \.box\.convert-to-mix-\d+ \(an unfinished conversion\)$/)]);
    expect(r.status).toBe('converted');
    expect(fs.readdirSync(dir).filter((n) => n.includes('convert'))).toEqual([]);
  });

  it('removes the old mailbox a --no-backup run was removing when it was stopped', async () => {
    const dir = home();
    const file = putGolden(dir, 'mix');
    const old = stageName(file, 'old', 'mix', 2 ** 22 + 1);
    fs.mkdirSync(old);
    fs.writeFileSync(path.join(old, '.mixmeta'), 'half removed');
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' });
    expect(r).toMatchObject({ status: 'skipped', recovered: [expect.stringMatching(/^removed \.box\.convert-old-mix-\d+ \(the old mailbox of a finished conversion\)$/)] });
    expect(fs.readdirSync(dir)).toEqual(['box']);
  });

  it('finishes a swap stopped between its two renames', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    const before = await readWithMailsmith(dir, 'box');
    const { ctx } = recordingContext();
    // the state after "NAME -> backup": NAME missing, the complete new one under the ready name
    await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix', backup: false });
    const ready = stageName(file, 'ready', 'mix', 2 ** 22 + 1);
    fs.renameSync(file, ready);
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' });
    expect(r.recovered[0]).toMatch(/^finished an interrupted conversion: \.box\.convert-ready-mix-\d+ renamed to box$/);
    expect(r.status).toBe('skipped');
    expectSameMessages(await readWithMailsmith(dir, 'box'), before, { uids: true });
  });

  it('keeps the old mailbox that an exchange left under the ready name', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    const original = fs.readFileSync(file);
    const { ctx } = recordingContext();
    const first = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' });
    // the state after the exchange: NAME is the new mailbox, the old one under the ready name
    const ready = stageName(file, 'ready', 'mix', 2 ** 22 + 1);
    fs.renameSync(first.backup!, ready);
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' });
    expect(r.recovered[0]).toMatch(/left the old mailbox as \.box\.convert-ready-mix-\d+: kept as .*box\.bak-/);
    const backups = fs.readdirSync(dir).filter((n) => n.startsWith('box.bak-'));
    expect(backups).toHaveLength(1);
    expect(fs.readFileSync(path.join(dir, backups[0]!)).equals(original)).toBe(true);
  });

  it('removes a new mailbox finished but not swapped, and a backup that is only a second name', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    fs.copyFileSync(file, stageName(file, 'ready', 'mbx', 2 ** 22 + 1));
    fs.linkSync(file, `${file}.bak-20260101T000000Z`);
    const { ctx } = recordingContext();
    const r = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mbx', dryRun: true });
    expect(r.recovered).toHaveLength(2);
    expect(fs.readdirSync(dir)).toHaveLength(3);
    const done = await convertMailbox(localRef(dir, 'box'), ctx, { to: 'mbx' });
    expect(done.recovered).toEqual([
      expect.stringMatching(/^removed \.box\.convert-ready-mbx-\d+ \(an unfinished conversion\)$/),
      'removed box.bak-20260101T000000Z (a second name for box itself, left by an interrupted conversion)',
    ]);
    expect(fs.readdirSync(dir).sort()).toEqual(['box', path.basename(done.backup!)].sort());
  });

  it('leaves alone a conversion another running process is doing', async () => {
    const dir = home();
    const file = putGolden(dir, 'unix');
    fs.mkdirSync(stageName(file, 'to', 'mix', process.ppid));
    const { ctx } = recordingContext();
    await expect(convertMailbox(localRef(dir, 'box'), ctx, { to: 'mix' })).rejects.toThrow(/is being converted by process/);
  });
});

describe('convertMailboxes --recursive', () => {
  it('converts a tree of mixed formats, names unchanged, leaving what is no mailbox alone', async () => {
    const dir = home();
    const mail = path.join(dir, 'mail');
    fs.mkdirSync(path.join(mail, 'lists', 'old'), { recursive: true });
    putGolden(mail, 'unix', 'inbox-archive');
    putGolden(path.join(mail, 'lists'), 'mbx', 'a');
    putGolden(path.join(mail, 'lists'), 'mx', 'b');
    putGolden(path.join(mail, 'lists', 'old'), 'mmdf', 'c');
    putGolden(mail, 'mix', 'already');
    fs.writeFileSync(path.join(mail, 'notes.txt'), 'not a mailbox\n');
    const names = ['mail/inbox-archive', 'mail/lists/a', 'mail/lists/b', 'mail/lists/old/c', 'mail/already'];
    const before = new Map<string, MailsmithDump>();
    for (const n of names) before.set(n, await readWithMailsmith(dir, n));
    const { ctx } = recordingContext();
    const events: ProgressEvent[] = [];
    const r = await convertMailboxes([localRef(dir, 'mail')], ctx, {
      to: 'mix', recursive: true, backup: false, onProgress: (e) => events.push(e),
    });
    // one bar over the whole tree: bytes only go up, to the tree's total, and messages are counted across mailboxes
    const total = events[0]!.totalBytes!;
    expect(events.every((e, i) => e.totalBytes === total && (i === 0 || e.bytes >= events[i - 1]!.bytes))).toBe(true);
    expect(events.at(-1)).toMatchObject({ bytes: total, messages: r.mailboxes.reduce((n, m) => n + m.messages, 0) });
    const byName = new Map(r.mailboxes.map((m) => [m.mailbox, m]));
    expect(byName.get('mail/already')).toMatchObject({ status: 'skipped' });
    expect(byName.get('mail/notes.txt')).toMatchObject({ status: 'skipped' });
    expect(r).toMatchObject({ converted: 4, failed: 0 });
    for (const n of names) {
      expect(await formatOf(path.join(dir, n))).toBe('mix');
      expectSameMessages(await readWithMailsmith(dir, n), before.get(n)!, { uids: true });
    }
    expect(fs.readFileSync(path.join(mail, 'notes.txt'), 'utf8')).toBe('not a mailbox\n');
  });

  it('finishes, in a tree, a conversion stopped while the mailbox\'s name was free', async () => {
    const dir = home();
    const mail = path.join(dir, 'mail');
    fs.mkdirSync(mail);
    const file = putGolden(mail, 'unix', 'x');
    const before = await readWithMailsmith(dir, 'mail/x');
    const { ctx } = recordingContext();
    await convertMailbox(localRef(dir, 'mail/x'), ctx, { to: 'mix', backup: false });
    fs.renameSync(file, stageName(file, 'ready', 'mix', 2 ** 22 + 1));
    const r = await convertMailboxes([localRef(dir, 'mail')], ctx, { to: 'mix', recursive: true });
    expect(r.mailboxes).toEqual([expect.objectContaining({ mailbox: 'mail/x', status: 'skipped', recovered: [expect.stringMatching(/^finished/)] })]);
    expectSameMessages(await readWithMailsmith(dir, 'mail/x'), before, { uids: true });
  });

  it('--dry-run on a tree plans every mailbox and changes nothing', async () => {
    const dir = home();
    const mail = path.join(dir, 'mail');
    fs.mkdirSync(mail);
    putGolden(mail, 'unix', 'x');
    putGolden(mail, 'mix', 'y');
    const before = treeHash(dir);
    const { ctx } = recordingContext();
    const r = await convertMailboxes([localRef(dir, 'mail')], ctx, { to: 'mbx', recursive: true, dryRun: true });
    expect(r.mailboxes.map((m) => [m.mailbox, m.status])).toEqual([['mail/x', 'planned'], ['mail/y', 'planned']]);
    expect(treeHash(dir)).toBe(before);
  });
});
