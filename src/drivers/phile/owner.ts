// The login name of a file's owner, as c-client's phile driver puts it in From:.
import fs from 'node:fs';
import os from 'node:os';

export function ownerName(uid: number, passwd = '/etc/passwd'): string {
  try {
    if (uid === process.getuid?.()) return os.userInfo().username;
    for (const line of fs.readFileSync(passwd, 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid && f[2] !== '') return f[0]!;
    }
  } catch {
    // no password file: fall through to c-client's name for an unknown owner
  }
  return `User-Number-${uid}`;
}
