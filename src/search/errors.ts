// A criterion that cannot be read: a usage error (exit 2) that shows the
// criteria with the offending word marked, e.g.
// `search criteria: unknown key "foo": before 1-jan-2004 >>foo<<`.
import { UsageError } from '../errors.js';

export class SearchSyntaxError extends UsageError {
  constructor(
    /** What is wrong, without the criteria. */
    readonly problem: string,
    /** The criteria as one line. */
    readonly criteria: string,
    /** The offending text's place in `criteria`. */
    readonly start: number,
    readonly end: number,
  ) {
    super(`search criteria: ${problem}: ${criteria.slice(0, start)}>>${criteria.slice(start, end)}<<${criteria.slice(end)}`);
  }
}

/** No criteria at all: never read as "every message" (mailutil's weakness). */
export class EmptySearchCriteria extends UsageError {
  constructor() {
    super('no search criteria given; to match every message, say ALL');
  }
}
