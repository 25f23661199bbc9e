// Asking the person at the terminal: a line with or without echo, the prompt
// on stderr (stdout stays for results). Only ever on a terminal: a cron job
// gets an error that says where a password can come from instead of a hang.

/** True when there is a person to ask. */
export function canPrompt(): boolean {
  return process.stdin.isTTY === true && typeof process.stdin.setRawMode === 'function';
}

/** Reads one line from the terminal; without echo when `secret`. Ctrl-C or Ctrl-D cancel. */
export function promptLine(prompt: string, secret: boolean): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let answer = '';
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.resume();
    const finish = (error?: Error): void => {
      input.off('data', onData);
      input.setRawMode(wasRaw);
      input.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer): void => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || ch === '\u0004') return finish(new Error('cancelled at the prompt'));
        if (ch === '\u007f' || ch === '\b') {
          if (answer.length > 0) {
            answer = [...answer].slice(0, -1).join('');
            if (!secret) process.stderr.write('\b \b');
          }
          continue;
        }
        answer += ch;
        if (!secret) process.stderr.write(ch);
      }
    };
    input.on('data', onData);
  });
}
