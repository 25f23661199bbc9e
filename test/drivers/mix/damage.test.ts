// Damaged mix mailboxes give c-client's texts, with the file and the byte
// offset where the damage is. Every text below is what `mailutil check` or
// ccdump (c-client 2007f) printed for the same damage to a copy of the golden
// mix mailbox.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { mixDriver } from '../../../src/drivers/mix/index.js';
import { CorruptMailbox } from '../../../src/errors.js';
import { goldenDir } from '../../interop/golden.js';
import { context, ref, tempDir } from './helpers.js';

process.env.TZ = 'UTC';

/** A writable copy of the golden mix mailbox with `damage` done to it. */
function damaged(damage: (dir: string) => void): string {
  const home = tempDir();
  const dir = path.join(home, 'box');
  fs.cpSync(path.join(goldenDir(), 'mix'), dir, { recursive: true });
  fs.chmodSync(dir, 0o700);
  for (const f of fs.readdirSync(dir)) fs.chmodSync(path.join(dir, f), 0o600);
  damage(dir);
  return home;
}

/** Replaces the first match in a file. */
const edit = (file: string, from: string | RegExp, to: string) => (dir: string): void => {
  const p = path.join(dir, file);
  const text = fs.readFileSync(p, 'latin1');
  const out = text.replace(from, to);
  if (out === text) throw new Error(`the damage to ${file} changed nothing`);
  fs.writeFileSync(p, out, 'latin1');
};

const overwrite = (file: string, at: number, bytes: string) => (dir: string): void => {
  const fd = fs.openSync(path.join(dir, file), 'r+');
  fs.writeSync(fd, Buffer.from(bytes, 'latin1'), 0, bytes.length, at);
  fs.closeSync(fd);
};

const DATA = '.mix6b05915a';
const REST = '6b05915a:00000000:0000002d:000000c2:';

describe('damage that stops the open, as it stops c-client', () => {
  it.each([
    ['a bad date', edit('.mixindex', ':00000002:2023', ':00000002:20X3'), 11, '.mixindex',
      `Error in internaldate in mix index file: 00000002:20X31114221320+0000:0000011e:${REST}`],
    ['UID 0', edit('.mixindex', ':00000002:', ':00000000:'), 11, '.mixindex',
      `Error in UID in mix index file: 00000000:20231114221320+0000:0000011e:${REST}`],
    ['no colon before the size', edit('.mixindex', '+0000:0000011e:', '+0000;0000011e:'), 11, '.mixindex',
      `Error in size in mix index file: ;0000011e:${REST}`],
    ['a size that is not hex', edit('.mixindex', '+0000:0000011e:', '+0000:x000011e:'), 11, '.mixindex',
      `Error in size in mix index file: x000011e:${REST}`],
    ['no colon before the position', edit('.mixindex', ':6b05915a:00000000:', ':6b05915a;00000000:'), 11, '.mixindex',
      'Error in message position in mix index file: 00000000:0000002d:000000c2:'],
    ['no colon after the header size', edit('.mixindex', '0000002d:000000c2:', '0000002d:000000c2'), 11, '.mixindex',
      'Error in expansion in mix index file: '],
    ['a line not starting with a colon', edit('.mixindex', /\r\n:00000002:/, '\r\nX00000002:'), 11, '.mixindex',
      `Unknown record in mix index file: X00000002:20231114221320+0000:0000011e:${REST}`],
    ['a bad index sequence', edit('.mixindex', 'S6b05915e', 'Sxyz'), 0, '.mixindex',
      'Error in mix index file sequence record'],
    ['a bad metadata sequence', edit('.mixmeta', 'S6b05915f', 'Q6b05915f'), 0, '.mixmeta',
      'Error in mix metadata file sequence record'],
    ['LF-only metadata', edit('.mixmeta', /\r/g, ''), 0, '.mixmeta', 'Error in mix metadata file sequence record'],
    ['an unknown metadata key', edit('.mixmeta', 'Kwork', 'Xfoo\r\nKwork'), 44, '.mixmeta', 'Error in mix metadata record'],
    ['a blank metadata line', edit('.mixmeta', 'Kwork', '\r\nKwork'), 44, '.mixmeta', 'Error in mix metadata record'],
    ['a UIDVALIDITY of 0', edit('.mixmeta', 'V6b05915a', 'V00000000'), 11, '.mixmeta', 'Error in mix metadata file UIDVALIDITY record'],
    ['a missing data file', (dir: string) => fs.rmSync(path.join(dir, DATA)), 11, '.mixindex', 'Missing mix data file: DIR/.mix6b05915a'],
  ])('%s', async (_what, damage, offset, file, text) => {
    const home = damaged(damage);
    const err = await mixDriver.open(ref(home, 'box'), 'read', context().ctx).then(
      () => { throw new Error('opened'); }, (e: unknown) => e);
    const detail = `${text.replace('DIR', path.join(home, 'box'))} (${file}, byte ${offset})`;
    expect(err).toEqual(new CorruptMailbox('box', offset, detail));
    expect((err as CorruptMailbox).message).toBe(`box: ${detail}`);
  });
});

describe('damage c-client only warns about', () => {
  async function readAll(home: string, mode: 'read' | 'write' = 'read') {
    const { ctx, warnings } = context();
    const mb = await mixDriver.open(ref(home, 'box'), mode, ctx);
    const messages = [];
    for await (const m of mb.messages()) messages.push(m);
    return { mb, messages, warnings };
  }

  it('a UID above the last UID: raised in memory, written with the next change', async () => {
    const home = damaged(edit('.mixindex', /\r\n:0000000f:/, '\r\n:00000010:'));
    const { mb, messages, warnings } = await readAll(home, 'write');
    expect(warnings).toEqual(['mix index invalid UID (00000010 < 0000000f)']);
    expect(mb.meta.uidLast).toBe(0x10);
    expect(messages[13]!.uid).toBe(0x10);
    expect(fs.readFileSync(path.join(home, 'box', '.mixmeta'), 'latin1')).toContain('L0000000f\r\n');
    await mb.store([2], { add: { flags: ['\\Seen'] } });
    await mb.close();
    expect(fs.readFileSync(path.join(home, 'box', '.mixmeta'), 'latin1')).toContain('L00000010\r\n');
  });

  it('a short data file: warned at open, and the message that runs past its end can\'t be read', async () => {
    const home = damaged((dir) => fs.truncateSync(path.join(dir, DATA), 26000));
    const { mb, messages, warnings } = await readAll(home);
    expect(warnings).toEqual(['message 14 (UID=0000000f) truncated by 162 byte(s) (26000 < 26162)']);
    expect((await messages[12]!.text()).length).toBe(messages[12]!.size);
    await expect(messages[13]!.text()).rejects.toThrow(new CorruptMailbox('box', 0x6534,
      'Error reading mix message header, uid=f, s=d1, h=:msg:0000000f:20240207235959+0000:000000d1: (.mix6b05915a, byte 25908)'));
    await mb.close();
  });

  it('a :msg: line with another UID: that message can\'t be read; a size that disagrees is a warning', async () => {
    const home = damaged(overwrite(DATA, 0, ':msg:00000009:'));
    const { mb, messages } = await readAll(home);
    await expect(messages[0]!.text()).rejects.toThrow(
      'box: Error reading mix message header, uid=2, s=11e, h=:msg:00000009:20231114221320+0000:0000011e: (.mix6b05915a, byte 0)');
    expect((await messages[1]!.text()).length).toBe(4500);
    await mb.close();
    const home2 = damaged(overwrite(DATA, 0, ':msg:00000002:20231114221320+0000:0000011f:'));
    const again = await readAll(home2);
    expect((await again.messages[0]!.text()).length).toBe(286);
    expect(again.warnings).toEqual(['Inconsistency in mix message size, uid=2 (286 != 287)']);
    await again.mb.close();
  });

  it('a bad status record: the flags from there on are not read', async () => {
    const home = damaged(edit('.mixstatus', ':00000002:00000000:0001:', ':0000000z:00000000:0001:'));
    const { mb, messages, warnings } = await readAll(home);
    expect(warnings).toEqual(['Error in mix status file message record: :0000000z:00000000:0001:6b05915e:']);
    expect(messages.filter((m) => m.flags.includes('\\Seen')).length).toBe(0);
    await mb.close();
  });

  it('a bad status sequence: the flags are not read, and nothing may be written over them', async () => {
    const home = damaged(edit('.mixstatus', 'S6b05915e', 'Sxyz'));
    const { mb, messages, warnings } = await readAll(home, 'write');
    expect(warnings).toEqual(['Error in mix status sequence record, i=0, seq=0']);
    expect(messages.filter((m) => m.flags.length > 0).length).toBe(0);
    const refused = new CorruptMailbox('box', 0, 'Error in mix status sequence record, i=0, seq=0 (.mixstatus, byte 0)');
    await expect(mb.store([2], { add: { flags: ['\\Seen'] } })).rejects.toThrow(refused);
    await expect(mb.expunge()).rejects.toThrow(refused);
    await mb.close();
  });

  it('an empty status record is skipped with a warning', async () => {
    const home = damaged(edit('.mixstatus', /\r\n:00000003:[^\r]*/, '\r\n'));
    const { mb, messages, warnings } = await readAll(home);
    expect(warnings).toEqual(['Empty mix status record']);
    expect(messages.filter((m) => m.flags.includes('\\Seen')).length).toBe(5);
    await mb.close();
  });

  it('UIDs that do not ascend stop the open (mailsmith finds messages by UID)', async () => {
    const home = damaged(edit('.mixindex', /\r\n:00000003:/, '\r\n:00000002:'));
    await expect(mixDriver.open(ref(home, 'box'), 'read', context().ctx))
      .rejects.toThrow('box: mix index UID mismatch (2 < 2) (.mixindex, byte 88)');
  });
});
