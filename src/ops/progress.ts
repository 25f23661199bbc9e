// Progress events that operations emit; src/ui turns them into bars.

export interface ProgressEvent {
  /** What is being done, for the bar's label ("copy", "check", "expunge"). */
  readonly phase: string;
  /** Messages done so far. */
  readonly messages: number;
  /** Bytes of the source read so far, and the total when known. */
  readonly bytes: number;
  readonly totalBytes?: number;
}

export type ProgressSink = (event: ProgressEvent) => void;

export const noProgress: ProgressSink = () => {};
