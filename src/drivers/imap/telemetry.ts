// -d telemetry from imapflow's log: one `C:` or `S:` line per command and
// response, as the wire has them, except that nothing of a login shows: a
// LOGIN shows its verb, an AUTHENTICATE its mechanism, and every line of the
// exchange that follows is `<suppressed>` until the server's tagged answer.
// Literals show as their marker and size.

interface LogEntry {
  readonly src?: string;
  readonly msg?: unknown;
}

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export type ImapLogger = Record<Level, (entry: LogEntry) => void>;

/** A long command (a MULTIAPPEND) is shown by its start and its length. */
const LONG = 2000;
const LITERAL = /"\(\* (\d+)B literal \*\)"/g;
const HIDDEN = /"\(\* value hidden \*\)"/g;

export function telemetryLogger(debug: (line: string) => void, literalMarker: (n: number) => string): ImapLogger {
  let loginTag: string | undefined;
  const client = (text: string): string => {
    if (loginTag !== undefined) return '<suppressed>';
    const auth = /^(\S+) (AUTHENTICATE) (\S+)( .*)?$/i.exec(text);
    if (auth) {
      loginTag = auth[1];
      return `${auth[1]} ${auth[2]} ${auth[3]}${auth[4] ? ' <suppressed>' : ''}`;
    }
    const login = /^(\S+) LOGIN\b/i.exec(text);
    if (login) {
      loginTag = login[1];
      return `${login[1]} LOGIN <suppressed>`;
    }
    return text.replace(LITERAL, (_all, n: string) => `${literalMarker(Number(n))} (${n} octets)`);
  };
  const server = (text: string): string => {
    if (loginTag !== undefined) {
      if (text.startsWith('+')) return '+ <suppressed>';
      if (text.startsWith(`${loginTag} `)) loginTag = undefined;
    }
    return text.replace(LITERAL, (_all, n: string) => `{${n}} (${n} octets)`);
  };
  const log = (entry: LogEntry): void => {
    if (typeof entry?.msg !== 'string' || (entry.src !== 'c' && entry.src !== 's')) return;
    const line = (entry.src === 'c' ? client(entry.msg) : server(entry.msg)).replace(HIDDEN, '<suppressed>');
    debug(`${entry.src === 'c' ? 'C' : 'S'}: ${line.length > LONG ? `${line.slice(0, LONG)} ... (${line.length} characters)` : line}`);
  };
  return { trace: log, debug: log, info: log, warn: log, error: log };
}
