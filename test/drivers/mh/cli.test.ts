// `mailsmith copy X '#mh/y'` through the built CLI: MH keeps the text and the
// dates only, so the copy warns, naming every flag, keyword, the UIDs and the
// zones it dropped, and exits 3; with --strict it refuses before writing.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expectedFor, goldenDir } from '../mx/helpers.js';
import { mailsmithCli } from '../../interop/mailsmith.js';
import { mhHome, numbered } from './helpers.js';

const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

/** The warnings the copy of the golden mbx must print, computed from what c-client reports for it. */
function expectedWarnings(): string[] {
  const messages = expectedFor('mbx').messages;
  const count = (pred: (m: (typeof messages)[number]) => boolean): number => messages.filter(pred).length;
  const lines: string[] = [];
  for (const flag of ['\\Seen', '\\Flagged', '\\Answered', '\\Draft', '\\Deleted']) {
    const n = count((m) => m.flags.includes(flag));
    if (n > 0) lines.push(`warning: flag dropped ${flag}: ${plural(n, 'message')} (mh cannot hold it)`);
  }
  for (const keyword of expectedFor('mbx').keywords) {
    const n = count((m) => m.keywords.includes(keyword));
    if (n > 0) lines.push(`warning: keyword dropped ${keyword}: ${plural(n, 'message')} (mh cannot hold it)`);
  }
  lines.push(`warning: UIDs not kept: ${plural(messages.length, 'message')} (mh cannot hold it)`);
  const zoned = count((m) => !m.internalDate.endsWith('+0000'));
  lines.push(`warning: time zone of internal dates not kept: ${plural(zoned, 'message')} (mh cannot hold it)`);
  return lines.sort();
}

describe('copy into an MH folder', () => {
  it('copies every message, warns of each loss and exits 3', async () => {
    const { home, root } = mhHome();
    fs.copyFileSync(path.join(goldenDir, 'mbx'), path.join(home, 'src'));
    const r = await mailsmithCli(home, 'copy', 'src', '#mh/y');
    expect(r.status).toBe(3);
    expect(r.stdout.trim()).toBe('copied 14 messages from src (mbx) to #mh/y (mh); new UIDs');
    expect(r.stderr.trim().split('\n').sort()).toEqual(expectedWarnings());
    expect(numbered(path.join(root, 'y'))).toEqual(Array.from({ length: 14 }, (_, i) => String(i + 1)));
  });

  it('with --strict refuses before writing anything', async () => {
    const { home, root } = mhHome();
    fs.copyFileSync(path.join(goldenDir, 'mbx'), path.join(home, 'src'));
    const r = await mailsmithCli(home, 'copy', 'src', '#mh/y', '--strict');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/--strict: #mh\/y \(mh\) cannot hold keywords .*nothing was written/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});
