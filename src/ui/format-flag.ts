// --format FORMAT: the format of a mailbox a command creates.
import { Flags } from '@oclif/core';
import { FORMAT_NAMES } from '../store/index.js';
import type { FormatName } from '../store/types.js';

const CREATABLE = [...FORMAT_NAMES.filter((f) => f !== 'imap' && f !== 'pop3' && f !== 'phile'), 'mbox'];

export const formatFlag = Flags.custom<FormatName>({
  helpValue: 'FORMAT',
  description: `Format of a mailbox this command creates: ${CREATABLE.join(', ')} (same as a #driver.FORMAT/ prefix; default unix).`,
  options: CREATABLE,
  parse: async (input) => (input === 'mbox' ? 'unix' : input) as FormatName,
})();
