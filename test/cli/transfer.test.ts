// mailsmith transfer as a user runs it: a line per mailbox and a summary, JSON
// for scripts, CLI.md's exit codes, --merge refused when misspelt or when it
// would need a terminal that is not there, a dry run that changes nothing, and
// a run killed in the middle that the same command finishes: no message lost,
// none doubled. And the progress display, drawn on a terminal only.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { transferProgressBar } from '../../src/ui/progress.js';
import { projectRoot } from '../helpers/paths.js';
import { sampleMessages } from '../helpers/remote.js';
import { recordingContext } from '../helpers/store.js';
import { TREE, buildTree, putMailbox, readBox, snapshot } from '../ops/transfer-tree.js';
import { hasStackTrace, mailsmith } from './cli.js';

let home: string;
const ctx = recordingContext({ lockTimeoutMs: 1000 }).ctx;
const cli = (...args: string[]) => mailsmith([...args, '--home', home]);

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-transfer-'));
  await buildTree(home, ctx);
});
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('mailsmith transfer', () => {
  it('--dry-run prints the plan with message counts and changes nothing', async () => {
    const before = snapshot(home);
    const r = await cli('transfer', '--dry-run', 'src/', '#driver.mbx/out/');
    expect(r.code, r.stderr).toBe(0);
    expect(snapshot(home)).toEqual(before);
    expect(r.stdout).toContain('src/plain -> #driver.mbx/out/src/plain: would create (mbx) and copy 4 messages');
    expect(r.stdout).toContain('src/emptydir/ -> #driver.mbx/out/src/emptydir/: would make a directory');
    expect(r.stdout).toMatch(/^dry run: would transfer 8 mailboxes \(19 messages\), 3 directories; nothing changed$/m);
  });

  it('copies the hierarchy, one line per mailbox and a summary, exit 0', async () => {
    const r = await cli('transfer', 'src/', '#driver.mbx/out/');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('src/lists/mbxbox -> #driver.mbx/out/src/lists/mbxbox: 3 messages copied into a new mbx mailbox');
    expect(r.stdout).toMatch(/src\/lists\/deep\/mixbox -> .*: 3 messages copied into a new mix mailbox; made mix, not mbx/);
    expect(r.stdout).toMatch(/^transferred 8 mailboxes \(19 messages\), 3 directories$/m);
  });

  it('--json gives each mailbox and the totals to scripts', async () => {
    const r = await cli('transfer', '--json', 'src/lists/', '#driver.mbx/out/');
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { ok: boolean; totals: { messages: number; alreadyThere: number }; mailboxes: { destination: string; status: string }[] };
    expect(doc.ok).toBe(true);
    expect(doc.totals).toMatchObject({ messages: 0, alreadyThere: 8 });
    expect(doc.mailboxes.find((m) => m.destination === '#driver.mbx/out/src/lists/mbxbox')).toMatchObject({ status: 'resumed' });
  });

  it('leaves out, and says so, the names of a destination that lies inside the source', async () => {
    await cli('transfer', 'src/lists/', 'src/lists/backup/');
    const again = await cli('transfer', 'src/lists/', 'src/lists/backup/');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('src/lists/backup/src/lists/mbxbox: left out: it is inside the destination src/lists/backup/');
  });

  it('names what a destination format cannot hold, per mailbox, and ends with exit 3', async () => {
    const r = await cli('transfer', 'src/plain', '#driver.maildir/lossy/');
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/warning: #driver\.maildir\/lossy\/src\/plain: time zone of internal dates not kept: \d+ messages? \(maildir cannot hold it\)/);
  });

  it('refuses a misspelt merge mode as a usage error (exit 2)', async () => {
    const r = await cli('transfer', '-m', 'bogus', 'src/', 'out/');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown merge option: bogus');
  });

  it('with --merge prompt and no terminal, fails the mailbox that exists, clearly, exit 1, instead of looping', async () => {
    await putMailbox(home, 'taken/src/plain', 'unix', await sampleMessages(1, { offset: 50 }), ctx);
    const r = await cli('transfer', '--merge', 'prompt', 'src/plain', 'taken/');
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/taken\/src\/plain exists and holds other messages, and there is no terminal to ask/);
    expect(hasStackTrace(r.stderr)).toBe(false);
  });

  it('with --merge prompt on a terminal, asks for another name and uses the answer as the full name', async () => {
    await putMailbox(home, 'asked/src/plain', 'unix', await sampleMessages(1, { offset: 60 }), ctx);
    const command = `${process.execPath} ${path.join(projectRoot(), 'bin', 'run.js')} transfer -m prompt src/plain asked/ --home ${home} --no-progress`;
    // script(1) gives the command a terminal; the answer is typed once the question is there
    const child = spawn('script', ['-qfc', command, '/dev/null'], { env: { PATH: process.env.PATH, TZ: 'UTC' }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.stdout.on('data', (chunk: Buffer) => {
      const before = out;
      out += chunk.toString('utf8');
      if (!before.includes('alternative name: ') && out.includes('alternative name: ')) child.stdin.write('answered/plain\r');
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    clearTimeout(timer);
    expect(code, out).toBe(0);
    expect(out).toContain('asked/src/plain exists; alternative name: ');
    expect(out).toMatch(/src\/plain -> answered\/plain: 4 messages copied into a new unix mailbox/);
    expect((await readBox(home, 'answered/plain', ctx)).messages).toHaveLength(4);
  });

  it('finishes a run killed in the middle when run again: no message lost, none doubled', async () => {
    const big = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-transfer-kill-'));
    try {
      const boxes = ['big/a', 'big/b', 'big/c', 'big/d'];
      for (const [i, name] of boxes.entries()) {
        await putMailbox(big, name, i % 2 ? 'mbx' : 'unix', await sampleMessages(400, { offset: i * 400 }), ctx);
      }
      const args = [path.join(projectRoot(), 'bin', 'run.js'), 'transfer', 'big/', '#driver.mbx/copy/', '--home', big, '--no-progress'];
      const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH, HOME: big, TZ: 'UTC' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      const killed = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), 60_000);
        child.stdout.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          // the first mailbox is done: the next one is on its way
          if (out.includes('\n') && child.kill('SIGKILL')) {
            clearTimeout(timer);
            resolve(true);
          }
        });
        child.on('exit', () => {
          clearTimeout(timer);
          resolve(false);
        });
      });
      expect(killed, `the run ended before it could be killed: ${out}`).toBe(true);
      await new Promise((r) => child.once('close', r));
      const again = await mailsmith(['transfer', 'big/', '#driver.mbx/copy/', '--home', big]);
      expect(again.code, again.stderr).toBe(0);
      expect(again.stdout).toMatch(/already there from an earlier run/);
      for (const name of boxes) {
        const [src, dst] = await Promise.all([readBox(big, name, ctx), readBox(big, `copy/${name}`, ctx)]);
        expect(dst.messages.map((m) => [m.uid, m.text.length, m.flags, m.keywords]), name).toEqual(
          src.messages.map((m) => [m.uid, m.text.length, m.flags, m.keywords]),
        );
      }
    } finally {
      fs.rmSync(big, { recursive: true, force: true });
    }
  });
});

describe('the transfer progress display', () => {
  function terminal(isTTY: boolean): { stream: NodeJS.WriteStream; drawn: () => string } {
    const chunks: string[] = [];
    const s = new PassThrough() as unknown as NodeJS.WriteStream & Record<string, unknown>;
    Object.assign(s, {
      isTTY, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true,
      write: (c: string | Buffer) => chunks.push(String(c)) > 0,
    });
    return { stream: s, drawn: () => chunks.join('') };
  }
  const events = (bar: ReturnType<typeof transferProgressBar>) => {
    for (let i = 0; i <= TREE.length; i++) bar.sink({ mailboxesDone: i, mailboxesTotal: TREE.length, messages: i * 3, current: `src/box${i}` });
    bar.stop();
  };

  it('shows mailboxes done of all, messages and the current mailbox on a terminal', () => {
    const t = terminal(true);
    events(transferProgressBar(true, t.stream));
    expect(t.drawn()).toMatch(/transfer \[.*\] \d+\/7 mailboxes \| \d+ messages \| src\/box\d/);
  });

  it('draws nothing on a pipe, or when turned off', () => {
    for (const [enabled, tty] of [[true, false], [false, true]] as const) {
      const t = terminal(tty);
      events(transferProgressBar(enabled, t.stream));
      expect(t.drawn()).toBe('');
    }
  });
});
