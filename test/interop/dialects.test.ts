// Other programs' mbox dialects (formats-dir.md 7) against the real c-client:
// without --lenient mailsmith reads each sample exactly as c-client does
// (messages, dates, flags, UIDs, bytes; a file c-client does not take for an
// mbox is one plain-file message in both); with --lenient, once a read-write
// session has rewritten the file, c-client reads the messages mailsmith read.
import { afterAll, describe, expect, it } from 'vitest';
import { diffDumps, type MailboxDump } from './dump.js';
import { collectingContext, localRef, readWithMailsmith } from './mailsmith.js';
import { sharedSetup, type OracleHome } from './oracle.js';
import { openMailbox, makeStoreContext } from '../../src/store/index.js';
import { formatInternalDate } from '../../src/mail/dates.js';

process.env.TZ = 'UTC';

const SAMPLES: Record<string, string> = {
  thunderbird:
    'From - Mon Jan 1 00:00:00 2024\nX-Mozilla-Status: 0001\nSubject: one\n\nbody one\n\n' +
    'From - Tue Jan 2 10:00:00 2024\nX-Mozilla-Status: 0000\nSubject: two\n\nbody two\n',
  'thunderbird-crlf':
    'From - Tue Nov 21 10:00:00 2023\r\nX-Mozilla-Status: 0001\r\nSubject: one\r\n\r\nbody one\r\n\r\n' +
    'From - Tue Jan 2 10:00:00 2024\r\nX-Mozilla-Status: 0000\r\nSubject: two\r\n\r\nbody two\r\n',
  webmail:
    'From a@b Wed Dec  2 05:53:22 1992\nSubject: one\n\nbody one\n\n' +
    'From foo@bar Sat, 25 Nov 2023 08:00:00 +0000\nSubject: two\n\nbody two\n\n' +
    'From 1784256789012345678@xxx Wed Aug 18 12:53:48 +0000 2021\nX-GM-THRID: 1\nSubject: three\n\nbody three\n',
  mboxrd:
    'From bob@example.org Thu Jan  1 00:00:00 1970\nX-IMAPbase:           1795525788                    3\n' +
    'Subject: quoting\nX-UID: 1\n\n>From the desk of Bob\n>>From here it is quoted\n>>>From two\n\n',
  dovecot:
    'From user@host  Tue Nov 24 13:09:27 2026\nSubject: one\nX-IMAPbase: 1795525767 0000000004 work\nX-UID: 1\nStatus: R\n' +
    'X-Keywords: work                                                 \nContent-Length: 11\n\nHello one.\n\n' +
    'From user@host  Tue Nov 24 13:09:28 2026\nSubject: two\nX-UID: 2\nStatus: \nContent-Length: 67\n\n' +
    'Second message.\nFrom a@b Wed Dec  2 05:53:22 1992\nnot a new message\n\n' +
    'From user@host  Tue Nov 24 13:09:29 2026\nSubject: three\nX-UID: 3\nContent-Length: 6\n\nThree\n',
  'lying-content-length':
    'From a@b Wed Dec  2 05:53:21 1992\nSubject: 1\nContent-Length: 3\n\ntoo short for this body\n\n' +
    'From a@b Wed Dec  2 05:53:22 1992\nSubject: 2\nContent-Length: 500\n\ntoo long\n\n' +
    'From a@b Wed Dec  2 05:53:23 1992\nSubject: 3\n\nlast\n',
};

/** What mailsmith reads with --lenient, in the dump's shape. */
async function readLeniently(home: string, name: string): Promise<MailboxDump> {
  const mb = await openMailbox(localRef(home, name), 'read', makeStoreContext({ lenient: true }));
  try {
    const messages = [];
    for await (const m of mb.messages()) {
      messages.push({
        uid: m.uid, internalDate: formatInternalDate(m.internalDate), flags: [...m.flags], keywords: [...m.keywords],
        size: m.size, text: await m.text(),
      });
    }
    return { meta: mb.meta, messages };
  } finally {
    await mb.close();
  }
}

describe('mbox dialects', () => {
  const setup = sharedSetup('dialects', async (home: OracleHome) => {
    for (const [name, content] of Object.entries(SAMPLES)) await home.put(name, Buffer.from(content, 'latin1'));
    return {};
  });
  afterAll(() => setup.dispose());

  it.each(Object.keys(SAMPLES))('%s: without --lenient, mailsmith reads it as c-client does', async (name) => {
    const { home } = await setup.get();
    const oracle = await home.ccdump(name);
    const clockValidity = oracle.warnings.some((w) => /Assigning new unique identifiers/.test(w));
    const ours = await readWithMailsmith(home.dir, name, clockValidity ? new Date(oracle.meta.uidValidity * 1000) : undefined);
    expect(ours.format).toBe(oracle.driver);
    if (oracle.driver === 'phile') expect(ours.messages.length).toBe(oracle.messages.length);
    else expect(diffDumps(ours, oracle)).toEqual([]);
  });

  it.each(['thunderbird', 'thunderbird-crlf', 'webmail', 'mboxrd', 'dovecot'])(
    '%s: after a lenient read-write session, c-client reads what mailsmith read',
    async (name) => {
      const { home } = await setup.get();
      const copy = `rw-${name}`;
      await home.put(copy, await home.read(name));
      const lenient = await readLeniently(home.dir, copy);
      const { ctx } = collectingContext();
      const mb = await openMailbox(localRef(home.dir, copy), 'write', { ...ctx, lenient: true });
      await mb.store([lenient.messages[0]!.uid], { add: { flags: ['\\Flagged'] } });
      await mb.close();
      const expected: MailboxDump = {
        meta: lenient.meta,
        messages: lenient.messages.map((m, i) => {
          // c-client's mboxo cannot tell an unquoted "From " line from one quoted once
          const text = name === 'mboxrd' ? Buffer.from(m.text.toString('latin1').replace(/\r\nFrom the desk/, '\r\n>From the desk'), 'latin1') : m.text;
          return { ...m, text, size: text.length, flags: i === 0 ? [...new Set([...m.flags, '\\Flagged'])] : m.flags };
        }),
      };
      const oracle = await home.ccdump(copy);
      expect({ driver: oracle.driver, warnings: oracle.warnings }).toEqual({ driver: 'unix', warnings: [] });
      expect(diffDumps(oracle, expected, { uids: false })).toEqual([]);
    },
  );
});
