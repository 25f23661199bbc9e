// Figures from the timed runs, and the table people read.

export type Tool = 'mailsmith' | 'mailutil' | 'cp';

export interface ToolFigures {
  readonly tool: Tool;
  readonly runsMs: number[];
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** Input bytes ÷ median wall time, in MB (10^6 bytes) per second. */
  readonly mbPerS: number;
  readonly messagesPerS: number;
  /** Highest peak RSS over the timed runs, in MiB. */
  readonly peakRssMiB?: number;
  /** Median ÷ cp's median on the same input, measured in the same alternation (none without a local input). */
  readonly ratioToCp?: number;
}

export interface OperationFigures {
  readonly size: string;
  readonly operation: string;
  readonly inputBytes: number;
  readonly messages: number;
  /** 1-minute load average when the operation's runs started and ended. */
  readonly loadStart: number;
  readonly loadEnd: number;
  readonly tools: ToolFigures[];
  /** For check: whether mailsmith printed mailutil's line. */
  readonly outputsAgree?: boolean;
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function figures(
  tool: Tool, runsMs: number[], rssKb: (number | undefined)[], inputBytes: number, messages: number, cpMedianMs?: number,
): ToolFigures {
  const med = median(runsMs);
  const rss = rssKb.filter((r): r is number => r !== undefined);
  return {
    tool,
    runsMs,
    medianMs: med,
    minMs: Math.min(...runsMs),
    maxMs: Math.max(...runsMs),
    mbPerS: inputBytes / 1e6 / (med / 1000),
    messagesPerS: messages / (med / 1000),
    ...(rss.length ? { peakRssMiB: Math.max(...rss) / 1024 } : {}),
    ...(cpMedianMs === undefined ? {} : { ratioToCp: med / cpMedianMs }),
  };
}

const mib = (x: number | undefined): string => (x === undefined ? 'n/a' : `${x.toFixed(0)} MiB`);
const seconds = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 3 : 1)} s`;

/** A plain-text table: one block per size and operation, one row per tool. */
export function table(ops: readonly OperationFigures[]): string {
  const header = ['operation', 'tool', 'median', '(min', 'max)', 'MB/s', 'msg/s', 'peak RSS', 'x cp', 'load'];
  const rows: string[][] = [];
  for (const op of ops) {
    for (const [i, t] of op.tools.entries()) {
      rows.push([
        i === 0 ? `${op.size} ${op.operation}` : '',
        t.tool,
        seconds(t.medianMs),
        `(${seconds(t.minMs)}`,
        `${seconds(t.maxMs)})`,
        t.mbPerS.toFixed(1),
        Math.round(t.messagesPerS).toLocaleString('en-US'),
        mib(t.peakRssMiB),
        t.ratioToCp?.toFixed(2) ?? '',
        i === 0 ? `${op.loadStart.toFixed(2)}-${op.loadEnd.toFixed(2)}` : '',
      ]);
    }
    if (op.outputsAgree === false) rows.push(['', '(mailsmith and mailutil printed different lines)', '', '', '', '', '', '', '', '']);
  }
  return align([header, ...rows]);
}

/**
 * Per operation and tool, large ÷ small: median time (linear would be the ratio of messages) and
 * peak RSS, with both peaks (flat memory: a ratio near 1 however many messages).
 */
export function scalingTable(ops: readonly OperationFigures[], small: string, large: string): string {
  const rows: string[][] = [['operation', 'tool', `${large}/${small} time`, `${large}/${small} messages`, `${small} RSS`, `${large} RSS`, `${large}/${small} RSS`]];
  for (const l of ops.filter((o) => o.size === large)) {
    const s = ops.find((o) => o.size === small && o.operation === l.operation);
    if (!s) continue;
    for (const t of l.tools) {
      const st = s.tools.find((x) => x.tool === t.tool);
      if (!st) continue;
      const rss = t.peakRssMiB !== undefined && st.peakRssMiB !== undefined ? (t.peakRssMiB / st.peakRssMiB).toFixed(2) : 'n/a';
      rows.push([
        l.operation, t.tool, (t.medianMs / st.medianMs).toFixed(2), (l.messages / s.messages).toFixed(0), mib(st.peakRssMiB), mib(t.peakRssMiB), rss,
      ]);
    }
  }
  return align(rows);
}

function align(rows: string[][]): string {
  const widths = rows[0]!.map((_c, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}
