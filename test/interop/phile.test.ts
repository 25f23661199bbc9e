// Proves mailsmith reads a plain file the way c-client's phile driver does:
// the same one message (synthesised header, body as text or base64), date,
// UID and size, and the same check line, for text, 8-bit, CRLF, ISO-2022 and
// binary files.
import { afterAll, describe, expect, it } from 'vitest';
import { sharedSetup } from './oracle.js';
import { mailsmithCli, readWithMailsmith } from './mailsmith.js';

process.env.TZ = 'UTC';

const FILES: Record<string, Buffer> = {
  text: Buffer.from('not a mailbox, just text\nsecond line\n'),
  eightbit: Buffer.from('caf\xe9 cr\xe8me\n', 'latin1'),
  crlf: Buffer.from('line one\r\nline two\r\nno end'),
  iso2022jp: Buffer.from('\x1b$B$3$s$K$A$O\x1b(B\n', 'latin1'),
  binary: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 7) % 256)),
};

const setup = sharedSetup('phile', async (home) => {
  for (const [name, data] of Object.entries(FILES)) await home.put(name, data);
  return {};
});
afterAll(() => setup.dispose());

describe.each(Object.keys(FILES))('a %s file', (name) => {
  it('reads as c-client reads it', async () => {
    const { home } = await setup.get();
    const cclient = await home.ccdump(name);
    const ours = await readWithMailsmith(home.dir, name);
    expect(cclient.driver).toBe('phile');
    expect(ours.format).toBe('phile');
    expect(ours.messages.map((m) => [m.uid, m.internalDate, m.size, m.text.toString('latin1')]))
      .toEqual(cclient.messages.map((m) => [m.uid, m.internalDate, m.size, m.text.toString('latin1')]));
    expect(ours.meta.uidValidity).toBe(cclient.meta.uidValidity);
  });

  it('gets mailutil\'s check line', async () => {
    const { home } = await setup.get();
    const r = await mailsmithCli(home.dir, 'check', name);
    expect(r.stdout.trim()).toBe(await home.check(name));
  });
});
