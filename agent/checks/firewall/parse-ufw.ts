// `ufw status verbose` (needs root): "Status: active", "Default: deny (incoming), allow (outgoing),
// disabled (routed)", then a To/Action/From table after a "--" underline. Plain `ufw status` has no Default
// line, so the inbound default stays unknown there.

export interface UfwStatus {
  active: boolean;
  defaultIncoming: 'deny' | 'reject' | 'allow' | null;
  rules: number;
}

/** null when there is no "Status:" line (error text, blank, garbage). */
export function parseUfwStatus(text: string): UfwStatus | null {
  const lines = text.split('\n');
  const status = lines.map((l) => /^Status:\s*(active|inactive)\s*$/.exec(l.trim())?.[1]).find(Boolean);
  if (!status) return null;
  const def = lines.map((l) => /^Default:.*?\b(deny|reject|allow) \(incoming\)/.exec(l.trim())?.[1]).find(Boolean);
  const sep = lines.findIndex((l) => /^--\s+-+\s+-+/.test(l.trim()));
  const rules = sep < 0 ? 0 : lines.slice(sep + 1).filter((l) => l.trim() !== '').length;
  return { active: status === 'active', defaultIncoming: (def as UfwStatus['defaultIncoming']) ?? null, rules };
}
