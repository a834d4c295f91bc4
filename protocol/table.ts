// Plain-text tables for the CLIs. Cells are single-line: control characters (from device-provided strings)
// are replaced so a hostile hostname cannot rewrite the operator's terminal.
export function cell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  // eslint-disable-next-line no-control-regex
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function renderTable(headers: string[], rows: unknown[][], maxWidth = 80): string {
  const cells = rows.map((r) => r.map((v) => {
    const s = cell(v);
    return s.length > maxWidth ? `${s.slice(0, maxWidth - 1)}…` : s;
  }));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(headers), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** "90s", "30m", "24h", "7d", "2w" → milliseconds; null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^(\d+)\s*([smhdw])$/.exec(text.trim());
  if (!m) return null;
  const n = Number(m[1]) * UNITS[m[2]!]!;
  return n > 0 ? n : null;
}
