// Neighbour inventory on Linux: `ip -j neigh` (IPv4 ARP and IPv6 NDP entries, any user), /proc/net/arp
// where ip is missing, and the DHCP leases of a dnsmasq or ISC dhcpd server on the gateway, at their
// distribution paths. Nothing is sent on the network: these are tables the kernel and the DHCP server keep.
import type { NeighbourInventoryFacts } from '../../../protocol/checks/neighbour-inventory.js';
import { clip, Probe, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { toFacts, type Lease } from './neighbours.js';
import { parseIpNeighJson, parseProcNetArp } from './parse-ip-neigh.js';
import { parseDnsmasqLeases, parseIscLeases } from './parse-leases.js';

export const IP_NEIGH_ARGV = ['ip', '-j', 'neigh'] as const;
export const LEASE_FILES = [
  { path: '/var/lib/misc/dnsmasq.leases', format: 'dnsmasq' },
  { path: '/var/lib/dhcp/dhcpd.leases', format: 'isc' },
  { path: '/var/lib/dhcpd/dhcpd.leases', format: 'isc' },
] as const;

async function leases(p: Probe): Promise<{ leases: Lease[]; files: NeighbourInventoryFacts['leases'] }> {
  const all: Lease[] = [];
  const files: NeighbourInventoryFacts['leases'] = [];
  for (const f of LEASE_FILES) {
    if (!(await p.deps.files.exists(f.path))) continue;
    const text = await p.readAll(f.path, 16 * 1024 * 1024);
    const parsed = text === null ? null : f.format === 'dnsmasq' ? parseDnsmasqLeases(text) : parseIscLeases(text);
    if (parsed === null) files.push({ path: f.path, format: f.format, entries: 0, error: text === null ? 'unreadable or too large' : 'not in the expected format' });
    else {
      files.push({ path: f.path, format: f.format, entries: parsed.length });
      all.push(...parsed);
    }
  }
  return { leases: all, files };
}

async function collect(deps: CollectDeps): Promise<Collected<NeighbourInventoryFacts>> {
  const p = new Probe(deps);
  const [r, l] = await Promise.all([p.run(IP_NEIGH_ARGV[0], IP_NEIGH_ARGV.slice(1)), leases(p)]);
  const table = succeeded(r) ? parseIpNeighJson(r.stdout) : null;
  if (table) return { facts: toFacts('ip -j neigh', table, l.leases, l.files), evidence: p.evidence };
  const arp = await p.readAll('/proc/net/arp', 4 * 1024 * 1024);
  const fallback = arp === null ? null : parseProcNetArp(arp);
  if (!fallback) return { facts: null, reason: clip(`${succeeded(r) ? 'ip -j neigh output could not be parsed' : whyFailed(r)}; /proc/net/arp could not be ${arp === null ? 'read' : 'parsed'}`, 1024), evidence: p.evidence };
  return { facts: toFacts('/proc/net/arp', fallback, l.leases, l.files), evidence: p.evidence };
}

const check: PlatformCheck<NeighbourInventoryFacts> = { id: 'neighbour_inventory', collect };
export default check;
