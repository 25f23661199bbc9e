// One IMAP connection as the driver's commands use it: imapflow's client
// (tags, literals, the parser, TLS, one command at a time) behind command(),
// which resolves with the server's tagged answer, OK, NO or BAD alike, and
// throws only when the connection is gone, as one line that says so. The
// number of messages in the selected mailbox is kept from every command's
// EXISTS and EXPUNGE responses.
import { ConnectionFailed, MailsmithError } from '../../errors.js';
import { describeLostConnection, type SocketOptions } from '../../remote/socket.js';
import type { CommandRefused, ExecOptions, ImapNode, MailsmithImapFlow, ParsedResponse } from './client.js';
import { codeOf, textOf, type ResponseCode } from './values.js';

export type ImapStatus = 'OK' | 'NO' | 'BAD';

export interface Tagged {
  readonly status: ImapStatus;
  readonly code?: ResponseCode;
  readonly text: string;
}

export interface CommandSpec {
  /** Untagged responses by name (FETCH, LIST, SEARCH, ...) while the command runs. */
  readonly untagged?: Record<string, (r: ParsedResponse) => Promise<void> | void>;
  readonly onPlusTag?: ExecOptions['onPlusTag'];
}

export class ImapSession {
  /** Messages in the selected mailbox, as the last EXISTS and EXPUNGE responses say. */
  exists = 0;
  private failure: Error | undefined;

  constructor(
    readonly client: MailsmithImapFlow,
    /** HOST:PORT, for messages. */
    readonly where: string,
    private readonly socket: SocketOptions,
  ) {
    // imapflow reports a broken connection once, here; the commands waiting then fail with "no connection"
    client.on('error', (e: Error) => {
      this.failure ??= this.describe(e);
    });
  }

  has(capability: string): boolean {
    return this.client.has(capability);
  }

  /** Sends a command (after any still running) and resolves with its tagged answer. */
  async command(verb: string, attributes: readonly ImapNode[], spec: CommandSpec = {}): Promise<Tagged> {
    if (this.failure) throw this.failure;
    const theirs = spec.untagged ?? {};
    const untagged = {
      ...theirs,
      EXISTS: (r: ParsedResponse) => {
        this.exists = Number(r.command);
        return theirs.EXISTS?.(r);
      },
      EXPUNGE: (r: ParsedResponse) => {
        this.exists = Math.max(0, this.exists - 1);
        return theirs.EXPUNGE?.(r);
      },
    };
    try {
      const r = await this.client.exec(verb, [...attributes], {
        untagged,
        ...(spec.onPlusTag ? { onPlusTag: spec.onPlusTag } : {}),
      });
      r.next();
      return tagged('OK', r.response);
    } catch (e) {
      const refused = e as Partial<CommandRefused>;
      if ((refused.responseStatus === 'NO' || refused.responseStatus === 'BAD') && refused.response) {
        return tagged(refused.responseStatus, refused.response);
      }
      throw this.lost(e as Error);
    }
  }

  /** What a failed command means: the connection is gone (the first reason found is kept). */
  lost(e: Error): Error {
    this.failure ??= this.describe(e);
    return this.failure;
  }

  private describe(e: Error): Error {
    if (e instanceof MailsmithError) return e;
    const code = (e as { code?: string }).code;
    if (code === 'ETIMEOUT') {
      return new ConnectionFailed(`no answer from ${this.where} for ${Math.round(this.socket.timeoutMs / 1000)} s; gave up`);
    }
    if (code === 'NoConnection' || code === 'EConnectionClosed' || code === 'StateLogout') {
      const bye = this.client.byeReason;
      return new ConnectionFailed(`${this.where} closed the connection${bye && bye !== 'Server closed connection' ? `: ${bye}` : ''}`);
    }
    return describeLostConnection(e, this.socket);
  }

  get broken(): Error | undefined {
    return this.failure ?? (this.client.isClosed ? new ConnectionFailed(`connection to ${this.where} closed`) : undefined);
  }

  /** Drops the connection now (a read that was stopped part-way leaves answers on the wire). */
  abort(): void {
    this.client.close();
  }

  /** LOGOUT, then the socket is closed whatever the server says. */
  async logout(): Promise<void> {
    if (!this.broken) await this.client.logout().catch(() => undefined);
    this.client.close();
  }

  /** The status of a tagged response with its text, as the server said it. */
  static say(r: Tagged): string {
    return `${r.code ? `[${r.code.name}${r.code.args.length ? ` ${r.code.args.join(' ')}` : ''}] ` : ''}${r.text}`.trim();
  }
}

function tagged(status: ImapStatus, r: ParsedResponse): Tagged {
  const code = codeOf(r);
  return { status, ...(code ? { code } : {}), text: textOf(r) };
}
