// From the session's reading loop (which pushes each FETCH answer as it
// arrives) to messages() (which is pulled by the copy): a queue that makes
// the loop wait while more than a few MB are queued, so the socket, and with
// it the server, waits too.

const HOLD_ABOVE = 16 << 20;

export class Handoff<T> {
  private readonly items: { item: T; bytes: number }[] = [];
  private bytes = 0;
  private ended = false;
  private failure: Error | undefined;
  private wakeReader: (() => void) | undefined;
  private wakeWriter: (() => void) | undefined;

  /** Queues an item; the promise settles once there is room again. */
  push(item: T, bytes: number): Promise<void> | undefined {
    this.items.push({ item, bytes });
    this.bytes += bytes;
    this.wake('reader');
    if (this.bytes <= HOLD_ABOVE) return undefined;
    return new Promise((resolve) => {
      this.wakeWriter = resolve;
    });
  }

  end(): void {
    this.ended = true;
    this.wake('reader');
  }

  fail(error: Error): void {
    this.failure ??= error;
    this.wake('reader');
    this.wake('writer');
  }

  private wake(which: 'reader' | 'writer'): void {
    const w = which === 'reader' ? this.wakeReader : this.wakeWriter;
    if (which === 'reader') this.wakeReader = undefined;
    else this.wakeWriter = undefined;
    w?.();
  }

  /** The next item, or undefined once ended and empty. */
  async next(): Promise<T | undefined> {
    for (;;) {
      if (this.failure) throw this.failure;
      const first = this.items.shift();
      if (first) {
        this.bytes -= first.bytes;
        if (this.bytes <= HOLD_ABOVE) this.wake('writer');
        return first.item;
      }
      if (this.ended) return undefined;
      await new Promise<void>((resolve) => {
        this.wakeReader = resolve;
      });
    }
  }
}
