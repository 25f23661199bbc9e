// c-client's arithmetic on the SIZE field of an internal header line (mbx, mtx,
// tenex): read with strtoul(3), added in unsigned long, compared as off_t.

const TWO_64 = 1n << 64n;
const TWO_63 = 1n << 63n;

/**
 * strtoul(3), base 10: leading white space, a sign, digits; a negative value wraps modulo 2^64
 * and an overflow gives ULONG_MAX. `end`: where the digits stopped, -1 when there were none
 * (`x` and `12x` read as 0 and 12).
 */
export function strtoul(field: string): { value: bigint; end: number } {
  let i = 0;
  while (i < field.length && ' \t\n\v\f\r'.includes(field[i]!)) i++;
  let negative = false;
  if (field[i] === '+' || field[i] === '-') negative = field[i++] === '-';
  const start = i;
  while (i < field.length && field.charCodeAt(i) >= 48 && field.charCodeAt(i) <= 57) i++;
  if (i === start) return { value: 0n, end: -1 };
  let value = BigInt(field.slice(start, i));
  if (value >= TWO_64) value = TWO_64 - 1n;
  else if (negative) value = (TWO_64 - value) % TWO_64;
  return { value, end: i };
}

/**
 * Where c-client takes the next message to start: offset + line length + size, added in unsigned
 * long (`unsigned`, a huge or negative size wraps) and compared as a signed offset (`signed`).
 */
export function nextOffset(offset: number, lineLength: number, size: bigint): { unsigned: bigint; signed: bigint } {
  const unsigned = (BigInt(offset) + BigInt(lineLength) + size) % TWO_64;
  return { unsigned, signed: unsigned >= TWO_63 ? unsigned - TWO_64 : unsigned };
}
