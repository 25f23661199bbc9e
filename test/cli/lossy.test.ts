// A lossy copy names what was lost, in the summary's warnings and in --json,
// and --strict refuses before writing anything. The golden mbx (keywords, UIDs)
// copied into tenex, which keeps neither: what must be named is computed from
// what c-client reports for the golden (EXPECTED.json).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goldenDir, loadExpected, type ExpectedMailbox } from '../interop/golden.js';
import { mailsmith } from './cli.js';

let home: string;
let golden: ExpectedMailbox;
beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-lossy-'));
  fs.copyFileSync(path.join(goldenDir(), 'mbx'), path.join(home, 'src'));
  golden = (await loadExpected())['mbx']!;
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

const ms = (...args: string[]) => mailsmith([...args, '--home', home]);
const plural = (n: number): string => `${n} message${n === 1 ? '' : 's'}`;

/** Every keyword in use in the golden, with how many messages carry it. */
function keywordUses(): [string, number][] {
  return golden.keywords
    .map((k): [string, number] => [k, golden.messages.filter((m) => m.keywords.includes(k)).length])
    .filter(([, n]) => n > 0);
}

describe('a copy into a format that cannot hold everything', () => {
  it('warns once per kind of loss, naming each keyword and how many messages, and exits 3', async () => {
    const r = await ms('copy', 'src', '#driver.tenex/text');
    expect(r.code).toBe(3);
    const n = golden.messages.length;
    expect(r.stdout).toBe(`copied ${plural(n)} from src (mbx) to text (tenex); new UIDs\n`);
    expect(r.stderr.trim().split('\n').sort()).toEqual([
      `warning: UIDs not kept: ${plural(n)} (tenex cannot hold it)`,
      ...keywordUses().map(([k, c]) => `warning: keyword dropped ${k}: ${plural(c)} (tenex cannot hold it)`),
    ].sort());
  });

  it('--json lists the same losses by kind, detail and count', async () => {
    const r = await ms('copy', 'src', '#driver.tenex/json', '--json');
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout) as { losses: { kind: string; detail: string; messages: number }[]; copied: number };
    expect(out.copied).toBe(golden.messages.length);
    const byKind = (kind: string) => out.losses.filter((l) => l.kind === kind);
    expect(byKind('uid')).toEqual([{ kind: 'uid', detail: 'UIDs are message positions', messages: golden.messages.length }]);
    expect(byKind('keyword').map((l) => [l.detail, l.messages])).toEqual(keywordUses());
    expect(out.losses.length).toBe(1 + keywordUses().length);
  });

  it('--strict refuses before anything is written, and exits 1', async () => {
    const r = await ms('copy', 'src', '#driver.tenex/strict', '--strict');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--strict: strict \(tenex\) cannot hold .*nothing was written/);
    expect(fs.existsSync(path.join(home, 'strict'))).toBe(false);
  });
});
