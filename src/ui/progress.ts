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
