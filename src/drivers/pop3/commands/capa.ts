// CAPA (RFC 2449): what the server offers; none when it does not know CAPA.
import type { Pop3Session } from '../session.js';

export async function capa(s: Pop3Session): Promise<void> {
  const r = await s.command({ line: 'CAPA', multiline: true });
  const caps = new Set<string>();
  if (r.ok && r.body) {
    for (const line of r.body.toString('utf8').split('\r\n')) {
      const word = line.trim().split(/\s+/)[0];
      if (word) caps.add(word.toUpperCase());
    }
  }
  s.capabilities = caps;
}
