import { CopyFamilyCommand, copyArgs, copyFlags } from '../src/ui/copy-command.js';

export default class Copy extends CopyFamilyCommand<typeof Copy> {
  static override summary = 'Create DESTINATION and copy every message of SOURCE into it.';
  static override description = `Creates DESTINATION (in the format of --format or a #driver.FORMAT/ prefix, default unix) and copies every message
of SOURCE into it with its bytes, internal date, flags and keywords. The new mailbox keeps SOURCE's UID validity and UIDs
where its format stores them, so IMAP clients' caches stay valid. SOURCE is read without being changed. Anything the
destination cannot hold is named in a warning (exit status 3), or, with --strict, stops the copy before anything is
written. If the copy fails, the half-made DESTINATION is removed and SOURCE is untouched.`;

  static override examples = [
    "<%= config.bin %> copy INBOX '#driver.mbx/INBOX.mbx'",
    '<%= config.bin %> copy --format mbx archive/2004 archive/2004.mbx',
    '<%= config.bin %> copy --json old/sent sent-archive',
  ];

  static override args = copyArgs;
  static override flags = copyFlags;
  protected readonly mode = 'copy';
}
