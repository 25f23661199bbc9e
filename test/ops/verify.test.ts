// check --verify: damage and the UW IMAP FAQ's classic problems, in every local format,
// found without changing a byte.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildNameContext, resolveName } from '../../src/names/index.js';
import { checkMailbox } from '../../src/ops/check.js';
import { verifyMailbox, type VerifyResult } from '../../src/ops/verify.js';
import { openMailbox } from '../../src/store/index.js';
import { mbxBytes, messageBytes, SPEC_MESSAGES } from '../drivers/mbx/helpers.js';
import { sharedDir } from '../helpers/paths.js';
import { recordingContext } from '../helpers/store.js';

process.env.TZ = 'UTC';

const golden = path.join(sharedDir(), 'corpus', 'golden');

function home(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verify-'));
  fs.writeFileSync(path.join(dir, '.mh_profile'), 'Path: Mail\n');
  fs.mkdirSync(path.join(dir, 'Mail'));
  return dir;
}

const refIn = (dir: string, name: string) => resolveName(name, buildNameContext({ home: dir }), 'open');

async function verify(dir: string, name: string): Promise<VerifyResult & { warnings: string[] }> {
  const rec = recordingContext({ lockTimeoutMs: 1000 });
  return { ...(await verifyMailbox(refIn(dir, name), rec.ctx)), warnings: rec.warnings };
}

/** Every file under p with its sha256: a verify must leave them all as they were. */
function snapshot(p: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (f: string): void => {
    if (fs.statSync(f).isDirectory()) for (const e of fs.readdirSync(f)) walk(path.join(f, e));
    else out[f] = createHash('sha256').update(fs.readFileSync(f)).digest('hex');
  };
  walk(p);
  return out;
}

/** What a plain read-only pass through the store says: the warnings, and the messages whose text holds a NUL. */
async function plainRead(dir: string, name: string): Promise<{ warnings: string[]; withNul: number[] }> {
  const rec = recordingContext();
  const box = await openMailbox(refIn(dir, name), 'read', rec.ctx);
  const withNul: number[] = [];
  try {
    for await (const m of box.messages()) if ((await m.text()).includes(0)) withNul.push(m.seq);
  } finally {
    await box.close();
  }
  return { warnings: rec.warnings, withNul };
}

describe('the golden mailboxes mailutil wrote, in every format', () => {
  it.each(['unix', 'unix-pruned', 'mmdf', 'mbx', 'mbx-pruned', 'mtx', 'tenex', 'mx', 'mix', 'source.mbox', '#mh/mh'])(
    '%s: only NUL bytes are reported, in the messages that have them, with the counts check gives',
    async (name) => {
      const dir = home();
      const isMh = name === '#mh/mh';
      fs.cpSync(path.join(golden, isMh ? 'mh' : name), path.join(dir, isMh ? 'Mail/mh' : name), { recursive: true });
      const before = snapshot(dir);
      const result = await verify(dir, name);
      const plain = await plainRead(dir, name);
      expect(plain.warnings).toEqual([]);
      const nul = plain.withNul.length === 0 ? [] : [{
        kind: 'nul', faq: '7.34',
        text: `${plain.withNul.length} message(s) hold NUL bytes, which IMAP does not allow and some clients choke on (message ${plain.withNul.join(', ')})`,
      }];
      expect(result.problems).toEqual(nul);
      expect(result.healthy).toBe(nul.length === 0);
      expect(result.complete).toBe(true);
      expect(result.counts).toEqual(await checkMailbox(refIn(dir, name), recordingContext().ctx));
      expect(snapshot(dir)).toEqual(before);
    },
  );
});

describe('unix and mmdf mailbox data (FAQ 6.14)', () => {
  const message = 'From alice@example.org Mon May  7 20:54:30 2001\nSubject: hi\n\nbody\n\n';

  it('reports a unix mailbox with no FOLDER INTERNAL DATA message and no X-IMAPbase', async () => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'box'), message);
    const result = await verify(dir, 'box');
    expect(result.problems).toEqual([{
      kind: 'mailbox-data', faq: '6.14',
      text: 'there is no FOLDER INTERNAL DATA message (and no X-IMAPbase header): the mailbox keeps no UID validity, '
        + 'UIDs or keywords until a read-write session writes them',
    }]);
  });

  it('takes an X-IMAPbase header in the first message as the mailbox data (c-client writes one)', async () => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'box'), message.replace('Subject: hi\n', 'Subject: hi\nX-IMAPbase: 1700000000 0000000007\n'));
    expect((await verify(dir, 'box')).problems).toEqual([]);
  });

  it('reports a damaged FOLDER INTERNAL DATA message (no UID validity in its X-IMAP line)', async () => {
    const dir = home();
    const unix = fs.readFileSync(path.join(golden, 'unix'), 'latin1');
    fs.writeFileSync(path.join(dir, 'box'), unix.replace(/X-IMAP: \d+/, 'X-IMAP: 0000000000'), 'latin1');
    const result = await verify(dir, 'box');
    expect(result.problems.map((p) => [p.kind, p.faq, p.text])).toEqual([['mailbox-data', '6.14',
      'the FOLDER INTERNAL DATA message is damaged (its X-IMAP line is missing or holds no UID validity): '
        + 'c-client shows it as an ordinary message and gives every message a new UID']]);
  });

  it('reports two mailboxes joined into one: the second one\'s FOLDER INTERNAL DATA, and the readers\' UID warnings (FAQ 7.14)', async () => {
    const dir = home();
    // rewritten by mailutil's prune: every message has its X-UID
    const unix = fs.readFileSync(path.join(golden, 'unix-pruned'));
    fs.writeFileSync(path.join(dir, 'box'), Buffer.concat([unix, unix]));
    const result = await verify(dir, 'box');
    const plain = await plainRead(dir, 'box');
    expect(plain.warnings.length).toBeGreaterThan(0);
    expect(result.problems).toEqual([
      ...plain.warnings.map((text) => ({ kind: 'uid', faq: '7.14', text })),
      { kind: 'mailbox-data', faq: '6.14', text: 'message 11 is a FOLDER INTERNAL DATA message: another mailbox was joined onto this one, or its first message removed by hand' },
    ]);
  });

  it('checks an mmdf file\'s mailbox data too', async () => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'box'), `\x01\x01\x01\x01\n${message}\x01\x01\x01\x01\n`);
    expect((await verify(dir, 'box')).problems.map((p) => [p.kind, p.faq])).toEqual([['mailbox-data', '6.14']]);
  });
});

describe('mail in a file that does not read as a mailbox (FAQ 7.1, 7.2)', () => {
  it.each([
    ['a From line without a date', 'From alice@example.org\nSubject: hi\n\nbody\n', '7.2',
      'the first line is not a valid From_ line: "From alice@example.org"; c-client reads the whole file as one message '
        + '(it must read like "From fred@foo.bar Mon May  7 20:54:30 2001")'],
    ['white space before the From line', '   From alice@example.org Mon May  7 20:54:30 2001\nSubject: hi\n\nbody\n', '7.2',
      'the first line is not a valid From_ line (white space before it on its line): "From alice@example.org Mon May  7 20:54:30 2001"; '
        + 'c-client reads the whole file as one message (it must read like "From fred@foo.bar Mon May  7 20:54:30 2001")'],
    ['a message without a From line', 'Return-Path: <alice@example.org>\nSubject: hi\n\nbody\n', '7.2',
      'the file holds mail but does not start with a From_ line (it starts "Return-Path: <alice@example.org>"); '
        + 'c-client reads the whole file as one message'],
  ])('%s', async (_, text, faq, expected) => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'box'), text);
    const result = await verify(dir, 'box');
    expect(result.format).toBe('phile');
    expect(result.problems).toEqual([{ kind: 'not-a-mailbox', faq, text: expected }]);
  });

  it('reports an mbx file cut short of its header, and the survey of what is left', async () => {
    const dir = home();
    const text = '*mbx*\r\n6aebd58b00000004\r\nwork\r\n';
    fs.writeFileSync(path.join(dir, 'box'), text);
    const result = await verify(dir, 'box');
    expect(result.format).toBe('phile');
    expect(result.problems).toEqual([
      { kind: 'not-a-mailbox', faq: '7.15', text: `the file starts like an mbx mailbox but is shorter than the 2048-byte mbx header (${text.length} bytes): `
        + 'c-client reads it as one plain message; repair-mbx can rebuild it' },
      { kind: 'damage', faq: '7.15', offset: text.length, text: `Not a MBX-format mailbox: box (the header block is cut short: ${text.length} of 2048 bytes)` },
    ]);
  });

  it.each([
    ['three ^A bytes', '\x01\x01\x01\n'],
    ['five ^A bytes', '\x01\x01\x01\x01\x01\n'],
    ['a CR before the newline', '\x01\x01\x01\x01\r\n'],
  ])('an mmdf file whose first separator has %s (FAQ 7.2)', async (_, first) => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'box'), `${first}From: alice@example.org\nSubject: hi\n\nbody\n\x01\x01\x01\x01\n`, 'latin1');
    const result = await verify(dir, 'box');
    expect(result.format).toBe('phile');
    expect(result.problems).toEqual([{
      kind: 'not-a-mailbox', faq: '7.2',
      text: `the first line is not a valid MMDF separator (four ^A bytes and a newline): ${JSON.stringify(first.replace(/\n$/, ''))}; `
        + 'c-client reads the whole file as one message',
    }]);
  });

  it('surveys an mbx file whose probe bytes are all gone, found by its first internal header at 2048', async () => {
    const dir = home();
    const bytes = mbxBytes(SPEC_MESSAGES);
    bytes.fill(0x58, 0, 25);
    fs.writeFileSync(path.join(dir, 'box'), bytes);
    const result = await verify(dir, 'box');
    expect(result.format).toBe('phile');
    expect(result.problems.map((p) => p.text)).toEqual([
      'the file holds mbx messages but its header block is damaged: c-client reads it as one plain message; repair-mbx can rebuild it',
      'Not a MBX-format mailbox: box (it does not start with "*mbx*" CRLF, 16 hex digits, CRLF)',
    ]);
  });

  it('says an INBOX with a bad first line looks empty to c-client (FAQ 7.1)', async () => {
    const dir = home();
    const inbox = path.join(dir, 'spool');
    fs.writeFileSync(inbox, 'From alice@example.org\nSubject: hi\n\nbody\n');
    const ref = resolveName('INBOX', buildNameContext({ home: dir, inbox }), 'open');
    const result = await verifyMailbox(ref, recordingContext().ctx);
    expect(result.problems.map((p) => [p.faq, p.text.split(';')[1]?.trim()])).toEqual([['7.1', 'c-client shows the mailbox as empty (it must read like "From fred@foo.bar Mon May  7 20:54:30 2001")']]);
  });

  it('finds nothing wrong with a plain file that is not mail', async () => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'notes'), 'shopping list\n- milk\n');
    expect((await verify(dir, 'notes')).problems).toEqual([]);
  });

  it('finds nothing wrong with an empty file', async () => {
    const dir = home();
    fs.writeFileSync(path.join(dir, 'empty'), '');
    expect(await verify(dir, 'empty')).toMatchObject({ healthy: true, problems: [] });
  });
});

describe('mbx damage (FAQ 7.15)', () => {
  it('lists every damaged place, where a reader stops at the first', async () => {
    const dir = home();
    const bytes = Buffer.concat([mbxBytes(SPEC_MESSAGES), Buffer.from('junk at the end')]);
    bytes.write('x', bytes.indexOf(';', 2048) + 8, 'latin1');
    fs.writeFileSync(path.join(dir, 'box'), bytes);
    const result = await verify(dir, 'box');
    expect(result.complete).toBe(false);
    expect(result.problems).toEqual([
      { kind: 'damage', faq: '7.15', offset: 2048, text: 'Unable to parse message flags at 2048:  7-May-2001 20:54:30 -0700,120;0000000x0019-00000002' },
      { kind: 'damage', faq: '7.15', offset: 2468, text: 'Unable to find CRLF at 2468 in 15 bytes, text: junk at the end' },
    ]);
    expect(fs.readFileSync(path.join(dir, 'box')).equals(bytes)).toBe(true);
  });

  it('names invalid UIDs (FAQ 7.14) once, in the survey\'s words', async () => {
    const dir = home();
    const bytes = Buffer.concat([mbxBytes(SPEC_MESSAGES.slice(0, 2)), messageBytes(SPEC_MESSAGES[1]!)]);
    fs.writeFileSync(path.join(dir, 'box'), bytes);
    const result = await verify(dir, 'box');
    expect(result.problems).toEqual([{ kind: 'uid', faq: '7.14', offset: 2356, text: 'Invalid UID 00000003 in message 3 (at 2356): the same as message 2\'s' }]);
    expect(result.complete).toBe(true);
  });

  it('knows an mbx file whose "*mbx*" lost its first byte, when the message lines are damaged too', async () => {
    const dir = home();
    const bytes = mbxBytes(SPEC_MESSAGES.slice(0, 1));
    bytes[0] = 0;
    bytes.fill(0, 2048, 2048 + 80);
    fs.writeFileSync(path.join(dir, 'box'), bytes);
    const result = await verify(dir, 'box');
    expect(result.format).toBe('phile');
    expect(result.problems.map((p) => p.text)).toEqual([
      'the file starts like an mbx mailbox but its header block is damaged: c-client reads it as one plain message; repair-mbx can rebuild it',
      'Not a MBX-format mailbox: box (it does not start with "*mbx*" CRLF, 16 hex digits, CRLF)',
      'Unable to find CRLF at 2048 in 64 bytes, text: ',
    ]);
  });

  it('surveys an mbx file whose damaged header makes it read as one plain message', async () => {
    const dir = home();
    const bytes = mbxBytes(SPEC_MESSAGES);
    bytes.write('zz', 9, 'latin1');
    fs.writeFileSync(path.join(dir, 'box'), bytes);
    const result = await verify(dir, 'box');
    expect(result.format).toBe('phile');
    expect(result.problems.map((p) => p.text)).toEqual([
      'the file starts like an mbx mailbox but its header block is damaged: c-client reads it as one plain message; repair-mbx can rebuild it',
      'Not a MBX-format mailbox: box (it does not start with "*mbx*" CRLF, 16 hex digits, CRLF)',
    ]);
  });
});
