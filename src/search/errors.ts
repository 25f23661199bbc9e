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
    super(`search criteria: ${problem}: ${around(criteria, start, end)}`);
  }
}

/** Long criteria are shown around the mark only. */
const CONTEXT = 60;

function around(criteria: string, start: number, end: number): string {
  const before = start > CONTEXT ? `...${criteria.slice(start - CONTEXT, start)}` : criteria.slice(0, start);
  const word = end - start > 2 * CONTEXT ? `${criteria.slice(start, start + CONTEXT)}...` : criteria.slice(start, end);
  const after = criteria.length - end > CONTEXT ? `${criteria.slice(end, end + CONTEXT)}...` : criteria.slice(end);
  return `${before}>>${word}<<${after}`;
}

/** No criteria at all: never read as "every message" (mailutil's weakness). */
export class EmptySearchCriteria extends UsageError {
  constructor() {
    super('no search criteria given; to match every message, say ALL');
  }
}
