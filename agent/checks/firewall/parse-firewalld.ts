// firewalld through firewall-cmd. `firewall-cmd --state` prints "running" (exit 0) or "not running"
// (exit 252). `firewall-cmd --list-all` describes the default zone:
//   public (active)
//     target: default
//     services: dhcpv6-client ssh
//     ports: 8080/tcp
// Zone target "default" rejects what no rule allows (as do REJECT, %%REJECT%% and DROP); only ACCEPT lets
// everything in. Interfaces bound to other zones are not covered by this view.

export function parseFirewalldState(text: string): 'running' | 'not running' | null {
  const t = text.trim();
  return t === 'running' || t === 'not running' ? t : null;
}

export interface FirewalldZone {
  zone: string;
  target: string;
  services: string[];
  ports: string[];
}

export function parseFirewalldListAll(text: string): FirewalldZone | null {
  const lines = text.split('\n');
  const head = /^(\S+)(?:\s+\(([^)]*)\))?\s*$/.exec(lines[0]?.trim() ?? '');
  const field = (name: string) => lines.map((l) => new RegExp(`^\\s+${name}:\\s*(.*)$`).exec(l)?.[1]).find((v) => v !== undefined);
  const target = field('target');
  if (!head?.[1] || target === undefined) return null;
  const list = (v: string | undefined) => (v ?? '').trim().split(/\s+/).filter(Boolean);
  return { zone: head[1], target: target.trim(), services: list(field('services')), ports: list(field('ports')) };
}

export function zoneDeniesByDefault(z: FirewalldZone): boolean {
  return z.target !== 'ACCEPT';
}
