// imapflow's ImapFlow, with the three things mailsmith needs that it does
// not do by itself:
// - the login is mailsmith's (login.ts: c-client's switches, CRAM-MD5 and
//   ANONYMOUS, never a password over an unencrypted connection without
//   /notls), run from imapflow's own place for it in the session set-up;
// - no ID command: mailsmith, like c-client, does not announce itself;
// - with LITERAL+ every literal is non-synchronizing, whatever its size:
//   imapflow uses non-synchronizing literals only up to 4096 octets
//   (LITERAL-), which would cost a round trip per message in a MULTIAPPEND.
// Raw commands go through exec(), imapflow's own way to send a command with
// literals and to receive its untagged responses. exec, run, write and the
// others below are imapflow 2.10's internal methods (not in its typings),
// declared here with the shapes they have.
import { ImapFlow, type ImapFlowOptions } from 'imapflow';

/** A command argument or response item as imapflow's compiler and parser see it. */
export type ImapNode =
  | { type: 'ATOM'; value: string; section?: ImapNode[]; sensitive?: boolean }
  | { type: 'STRING' | 'TEXT' | 'SEQUENCE'; value: string; sensitive?: boolean }
  | { type: 'LITERAL'; value: Buffer; sensitive?: boolean }
  | { type: 'NUMBER'; value: number }
  | ImapNode[]
  | null;

/** A parsed response line. */
export interface ParsedResponse {
  readonly tag: string;
  readonly command: string;
  readonly attributes?: ImapNode[];
  /** SEARCH: the numbers. */
  readonly numbers?: number[];
}

export interface ExecOptions {
  /** Untagged responses (by name: FETCH, LIST, EXISTS, ...) while this command is the one in flight. */
  readonly untagged?: Record<string, (r: ParsedResponse) => Promise<void> | void>;
  /** Continuation requests while this command is in flight (AUTHENTICATE). */
  readonly onPlusTag?: (r: ParsedResponse) => Promise<void> | void;
}

export interface ExecResult {
  readonly response: ParsedResponse;
  /** Lets imapflow read on; must be called once the result is taken. */
  readonly next: () => void;
}

/** What exec() rejects with when the server answers NO or BAD. */
export interface CommandRefused extends Error {
  readonly response: ParsedResponse;
  readonly responseStatus: 'NO' | 'BAD';
}

/** Logs in on a connection that has its greeting, capabilities and TLS; returns who logged in. */
export type Login = (client: MailsmithImapFlow) => Promise<string | undefined>;

const NON_SYNC_MARKER = /~?\{(\d+)\}\r\n$/;

/** imapflow's own methods that this class overrides, to call them. */
const base = ImapFlow.prototype as unknown as {
  run(this: ImapFlow, command: string, ...args: unknown[]): Promise<unknown>;
  write(this: ImapFlow, chunk: string | Buffer): void;
};

export class MailsmithImapFlow extends ImapFlow {
  declare exec: (command: string, attributes?: ImapNode[] | false, options?: ExecOptions) => Promise<ExecResult>;
  declare setAuthenticationState: () => Promise<void>;
  declare protected commandParts: Buffer[];
  /** Who logged in (undefined for PREAUTH and /anonymous). */
  user: string | undefined;

  constructor(options: ImapFlowOptions, private readonly login: Login) {
    super(options);
  }

  /** imapflow calls this after the greeting, CAPABILITY and STARTTLS. */
  async authenticate(): Promise<boolean> {
    if (this.state !== this.states.NOT_AUTHENTICATED) return true;
    this.user = await this.login(this);
    this.authenticated = this.user ?? true;
    await this.setAuthenticationState();
    return true;
  }

  has(capability: string): boolean {
    const wanted = capability.toUpperCase();
    for (const c of this.capabilities.keys()) if (c.toUpperCase() === wanted) return true;
    return false;
  }

  /** The marker a literal of n octets goes out with (for telemetry). */
  literalMarker(n: number): string {
    const plus = this.has('LITERAL+') || (this.has('LITERAL-') && n <= 4096);
    return `{${n}${plus ? '+' : ''}}`;
  }

  /** imapflow's session set-up runs CAPABILITY, ID, NAMESPACE ... through here; ID is left out. */
  async run(command: string, ...args: unknown[]): Promise<unknown> {
    return command.toUpperCase() === 'ID' ? false : base.run.call(this, command, ...args);
  }

  /**
   * imapflow writes a command up to its first synchronizing literal and keeps the rest for
   * the server's "+". With LITERAL+ the rest goes out at once, each `{N}` marked `{N+}`.
   */
  write(chunk: string | Buffer): void {
    if (!Buffer.isBuffer(chunk) || this.commandParts.length === 0 || !this.has('LITERAL+')) {
      base.write.call(this, chunk);
      return;
    }
    const parts = [chunk, ...this.commandParts.splice(0)];
    parts.forEach((part, i) => {
      const last = i === parts.length - 1;
      // imapflow ends the command (CRLF) on a write that leaves no parts behind
      this.commandParts = last ? [] : [EMPTY];
      const marker = last ? null : NON_SYNC_MARKER.exec(part.subarray(-32).toString('latin1'));
      if (!marker) {
        base.write.call(this, part);
        return;
      }
      base.write.call(this, part.subarray(0, part.length - marker[0].length));
      base.write.call(this, Buffer.from(marker[0].replace('}', '+}'), 'latin1'));
    });
  }
}

const EMPTY = Buffer.alloc(0);
