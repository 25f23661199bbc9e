// A progress bar on stderr for long work, only on a terminal.
import cliProgress from 'cli-progress';
import type { ProgressEvent, ProgressSink } from '../ops/progress.js';

export interface ProgressBar {
  readonly sink: ProgressSink;
  stop(): void;
}

const NONE: ProgressBar = { sink: () => {}, stop: () => {} };

/** A bar when stderr is a terminal and the user did not turn it off; otherwise nothing. */
export function progressBar(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): ProgressBar {
  if (!enabled || !stream.isTTY) return NONE;
  let bar: cliProgress.SingleBar | undefined;
  return {
    sink(e: ProgressEvent) {
      if (!e.totalBytes) return;
      if (!bar) {
        bar = new cliProgress.SingleBar({
          stream,
          format: `${e.phase} [{bar}] {percentage}% | {messages} messages | {eta_formatted} left`,
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
        }, cliProgress.Presets.shades_classic);
        bar.start(e.totalBytes, 0, { messages: 0 });
      }
      bar.update(Math.min(e.bytes, e.totalBytes), { messages: e.messages });
    },
    stop() {
      bar?.stop();
    },
  };
}

/** What transfer's display shows: overall mailboxes and messages, and the mailbox being copied. */
export interface TransferProgressEvent {
  readonly mailboxesDone: number;
  readonly mailboxesTotal: number;
  readonly messages: number;
  readonly current: string;
}

export interface TransferProgressBar {
  readonly sink: (event: TransferProgressEvent) => void;
  /** Prints a line to `out` without tearing the bar (it is redrawn at the next event). */
  log(line: string, out?: NodeJS.WriteStream): void;
  stop(): void;
}

/** transfer's bar, counting mailboxes, when stderr is a terminal and the user did not turn it off. */
export function transferProgressBar(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): TransferProgressBar {
  const print = (line: string, out: NodeJS.WriteStream = process.stdout): void => void out.write(`${line}\n`);
  if (!enabled || !stream.isTTY) return { sink: () => {}, log: print, stop: () => {} };
  let bar: cliProgress.SingleBar | undefined;
  return {
    sink(e) {
      const payload = { messages: e.messages, current: e.current };
      if (!bar) {
        bar = new cliProgress.SingleBar({
          stream,
          format: 'transfer [{bar}] {value}/{total} mailboxes | {messages} messages | {current}',
          hideCursor: true,
          clearOnComplete: true,
          fps: 10,
        }, cliProgress.Presets.shades_classic);
        bar.start(e.mailboxesTotal, e.mailboxesDone, payload);
      }
      bar.update(e.mailboxesDone, payload);
    },
    log(line, out) {
      if (bar) {
        stream.cursorTo(0);
        stream.clearLine(0);
      }
      print(line, out);
    },
    stop() {
      bar?.stop();
    },
  };
}
