/** Position of `key` among the first `count` values, which ascend (UIDs in index order), or -1. */
export function findAscending(values: ArrayLike<number>, count: number, key: number): number {
  let lo = 0;
  let hi = count - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const v = values[mid]!;
    if (v === key) return mid;
    if (v < key) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
