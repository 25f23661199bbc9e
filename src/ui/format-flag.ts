// --format FORMAT: the format of a mailbox a command creates.
import { Flags } from '@oclif/core';
import { FORMAT_NAMES } from '../store/index.js';
import type { FormatName } from '../store/types.js';

export const formatFlag = Flags.custom<FormatName>({
  description: 'Format of a mailbox this command creates (same as a #driver.FORMAT/ prefix; default unix).',
  options: [...FORMAT_NAMES.filter((f) => f !== 'imap' && f !== 'pop3'), 'mbox'],
  parse: async (input) => (input === 'mbox' ? 'unix' : input) as FormatName,
})();
