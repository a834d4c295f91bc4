// Linux neighbour tables. `ip -j neigh` prints [{dst, dev, lladdr?, state: ["REACHABLE"], router?}];
// entries still resolving have no lladdr. /proc/net/arp (IPv4 only, readable by anyone) is the fallback:
//   IP address       HW type     Flags       HW address            Mask     Device
//   10.20.0.11       0x1         0x6         00:09:02:12:34:56     *        gw0
// Flags 0x2 = complete, 0x4 = permanent; 0x0 = incomplete.
import type { RawNeighbour } from './neighbours.js';

const rec = (v: unknown): Record<string, unknown> | null => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

/** null when the text is not the JSON array ip prints ("[]" for an empty table; blank is not an answer). */
export function parseIpNeighJson(text: string): RawNeighbour[] | null {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(data)) return null;
  const out: RawNeighbour[] = [];
  for (const item of data) {
    const r = rec(item);
    const ip = str(r?.dst);
    if (!r || !ip) return null;
    const states = Array.isArray(r.state) ? r.state.filter((s): s is string => typeof s === 'string') : [];
    out.push({ ip, mac: str(r.lladdr), state: states[0] ?? 'unknown', interface: str(r.dev) });
  }
  return out;
}

/** null when the header is missing. */
export function parseProcNetArp(text: string): RawNeighbour[] | null {
  const lines = text.split('\n');
  if (!/^IP address\s+HW type\s+Flags/.test(lines[0] ?? '')) return null;
  const out: RawNeighbour[] = [];
  for (const line of lines.slice(1)) {
    const c = line.trim().split(/\s+/);
    if (c.length < 6) continue;
    const flags = Number.parseInt(c[2]!, 16);
    if (!(flags & 2)) continue;
    out.push({ ip: c[0]!, mac: c[3]!, state: flags & 4 ? 'permanent' : 'reachable', interface: c[5]! });
  }
  return out;
}
