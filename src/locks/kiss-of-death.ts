// c-client asks the holder of a unix/mmdf read-write session to let go by
// sending SIGUSR2 (locking.md 4.2). Its default action kills the process, which
// in the middle of a rewrite would damage the mailbox: mailsmith never dies of
// it. It finishes what it is doing and releases the mailbox when done.
let installed = false;

export function guardAgainstKissOfDeath(warn: (text: string) => void): void {
  if (installed) return;
  installed = true;
  let told = false;
  process.on('SIGUSR2', () => {
    if (told) return;
    told = true;
    warn('another program asked for a mailbox this command holds; it is released when the command ends');
  });
}
