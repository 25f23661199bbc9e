// Home directories of other users for `~user/...` names: the password file, as
// c-client's getpwnam, read directly (Node has no getpwnam).
import fs from 'node:fs';
import os from 'node:os';

/** The home directory of `user`, or undefined when there is no such user. */
export function userHome(user: string, passwdFile = '/etc/passwd'): string | undefined {
  const self = currentUser();
  if (self && self.username === user) return self.homedir;
  return passwdHome(user, passwdFile);
}

/** Looks `user` up in a passwd(5) file: name:password:uid:gid:gecos:home:shell. */
export function passwdHome(user: string, passwdFile = '/etc/passwd'): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(passwdFile, 'utf8');
  } catch {
    return undefined;
  }
  for (const line of text.split('\n')) {
    const fields = line.split(':');
    if (fields.length >= 7 && fields[0] === user) return fields[5];
  }
  return undefined;
}

/** os.userInfo() throws when the process's uid has no password-file entry. */
export function currentUser(): os.UserInfo<string> | undefined {
  try {
    return os.userInfo();
  } catch {
    return undefined;
  }
}
