import { bitsToFlags, FLAG_BITS, SYSTEM_FLAGS, type SystemFlag } from '../../mail/flags.js';

const SYSTEM_MASK = SYSTEM_FLAGS.reduce((bits, f) => bits | FLAG_BITS[f], 0);
const LISTS = new Map<number, readonly SystemFlag[]>();

/**
 * The system flags among `bits` (other bits ignored), as a listing reports them: one frozen list
 * per distinct value, shared by every message that has it, not an array per message.
 */
export function flagList(bits: number): readonly SystemFlag[] {
  const b = bits & SYSTEM_MASK;
  let list = LISTS.get(b);
  if (!list) LISTS.set(b, (list = Object.freeze(bitsToFlags(b))));
  return list;
}
