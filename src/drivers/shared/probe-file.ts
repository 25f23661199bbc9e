import fs from 'node:fs';

/** A driver's probe of a file: `test` on a read-only descriptor; a file that cannot be opened or read is not the format's. */
export async function probeFile(path: string, test: (fd: number) => boolean | Promise<boolean>): Promise<boolean> {
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY);
  } catch {
    return false;
  }
  try {
    return await test(fd);
  } catch {
    return false;
  } finally {
    fs.closeSync(fd);
  }
}
