// The progress bar: drawn on a terminal, never on a pipe or a file, never when turned off.
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { progressBar } from '../../src/ui/progress.js';

/** A stream that says it is a terminal and records what is drawn on it. */
function fakeTerminal(isTTY: boolean): { stream: NodeJS.WriteStream; drawn: () => string } {
  const chunks: string[] = [];
  const s = new PassThrough() as unknown as NodeJS.WriteStream & Record<string, unknown>;
  s.isTTY = isTTY;
  s.columns = 100;
  s.cursorTo = () => true;
  s.clearLine = () => true;
  s.moveCursor = () => true;
  s.write = ((c: string | Buffer) => {
    chunks.push(String(c));
    return true;
  }) as NodeJS.WriteStream['write'];
  return { stream: s, drawn: () => chunks.join('') };
}

function runCopy(bar: ReturnType<typeof progressBar>): void {
  for (let i = 1; i <= 10; i++) bar.sink({ phase: 'copy', messages: i, bytes: i * 100, totalBytes: 1000 });
  bar.stop();
}

describe('progressBar', () => {
  it('draws the phase, a percentage and the message count on a terminal', () => {
    const t = fakeTerminal(true);
    runCopy(progressBar(true, t.stream));
    expect(t.drawn()).toMatch(/copy \[.*\] \d+% \| \d+ messages/);
  });

  it('draws nothing on a pipe or a file', () => {
    const t = fakeTerminal(false);
    runCopy(progressBar(true, t.stream));
    expect(t.drawn()).toBe('');
  });

  it('draws nothing when turned off (--no-progress, --quiet, --json)', () => {
    const t = fakeTerminal(true);
    runCopy(progressBar(false, t.stream));
    expect(t.drawn()).toBe('');
  });
});
