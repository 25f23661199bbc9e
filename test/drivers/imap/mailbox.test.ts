// The imap driver through the store API, against a real Dovecot: what an
// append sends and what the server kept, reading back, store and expunge by
// UID (what move and prune rely on), the resume of an interrupted append,
// STATUS, CREATE/RENAME/DELETE, LIST for transfer, and the same again on a
// server that offers none of MULTIAPPEND, UIDPLUS and LITERAL+.
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectionFailed, MailboxNotFound, ReadOnlyMailbox, ServerRefused } from '../../../src/errors.js';
import { messageIdOf } from '../../../src/mail/identity.js';
import {
  createMailbox, deleteMailbox, listRemote, mailboxExists, openMailbox, remoteStatus, renameMailbox,
} from '../../../src/store/index.js';
import type { Mailbox, NewMessage, StoreContext } from '../../../src/store/types.js';
import { Dovecot } from '../../helpers/dovecot.js';
import { LineProxy } from '../../helpers/line-proxy.js';
import { iterate, remote, remoteContext, sampleMessages } from '../../helpers/remote.js';

let server: Dovecot;
let ctx: StoreContext;
let bare: LineProxy;

beforeAll(async () => {
  server = await Dovecot.start();
  ctx = remoteContext(server).ctx;
  bare = await LineProxy.start(server.info.imapPort, { protocol: 'imap', hide: ['MULTIAPPEND', 'UIDPLUS', 'LITERAL+', 'STARTTLS'] });
});

afterAll(async () => {
  await bare?.close();
  await server?.stop();
});

async function readAll(box: Mailbox): Promise<{ uid: number; text: Buffer; date: number; zone: number; flags: string[]; keywords: string[]; recent: boolean }[]> {
  const out = [];
  for await (const m of box.messages()) {
    out.push({ uid: m.uid, text: await m.text(), date: m.internalDate.ms, zone: m.internalDate.zone, flags: [...m.flags], keywords: [...m.keywords], recent: m.recent });
  }
  return out;
}

async function withBox<T>(name: string, mode: 'read' | 'write', work: (b: Mailbox) => Promise<T>, c = ctx): Promise<T> {
  const box = await openMailbox(remote(name), mode, c);
  try {
    return await work(box);
  } finally {
    await box.close();
  }
}

async function put(name: string, messages: readonly NewMessage[], c = ctx) {
  await createMailbox(remote(name), c);
  return withBox(name, 'write', (b) => b.append(iterate(messages), { keepUids: true }), c);
}

describe('append and read back', () => {
  it('keeps text, instants, flags and keywords; names the zones and UIDs the server did not keep', async () => {
    const messages = await sampleMessages(40);
    const name = server.imap('alice', 'roundtrip');
    const result = await put(name, messages);
    expect(result.appended).toBe(40);
    expect(result.uids).toHaveLength(40);
    const zoned = messages.filter((m) => m.internalDate.zone !== 0).length;
    const lossCount = (kind: string) => [...(result.losses.get(kind as never)?.values() ?? [])].reduce((a, b) => a + b, 0);
    // Dovecot keeps internal dates in UTC; every other zone is reported, none silently dropped
    expect(lossCount('date-zone')).toBe(zoned);
    expect(lossCount('uid')).toBe(40);
    expect(lossCount('keyword') + lossCount('flag')).toBe(0);

    const got = await withBox(name, 'read', async (b) => {
      expect(b.meta.uidValidity).toBeGreaterThan(0);
      expect(b.meta.uidLast).toBe(40);
      expect([...b.meta.keywords].sort()).toEqual(['$Label1', 'Junk', 'work'].sort());
      return readAll(b);
    });
    expect(got.map((m) => m.text)).toEqual(messages.map((m) => m.text));
    expect(got.map((m) => m.date)).toEqual(messages.map((m) => Math.floor(m.internalDate.ms / 1000) * 1000));
    expect(got.map((m) => m.flags)).toEqual(messages.map((m) => [...m.flags]));
    expect(got.map((m) => m.keywords)).toEqual(messages.map((m) => [...m.keywords]));
    expect(got.map((m) => m.uid)).toEqual(result.uids);
    // an EXAMINE leaves \Recent to the user's mail reader
    expect(got.every((m) => m.recent)).toBe(true);
  });

  it('sends a batch as one MULTIAPPEND with non-synchronizing literals: no round trip per message', async () => {
    const rec = remoteContext(server);
    const messages = await sampleMessages(60, { utc: true });
    const result = await put(server.imap('alice', 'pipelined'), messages, rec.ctx);
    expect(result.appended).toBe(60);
    const appends = rec.telemetry.filter((l) => / C: [0-9A-F]+ APPEND /.test(l));
    expect(appends).toHaveLength(1);
    expect(appends[0]).toContain('+}');
    // no continuation request ("+") is waited for once the APPEND has started
    const after = rec.telemetry.slice(rec.telemetry.indexOf(appends[0]!));
    expect(after.filter((l) => / S: \+/.test(l))).toHaveLength(0);
  });

  it('skips what the mailbox already holds, so an interrupted append can be run again', async () => {
    const messages = await sampleMessages(15, { utc: true, offset: 100 });
    const name = server.imap('alice', 'resume');
    await put(name, messages.slice(0, 10));
    const again = await withBox(name, 'write', (b) => b.append(iterate(messages)));
    expect(again.appended).toBe(5);
    expect(again.present).toBe(10);
    const ids = (await server.messages('alice', 'resume')).map((m) => m.messageId);
    expect(ids).toHaveLength(15);
  });

  it('stops with the server\'s words when it refuses a message, and leaves nothing behind', async () => {
    const messages = await sampleMessages(4, { utc: true, offset: 60 });
    // a system flag that does not exist: the server answers BAD for the whole MULTIAPPEND
    const bad = [...messages.slice(0, 3), { ...messages[3]!, keywords: ['\\Bogus'] }];
    const name = server.imap('alice', 'refused');
    await createMailbox(remote(name), ctx);
    const err = await withBox(name, 'write', (b) => b.append(iterate(bad))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerRefused);
    expect((err as Error).message).toMatch(/^can't append to .*refused: /);
    expect(await server.messages('alice', 'refused')).toHaveLength(0);
  });
});

describe('an append of many MB', () => {
  /** A message of about 1.1 MB (several make more than one MULTIAPPEND batch). */
  function big(i: number, keywords: string[] = [], lines = 14_000): NewMessage {
    const line = `${'x'.repeat(76)}\r\n`;
    const text = Buffer.from(`Message-ID: <big-${i}@example.org>\r\nSubject: big ${i}\r\n\r\n${line.repeat(lines)}`, 'latin1');
    return { text, internalDate: { ms: Date.UTC(2020, 0, 1) + i * 1000, zone: 0 }, flags: [], keywords };
  }
  const COUNT = 10;

  it('starts with a small batch, reads the next batch while the server stores the one before, and keeps no text once it is answered', async () => {
    const rec = remoteContext(server);
    const name = server.imap('alice', 'big-append');
    await createMailbox(remote(name), rec.ctx);
    v8.setFlagsFromString('--expose-gc');
    const gc = vm.runInNewContext('gc') as () => void;
    const texts: WeakRef<Buffer>[] = [];
    let answered = 0;
    let readAhead = false;
    let firstTextKept: boolean | undefined;
    async function* source(): AsyncIterable<NewMessage> {
      for (let i = 0; i < COUNT; i++) {
        const appends = rec.telemetry.filter((l) => / C: [0-9A-F]+ APPEND /.test(l)).length;
        // a batch is on the wire and not answered yet, and the source is read on
        if (appends > 0 && answered === 0) readAhead = true;
        if (i === COUNT - 1) {
          gc();
          firstTextKept = texts[0]!.deref() !== undefined;
        }
        const m = big(i);
        texts.push(new WeakRef(m.text));
        yield m;
      }
    }
    const result = await withBox(name, 'write', (b) => b.append(source(), { onMessage: () => answered++ }), rec.ctx);
    expect(result.appended).toBe(COUNT);
    expect(answered).toBe(COUNT);
    const appends = rec.telemetry.filter((l) => / C: [0-9A-F]+ APPEND /.test(l));
    // the first batch is small, so that the server starts storing early; later ones are larger
    const literals = appends.map((l) => l.match(/\(\d+ octets\)/g)?.length ?? 0);
    expect(literals[0]).toBe(1);
    expect(Math.max(...literals)).toBeGreaterThan(2);
    expect(literals.reduce((a, b) => a + b, 0)).toBe(COUNT);
    expect(readAhead).toBe(true);
    // the first batch was answered well before the last message was read: nothing holds its text
    expect(firstTextKept).toBe(false);
    expect((await server.messages('alice', 'big-append')).map((m) => m.messageId))
      .toEqual(Array.from({ length: COUNT }, (_, i) => `<big-${i}@example.org>`));
  });

  it('sends nothing more once the server refuses a batch, and leaves nothing behind', async () => {
    const rec = remoteContext(server);
    const name = server.imap('alice', 'big-refused');
    await createMailbox(remote(name), rec.ctx);
    // the first batch: a message of just under 1 MB and a short one that the server refuses (a
    // BAD before a long literal makes Dovecot drop the connection instead)
    const messages = [big(0, [], 13_400), big(1, ['\\Bogus'], 20), ...Array.from({ length: COUNT }, (_, i) => big(i + 2))];
    const err = await withBox(name, 'write', (b) => b.append(iterate(messages)), rec.ctx).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ServerRefused);
    expect(rec.telemetry.filter((l) => / C: [0-9A-F]+ APPEND /.test(l))).toHaveLength(1);
    expect(await server.messages('alice', 'big-refused')).toHaveLength(0);
  });
});

describe('store and expunge by UID (move, appenddelete, prune)', () => {
  async function fiveWithSecondDeleted(name: string): Promise<number[]> {
    const messages = (await sampleMessages(5, { utc: true, offset: 50 })).map((m, i) => ({
      ...m, flags: i === 1 ? ['\\Deleted' as const] : [],
    }));
    return (await put(name, messages)).uids as number[];
  }

  it('expunges exactly the given UIDs (UID EXPUNGE); a message already \\Deleted stays', async () => {
    const name = server.imap('alice', 'prune-me');
    const uids = await fiveWithSecondDeleted(name);
    const n = await withBox(name, 'write', async (b) => {
      await b.store([uids[0]!, uids[2]!], { add: { flags: ['\\Deleted'] } });
      return b.expunge([uids[0]!, uids[2]!]);
    });
    expect(n).toBe(2);
    const left = await server.messages('alice', 'prune-me');
    expect(left.map((m) => m.uid)).toEqual([uids[1], uids[3], uids[4]]);
    expect(left[0]!.flags).toContain('\\Deleted');
  });

  it('does the same on a server without UIDPLUS (other \\Deleted messages are kept around the EXPUNGE)', async () => {
    const name = server.imap('alice', 'prune-bare');
    const uids = await fiveWithSecondDeleted(name);
    const viaProxy = server.imap('alice', 'prune-bare', '/notls', bare.port);
    const n = await withBox(viaProxy, 'write', async (b) => {
      await b.store([uids[0]!, uids[2]!], { add: { flags: ['\\Deleted'] } });
      return b.expunge([uids[0]!, uids[2]!]);
    });
    expect(n).toBe(2);
    const left = await server.messages('alice', 'prune-bare');
    expect(left.map((m) => m.uid)).toEqual([uids[1], uids[3], uids[4]]);
    expect(left[0]!.flags).toContain('\\Deleted');
  });

  it('expunge without UIDs removes every \\Deleted message; flags come off again with remove', async () => {
    const name = server.imap('alice', 'expunge-all');
    const uids = await fiveWithSecondDeleted(name);
    await withBox(name, 'write', async (b) => {
      await b.store([uids[3]!], { add: { flags: ['\\Flagged'], keywords: ['later'] } });
      await b.store([uids[3]!], { remove: { keywords: ['later'] } });
      expect(await b.expunge()).toBe(1);
    });
    const left = await server.messages('alice', 'expunge-all');
    expect(left.map((m) => m.uid)).toEqual([uids[0], uids[2], uids[3], uids[4]]);
    expect(left[2]!.flags).toContain('\\Flagged');
    expect(left[2]!.flags).not.toContain('later');
  });

  it('refuses changes to a mailbox opened read-only or named /readonly', async () => {
    const name = server.imap('alice', 'expunge-all');
    await expect(withBox(name, 'read', (b) => b.expunge())).rejects.toBeInstanceOf(ReadOnlyMailbox);
    const ro = server.imap('alice', 'expunge-all', '/notls/readonly');
    await expect(withBox(ro, 'write', (b) => b.store([1], { add: { flags: ['\\Seen'] } }))).rejects.toBeInstanceOf(ReadOnlyMailbox);
  });
});

describe('a server without MULTIAPPEND, UIDPLUS and LITERAL+', () => {
  it('gets one APPEND per message with synchronizing literals, and the same result', async () => {
    const rec = remoteContext(server);
    const messages = await sampleMessages(12);
    const name = server.imap('alice', 'bare-append', '/notls', bare.port);
    const result = await put(name, messages, rec.ctx);
    expect(result.appended).toBe(12);
    // without APPENDUID the new UIDs come from UIDNEXT, so what the server kept is still checked
    expect(result.uids).toHaveLength(12);
    expect([...(result.losses.get('date-zone')?.values() ?? [])].reduce((a, b) => a + b, 0))
      .toBe(messages.filter((m) => m.internalDate.zone !== 0).length);
    expect(rec.telemetry.filter((l) => / C: [0-9A-F]+ APPEND /.test(l))).toHaveLength(12);
    expect(rec.telemetry.some((l) => l.includes('+}'))).toBe(false);
    const got = await withBox(name, 'read', readAll);
    expect(got.map((m) => m.text)).toEqual(messages.map((m) => m.text));
  });
});

describe('mailboxes on the server', () => {
  it('creates, finds, renames and deletes, with Unicode names in modified UTF-7', async () => {
    const made = remote(server.imap('alice', 'Entwürfe/2024'));
    await createMailbox(made, ctx);
    expect(await mailboxExists(made, ctx)).toBe(true);
    expect(await server.mailboxes('alice')).toContain('Entwürfe/2024');
    const moved = remote(server.imap('alice', 'Entw&APw-rfe/alt'));
    await renameMailbox(made, moved, ctx);
    expect(await mailboxExists(made, ctx)).toBe(false);
    expect(await server.mailboxes('alice')).toContain('Entwürfe/alt');
    await deleteMailbox(moved, ctx);
    expect(await mailboxExists(moved, ctx)).toBe(false);
    await expect(deleteMailbox(moved, ctx)).rejects.toBeInstanceOf(MailboxNotFound);
    await expect(openMailbox(moved, 'read', ctx)).rejects.toBeInstanceOf(MailboxNotFound);
  });

  it('lists a hierarchy with its delimiter, for transfer', async () => {
    for (const n of ['tree/a', 'tree/b/c', 'tree/Ünï']) await createMailbox(remote(server.imap('alice', n)), ctx);
    const listing = await listRemote(remote(server.imap('alice')), '', 'tree/*', ctx);
    expect(listing.delimiter).toBe('/');
    const byName = new Map(listing.entries.map((e) => [e.displayName, e]));
    expect([...byName.keys()].sort()).toEqual(['tree/a', 'tree/b', 'tree/b/c', 'tree/Ünï'].sort());
    expect(byName.get('tree/b')!.hasChildren).toBe(true);
    expect(byName.get('tree/Ünï')!.name).toBe('tree/&ANw-n&AO8-');
    expect(byName.get('tree/a')!.ref.mailbox).toBe('tree/a');
    expect(await mailboxExists(byName.get('tree/Ünï')!.ref, ctx)).toBe(true);
  });

  it('counts with STATUS and names the mailbox as c-client does', async () => {
    const name = server.imap('alice', 'roundtrip');
    const s = await remoteStatus(remote(name), ctx);
    expect(s).toEqual({
      name: `{127.0.0.1:${server.info.imapPort}/imap/notls/user="alice"}roundtrip`, total: 40, recent: 40,
      unseen: (await sampleMessages(40)).filter((m) => !m.flags.includes('\\Seen')).length,
    });
  });
});

describe('a connection that breaks in the middle of an append', () => {
  it('fails with one line saying what stays; the same append again finishes without duplicates', async () => {
    const messages = await sampleMessages(200, { utc: true });
    const total = messages.reduce((a, m) => a + m.text.length, 0);
    // one APPEND per message (no MULTIAPPEND, which the server would take all or nothing), cut
    // after 60 % of the bytes
    const cut = await LineProxy.start(server.info.imapPort, {
      protocol: 'imap', hide: ['MULTIAPPEND'], cut: { direction: 'to-server', bytes: Math.floor(total * 0.6) },
    });
    try {
      const name = server.imap('alice', 'cut-append', '/notls', cut.port);
      await createMailbox(remote(server.imap('alice', 'cut-append')), ctx);
      const err = await withBox(name, 'write', (b) => b.append(iterate(messages))).catch((e: unknown) => e);
      expect(cut.cutDone).toBe(true);
      expect(err).toBeInstanceOf(ConnectionFailed);
      expect((err as Error).message).not.toMatch(/\n/);
      // the server goes on saving what it had received before the connection broke: wait for it
      const arrived = await server.settledCount('alice', 'cut-append');
      expect(arrived).toBeGreaterThan(0);
      expect(arrived).toBeLessThan(200);
      expect((err as Error).message).toMatch(/before the connection broke stays there; running the same command again skips it/);
      const again = await withBox(name, 'write', (b) => b.append(iterate(messages)));
      expect(again.present).toBe(arrived);
      expect(again.appended).toBe(200 - arrived);
      const ids = (await server.messages('alice', 'cut-append')).map((m) => m.messageId);
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(new Set(messages.map((m) => messageIdOf(m.text))).size);
    } finally {
      await cut.close();
    }
  });
});
