import { Args } from '@oclif/core';
import { createMailbox } from '../src/store/index.js';
import { BaseCommand } from '../src/ui/base-command.js';
import { formatFlag } from '../src/ui/format-flag.js';

export default class Create extends BaseCommand<typeof Create> {
  static override summary = 'Create an empty mailbox.';
  static override description = `Creates MAILBOX in the format given by --format or a #driver.FORMAT/ prefix (default unix), making missing parent
directories (mode 0700). A name ending in "/" creates only a directory. Fails if the name exists.`;

  static override examples = [
    '<%= config.bin %> create archive/2024',
    '<%= config.bin %> create --format mbx archive/2024',
    "<%= config.bin %> create '#driver.mbx/archive/2024'",
    '<%= config.bin %> create lists/',
  ];

  static override args = {
    mailbox: Args.string({ description: 'Name of the new mailbox.', required: true }),
  };

  static override flags = { format: formatFlag };

  async run(): Promise<void> {
    const ref = this.mailbox(this.args.mailbox, 'create');
    const format = await createMailbox(ref, this.store, { format: this.flags.format });
    const what = format === 'directory' ? 'directory' : `${format} mailbox`;
    this.report({ mailbox: ref.name, format }, `created ${what} ${ref.name}`);
  }
}
