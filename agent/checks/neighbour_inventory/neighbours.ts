// What the neighbour-table parsers share: MAC normalisation (every tool prints it differently), dropping
// entries that are not devices (no address, broadcast, multicast), merging DHCP leases, bounding the size.
import { MAX_NEIGHBOURS, type Neighbour, type NeighbourInventoryFacts } from '../../../protocol/checks/neighbour-inventory.js';

export interface RawNeighbour {
  ip: string;
  mac: string | null;
  state: string;
  interface: string | null;
}

export interface Lease {
  ip: string;
  mac: string;
  hostname: string | null;
}

const clip = (s: string, max: number) => (s.length > max ? s.slice(0, max) : s);

/**
 * "00:09:02:12:34:56", "00-09-02-12-34-56", "0:9:2:12:34:56" (macOS drops leading zeros), "0009.0212.3456"
 * → "00:09:02:12:34:56". null for anything else, and for addresses that are not a device's own: all
 * zeros, broadcast, multicast (the group bit in the first octet).
 */
export function normMac(s: string): string | null {
  const t = s.trim().toLowerCase();
  let octets: string[];
  if (/^[0-9a-f]{1,2}([:-][0-9a-f]{1,2}){5}$/.test(t)) octets = t.split(/[:-]/).map((o) => o.padStart(2, '0'));
  else if (/^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$/.test(t)) octets = t.replace(/\./g, '').match(/../g)!;
  else return null;
  const mac = octets.join(':');
  if (mac === '00:00:00:00:00:00' || (Number.parseInt(octets[0]!, 16) & 1) === 1) return null;
  return mac;
}

/** A plausible IPv4 or IPv6 address text (the tools print nothing else here; anything odd is dropped). */
export function plausibleIp(s: string): boolean {
  return s.length <= 64 && (/^\d{1,3}(\.\d{1,3}){3}$/.test(s) || (/^[0-9a-fA-F:.]+(%[\w.-]{1,32})?$/.test(s) && s.includes(':')));
}

export function toFacts(source: string, raw: RawNeighbour[], leases: Lease[], leaseFiles: NeighbourInventoryFacts['leases']): NeighbourInventoryFacts {
  const byKey = new Map<string, Neighbour>();
  for (const r of raw) {
    const mac = r.mac === null ? null : normMac(r.mac);
    if (!mac || !plausibleIp(r.ip)) continue;
    const key = `${r.ip} ${mac}`;
    if (byKey.has(key)) continue;
    byKey.set(key, { ip: r.ip, mac, state: clip(r.state.toLowerCase(), 32) || 'unknown', interface: r.interface === null ? null : clip(r.interface, 64), seenIn: 'neighbours' });
  }
  for (const l of leases) {
    const mac = normMac(l.mac);
    if (!mac || !plausibleIp(l.ip)) continue;
    const hostname = l.hostname === null ? null : clip(l.hostname, 253);
    const hit = byKey.get(`${l.ip} ${mac}`);
    if (hit) {
      hit.seenIn = 'both';
      hit.hostname = hostname;
    } else byKey.set(`${l.ip} ${mac}`, { ip: l.ip, mac, state: 'lease', interface: null, hostname, seenIn: 'lease' });
  }
  const all = [...byKey.values()].sort((a, b) => a.mac.localeCompare(b.mac) || a.ip.localeCompare(b.ip));
  const facts: NeighbourInventoryFacts = { source, neighbours: all.slice(0, MAX_NEIGHBOURS), leases: leaseFiles };
  if (all.length > MAX_NEIGHBOURS) facts.truncated = true;
  return facts;
}
