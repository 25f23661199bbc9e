// prune as a user meets it: mailutil's lines with exit 0, criteria as one word
// or several, usage errors that point at the bad word and touch nothing, a dry
// run that lists what would go and changes no byte, and --json.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Prune from '../../commands/prune.js';
import { SearchCriteria } from '../../src/search/index.js';
import { sharedDir } from '../helpers/paths.js';
import { hasStackTrace, mailsmith } from './cli.js';

const golden = path.join(sharedDir(), 'corpus', 'golden');
let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-prune-'));
  for (const f of ['unix', 'mbx']) fs.copyFileSync(path.join(golden, f), path.join(home, f));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const ms = (...args: string[]) => mailsmith([...args, '--home', home]);
const sha = (name: string): string => createHash('sha256').update(fs.readFileSync(path.join(home, name))).digest('hex');
const total = async (name: string): Promise<string> => (await ms('check', name)).stdout.replace(/.*, (\d+) total.*\n/s, '$1');

describe('prune', () => {
  it('prints mailutil\'s line and exits 0 (mailutil exits 1)', async () => {
    const r = await ms('prune', 'unix', 'from alice');
    expect(r).toEqual({ code: 0, stdout: '4 message(s) purged\n', stderr: '' });
    expect(await total('unix')).toBe('10');
  });

  it('says when nothing matched, exits 0, and changes nothing', async () => {
    const before = sha('mbx');
    const r = await ms('prune', 'mbx', 'SUBJECT "nonexistent thing"');
    expect(r).toEqual({ code: 0, stdout: 'No matching messages, so nothing purged\n', stderr: '' });
    expect(sha('mbx')).toBe(before);
  });

  it('takes the criteria as one word or as several', async () => {
    fs.copyFileSync(path.join(home, 'mbx'), path.join(home, 'mbx2'));
    const purged = { code: 0, stdout: '2 message(s) purged\n', stderr: '' };
    expect(await ms('prune', 'mbx', 'subject "Lines that" before 1-jan-2030')).toEqual(purged);
    expect(await ms('prune', 'mbx2', 'subject', 'Lines that', 'before', '1-jan-2030')).toEqual(purged);
  });

  it('--keep-deleted expunges only the matches; -v says what else an expunge took', async () => {
    fs.copyFileSync(path.join(home, 'mbx'), path.join(home, 'mbx2'));
    expect(await ms('prune', '--keep-deleted', 'mbx', 'from alice')).toEqual({ code: 0, stdout: '3 message(s) purged\n', stderr: '' });
    const verbose = await mailsmith(['-v', 'prune', 'mbx2', 'from alice', '--home', home]);
    expect(verbose.stdout).toBe('4 message(s) purged\n');
    expect(verbose.stderr).toContain('[also expunged 1 message(s) already marked deleted]\n');
  });

  it.each([
    [['foo'], 'search criteria: unknown search key "foo": >>foo<<'],
    [['before 1-jan-2004 foo'], 'search criteria: unknown search key "foo": before 1-jan-2004 >>foo<<'],
    [['before', 'baddate'], 'search criteria: "baddate" is not a date (like 1-Jan-2004, 2004-01-31 or 1/31/2004, year 1000 to 9999): before >>baddate<<'],
    [[''], 'no search criteria given; to match every message, say ALL'],
  ])('refuses %j with a usage error (exit 2) that says where, before touching the mailbox', async (words, message) => {
    const before = sha('unix');
    const r = await ms('prune', 'unix', ...words);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.split('\n')[0]).toBe(`mailsmith: ${message}`);
    expect(hasStackTrace(r.stderr)).toBe(false);
    expect(sha('unix')).toBe(before);
  });

  it('wants criteria (exit 2), and reports a missing mailbox in one line (exit 1)', async () => {
    expect((await ms('prune', 'unix')).code).toBe(2);
    const missing = await ms('prune', 'nonexist', 'all');
    expect({ code: missing.code, stderr: missing.stderr }).toEqual({ code: 1, stderr: 'mailsmith: no such mailbox: nonexist\n' });
  });

  it('--dry-run lists what would go and changes no byte', async () => {
    for (const name of ['unix', 'mbx']) {
      const before = sha(name);
      const r = await ms('prune', '--dry-run', name, 'from alice');
      expect(r.code).toBe(0);
      expect(r.stderr).toBe('');
      const lines = r.stdout.trimEnd().split('\n');
      expect(lines[0]).toMatch(/^\s+UID\s+DATE\s+SIZE\s+FROM\s+SUBJECT$/);
      expect(lines.slice(1, -1).map((l) => l.trim().split(/\s+/)[0])).toEqual(['9', '10', '13', '14']);
      expect(lines[1]).toMatch(/^\s+9 {2}1-Feb-2024 12:00:00 \+0000\s+\d+ {2}Alice <alice@example\.com> +Content-Length is wrong here$/);
      expect(lines[4]).toMatch(/Deleted but not expunged {2}\[already marked deleted\]$/);
      expect(lines.at(-1)).toBe('dry run: 4 message(s) would be purged (3 matching, 1 already marked deleted); nothing changed');
      expect(sha(name)).toBe(before);
    }
  });

  it('--json gives the counts, the criteria in IMAP\'s words and, for a dry run, the messages', async () => {
    const dry = JSON.parse((await ms('prune', '--json', '--dry-run', 'mbx', 'from alice')).stdout) as Record<string, unknown>;
    expect(dry).toMatchObject({ ok: true, mailbox: 'mbx', format: 'mbx', criteria: 'FROM "alice"', matched: 3, alsoDeleted: 1, purged: 4, dryRun: true, uids: [9, 10, 13] });
    expect((dry.messages as { uid: number; matched: boolean }[]).map((m) => [m.uid, m.matched])).toEqual([[9, true], [10, true], [13, true], [14, false]]);
    const real = JSON.parse((await ms('prune', '--json', 'mbx', 'from alice')).stdout) as Record<string, unknown>;
    expect(real).toMatchObject({ ok: true, matched: 3, purged: 4, dryRun: false, warnings: [] });
    expect(real).not.toHaveProperty('messages');
    const bad = await ms('prune', '--json', 'mbx', 'frm alice');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stdout)).toEqual({ ok: false, error: { code: 'usage', message: 'search criteria: unknown search key "frm": >>frm<< alice' }, warnings: [] });
  });

  it('accepts mailutil\'s command line as it is', async () => {
    const r = await mailsmith(['prune', 'unix', 'before 1-jan-2005', '--home', home]);
    expect(r).toEqual({ code: 0, stdout: 'No matching messages, so nothing purged\n', stderr: '' });
  });

  it('reads the criteria of its own examples', () => {
    for (const example of Prune.examples as string[]) {
      // shell words: single-quoted or bare
      const words = [...example.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!);
      const args = words.slice(words.indexOf('prune') + 1).filter((w) => !w.startsWith('--'));
      expect(() => SearchCriteria.parse(args.slice(1)), example).not.toThrow();
    }
  });
});
