// Per-message tables keep their numbers in typed arrays (a few bytes a message,
// not an object each) that double when full.

export type NumberColumn = Float64Array | Uint8Array | Uint16Array | Uint32Array;

/** A column of the same type with room for `length` values, holding a copy of `column` at its start. */
export function widened<T extends NumberColumn>(column: T, length: number): T {
  const wider = new (column.constructor as new (length: number) => T)(length);
  wider.set(column);
  return wider;
}
