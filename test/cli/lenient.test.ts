// --lenient reaches the reader: a Thunderbird mbox whose envelope lines c-client
// rejects is one plain-file message without it (with a warning naming the line
// and the switch), and two messages with it; copies and JSON output follow.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mailsmith } from './cli.js';

const THUNDERBIRD =
  'From - Mon Jan 1 00:00:00 2024\nX-Mozilla-Status: 0001\nSubject: one\n\nbody one\n\n' +
  'From - Tue Jan 2 10:00:00 2024\nX-Mozilla-Status: 0000\nSubject: two\n\nbody two\n';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-lenient-'));
  fs.writeFileSync(path.join(home, 'tb'), THUNDERBIRD);
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

const ms = (...args: string[]) => mailsmith([...args, '--home', home]);

describe('--lenient', () => {
  it('without it: mailutil\'s reading (one plain-file message) and a warning that names the line and --lenient', async () => {
    const r = await ms('check', 'tb');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('1 new message(s) (1 unseen), 1 total in tb\n');
    expect(r.stderr).toContain('its first line "From - Mon Jan 1 00:00:00 2024" looks like an mbox From_ line');
    expect(r.stderr).toContain('--lenient');
  });

  it('with it: the messages the writer meant, and no warning', async () => {
    const r = await ms('check', 'tb', '--lenient');
    expect({ code: r.code, stdout: r.stdout, stderr: r.stderr }).toEqual({
      code: 0, stdout: '2 new message(s) (2 unseen), 2 total in tb\n', stderr: '',
    });
    const copy = await ms('copy', '--lenient', 'tb', '#driver.mbx/tb.mbx', '--json');
    expect(copy.code).toBe(0);
    expect(JSON.parse(copy.stdout)).toMatchObject({ ok: true, copied: 2, sourceFormat: 'unix', destinationFormat: 'mbx' });
    expect((await ms('check', 'tb.mbx')).stdout).toBe('2 new message(s) (2 unseen), 2 total in tb.mbx\n');
  });
});
