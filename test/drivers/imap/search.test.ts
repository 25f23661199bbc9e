// prune on an IMAP mailbox sends its criteria as UID SEARCH: the same
// criteria pick the same messages on Dovecot as mailsmith's own evaluation
// picks in a local mbx with the same contents (flags, keywords, internal
// and sent dates, header and body text, OR, NOT, sequence sets, sizes), and
// a prune expunges exactly the UIDs the server found, without reading a
// message.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messageIdOf } from '../../../src/mail/identity.js';
import { pruneMailbox, type PruneCandidate } from '../../../src/ops/prune.js';
import { MessageView, SearchCriteria } from '../../../src/search/index.js';
import { createMailbox, openMailbox } from '../../../src/store/index.js';
import type { NewMessage } from '../../../src/store/types.js';
import { Dovecot } from '../../helpers/dovecot.js';
import { iterate, remote, remoteContext, sampleMessages } from '../../helpers/remote.js';
import { localRef, recordingContext } from '../../helpers/store.js';

let server: Dovecot;
let home: string;
let messages: NewMessage[];
/** The server's UID of each message, in mailbox order. */
let serverUids: readonly number[];
/** The local mbx's UID of each message, in mailbox order. */
let localUids: number[];

const BOX = 'searched';

beforeAll(async () => {
  server = await Dovecot.start();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'imap-search-'));
  // UTC internal dates: Dovecot keeps no zone, and BEFORE/ON/SINCE look at the date in the stored zone
  messages = await sampleMessages(60, { utc: true, offset: 7 });
  const { ctx } = recordingContext();
  const local = localRef(home, 'local.mbx', { createFormat: 'mbx' });
  await createMailbox(local, ctx, { format: 'mbx', meta: { uidValidity: 1_000_000_000, uidLast: 0 } });
  const lbox = await openMailbox(local, 'write', ctx);
  try {
    localUids = [...(await lbox.append(iterate(messages), { keepUids: true })).uids];
  } finally {
    await lbox.close();
  }
  const rctx = remoteContext(server).ctx;
  await createMailbox(remote(server.imap('alice', BOX)), rctx);
  const rbox = await openMailbox(remote(server.imap('alice', BOX)), 'write', rctx);
  try {
    serverUids = (await rbox.append(iterate(messages))).uids;
  } finally {
    await rbox.close();
  }
});

afterAll(async () => {
  await server?.stop();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** Positions (0-based, mailbox order) of the messages a dry-run prune says match. */
async function positions(where: 'local' | 'server', words: string): Promise<number[]> {
  const criteria = SearchCriteria.parse([words]);
  const ref = where === 'local' ? localRef(home, 'local.mbx') : remote(server.imap('alice', BOX));
  const ctx = where === 'local' ? recordingContext().ctx : remoteContext(server).ctx;
  const r = await pruneMailbox(ref, criteria, ctx, { dryRun: true });
  const order = where === 'local' ? localUids : serverUids;
  return r.uids.map((u) => order.indexOf(u));
}

/** Words that occur in the sample: a From address, a Subject word, a Message-ID, a body word, a sent date. */
function terms(): { from: string; subject: string; messageId: string; body: string; sent: string } {
  const view = (i: number) => new MessageView(messages[i]!.text);
  const subject = (view(4).decodedField('SUBJECT') ?? '').split(/\s+/).find((w) => /^[A-Za-z]{4,}$/.test(w)) ?? 'the';
  const body = messages[9]!.text.toString('latin1').split('\r\n\r\n').slice(1).join(' ').split(/\s+/)
    .find((w) => /^[a-z]{6,}$/.test(w)) ?? 'the';
  return {
    from: (view(2).addressText('FROM') ?? '').split(/[\s<>]+/).find((w) => w.includes('@')) ?? 'a',
    subject,
    messageId: messageIdOf(messages[12]!.text).replace(/^<|>$/g, ''),
    body,
    sent: dayOf(new Date(view(30).decodedField('DATE') ?? 0).getTime()),
  };
}

describe('UID SEARCH on Dovecot and mailsmith\'s own evaluation', () => {
  it('pick the same messages for the same criteria', async () => {
    const t = terms();
    const cases = [
      'seen', 'unseen', 'deleted', 'flagged unanswered', 'answered', 'draft', 'keyword work', 'unkeyword Junk',
      'before 1-jan-2002', 'since 15-mar-2002', `on ${dayOf(messages[20]!.internalDate.ms)}`,
      `sentbefore ${t.sent}`, `sentsince ${t.sent}`, `senton ${t.sent}`,
      `from "${t.from}"`, `subject "${t.subject}"`, `header message-id "${t.messageId}"`, `body "${t.body}"`,
      `text "${t.subject}"`,
      'or flagged keyword $Label1', 'not seen', 'or (seen unflagged) not (deleted or draft answered)',
      '1:5,20:*', '3,9:11 not seen', 'larger 4000', 'smaller 2000',
    ];
    for (const words of cases) {
      const [mine, theirs] = [await positions('local', words), await positions('server', words)];
      expect(theirs, words).toEqual(mine);
    }
    // the criteria matter: not every case picks everything or nothing
    expect(new Set(await Promise.all(cases.slice(0, 8).map(async (w) => (await positions('local', w)).length))).size).toBeGreaterThan(2);
  });

  it('prune sends the criteria as UID SEARCH and expunges exactly the UIDs the server found', async () => {
    const name = server.imap('alice', BOX);
    const rec = remoteContext(server);
    const before = await server.messages('alice', BOX);
    const expected = (await positions('server', 'or flagged keyword work')).map((i) => serverUids[i]!);
    expect(expected.length).toBeGreaterThan(0);
    const listed: PruneCandidate[] = [];
    await pruneMailbox(remote(name), SearchCriteria.parse(['or flagged keyword work']), rec.ctx, {
      dryRun: true, keepDeleted: true, onCandidate: (c) => listed.push(c),
    });
    expect(listed.map((c) => c.uid)).toEqual(expected);
    rec.telemetry.length = 0;
    const r = await pruneMailbox(remote(name), SearchCriteria.parse(['or flagged keyword work']), rec.ctx, { keepDeleted: true });
    expect(r.uids).toEqual(expected);
    expect(r.purged).toBe(expected.length);
    expect(rec.telemetry.some((l) => / C: [0-9A-F]+ UID SEARCH OR FLAGGED KEYWORD work$/.test(l))).toBe(true);
    // nothing was read to decide
    expect(rec.telemetry.some((l) => /BODY\.PEEK\[\]/.test(l))).toBe(false);
    const after = await server.messages('alice', BOX);
    expect(after.map((m) => m.uid)).toEqual(before.map((m) => m.uid).filter((u) => !expected.includes(u)));
  });
});

/** The UTC date of an instant as SEARCH takes it (`7-May-2001`). */
function dayOf(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return `${d.getUTCDate()}-${months[d.getUTCMonth()]}-${d.getUTCFullYear()}`;
}
