// mailsmith transfer next to the real mailutil's (mailutil.md 7): on the same
// hierarchy both make the same destination names (the whole source name after
// DEST; a prefix without a slash also takes its siblings) and c-client reads
// the same messages out of both copies. Where mailutil breaks (a mix parent
// with a child, copied into the default flat format) mailsmith completes.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sampleMessages } from '../helpers/remote.js';
import { recordingContext } from '../helpers/store.js';
import { putMailbox } from '../ops/transfer-tree.js';
import { diffDumps } from './dump.js';
import { mailsmithCli } from './mailsmith.js';
import { sharedSetup } from './oracle.js';

process.env.TZ = 'UTC';

const ctx = recordingContext({ lockTimeoutMs: 1000 }).ctx;
/** c-client formats only: mailutil knows no Maildir. */
const BOXES = [
  { name: 'src/a', format: 'unix' },
  { name: 'src/sub/b', format: 'mbx' },
  { name: 'src/sub/deeper/c', format: 'mmdf' },
  { name: 'src/mixbox', format: 'mix' },
  { name: 'srcsibling', format: 'unix' },
] as const;

const setup = sharedSetup('transfer', async (home) => {
  for (const [i, box] of BOXES.entries()) await putMailbox(home.dir, box.name, box.format, await sampleMessages(3, { offset: i * 3 }), ctx);
  fs.mkdirSync(home.path('src/emptydir'));
  await putMailbox(home.dir, 'dual/parent', 'mix', await sampleMessages(2, { offset: 30 }), ctx);
  await putMailbox(home.dir, 'dual/parent/kid', 'unix', await sampleMessages(2, { offset: 32 }), ctx);
  return {};
});
afterAll(() => setup.dispose());

/** Mailboxes (files, mix directories) whose names start with `prefix` ("dir/", or a name prefix in the home), less the prefix. */
function madeUnder(dir: string, prefix: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    const p = path.join(dir, rel);
    if (!fs.existsSync(p)) return;
    const st = fs.statSync(p);
    const internal = fs.existsSync(path.join(p, '.mixmeta'));
    if (st.isFile() || internal) out.push(rel);
    if (st.isDirectory()) for (const e of fs.readdirSync(p)) if (!e.startsWith('.mix')) walk(path.join(rel, e));
  };
  if (prefix.endsWith('/')) walk(prefix.slice(0, -1));
  else for (const e of fs.readdirSync(dir)) if (e.startsWith(prefix)) walk(e);
  return out.map((n) => n.slice(prefix.length)).sort();
}

describe('transfer, mailsmith and mailutil side by side', () => {
  it('makes the same mailboxes under DEST, and c-client reads the same messages out of both', async () => {
    const { home } = await setup.get();
    const mu = await home.mailutil('transfer', '-kw', 'src/', '#driver.mbx/mu/');
    expect(mu.status, mu.stdout + mu.stderr).toBe(0);
    const ms = await mailsmithCli(home.dir, 'transfer', 'src/', '#driver.mbx/ms/', '--no-progress');
    expect(ms.status, ms.stderr).toBe(0);
    const made = madeUnder(home.dir, 'ms/');
    expect(made).toEqual(madeUnder(home.dir, 'mu/'));
    expect(made).toEqual(['src/a', 'src/mixbox', 'src/sub/b', 'src/sub/deeper/c']);
    // mailutil does not reproduce an empty directory; mailsmith keeps it
    expect(fs.statSync(home.path('ms/src/emptydir')).isDirectory()).toBe(true);
    expect(fs.existsSync(home.path('mu/src/emptydir'))).toBe(false);
    for (const name of made) {
      const [theirs, ours] = await Promise.all([home.ccdump(`mu/${name}`), home.ccdump(`ms/${name}`)]);
      expect(ours.driver, name).toBe('mbx');
      expect(ours.warnings, name).toEqual([]);
      // mailutil -kw spends a UID on its keyword dummy and gives new UIDs; mailsmith keeps the source's
      expect(diffDumps(ours, theirs, { uids: false, mailboxKeywords: false }), name).toEqual([]);
    }
  });

  it('appends the whole name to a DEST without a slash, and a SOURCE without one takes its siblings too', async () => {
    const { home } = await setup.get();
    const mu = await home.mailutil('transfer', 'src', 'mu2');
    expect(mu.status, mu.stdout + mu.stderr).toBe(0);
    const ms = await mailsmithCli(home.dir, 'transfer', 'src', 'ms2', '--no-progress');
    expect(ms.status, ms.stderr).toBe(0);
    const made = madeUnder(home.dir, 'ms2');
    expect(made).toEqual(madeUnder(home.dir, 'mu2'));
    expect(made).toContain('srcsibling');
    expect(made).toContain('src/sub/b');
  });

  it('copies a mix parent with a child where mailutil stops at "File exists"', async () => {
    const { home } = await setup.get();
    const mu = await home.mailutil('transfer', 'dual/', 'mu3/');
    expect(mu.status).toBe(1);
    expect(mu.stdout + mu.stderr).toMatch(/Can't create mailbox node .*mu3\/dual\/parent\/: File exists/);
    const ms = await mailsmithCli(home.dir, 'transfer', 'dual/', 'ms3/', '--no-progress');
    expect(ms.status, ms.stderr).toBe(0);
    expect(ms.stdout).toMatch(/dual\/parent -> ms3\/dual\/parent: 2 messages copied into a new mix mailbox; made mix, not unix/);
    const [parent, kid] = await Promise.all([home.ccdump('ms3/dual/parent'), home.ccdump('ms3/dual/parent/kid')]);
    expect([parent.driver, parent.messages.length, kid.driver, kid.messages.length]).toEqual(['mix', 2, 'unix', 2]);
  });
});
