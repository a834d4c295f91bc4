// Neighbour inventory on macOS: `arp -an` (IPv4; -n: no reverse DNS lookups, which would send queries).
// IPv6 neighbours (`ndp -an`) are not read yet.
import type { NeighbourInventoryFacts } from '../../../protocol/checks/neighbour-inventory.js';
import { Probe, succeeded, whyFailed } from '../linux-common.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { toFacts } from './neighbours.js';
import { parseArpAn } from './parse-arp.js';

export const ARP_ARGV = ['arp', '-an'] as const;

async function collect(deps: CollectDeps): Promise<Collected<NeighbourInventoryFacts>> {
  const p = new Probe(deps);
  const r = await p.run(ARP_ARGV[0], ARP_ARGV.slice(1));
  const table = succeeded(r) ? parseArpAn(r.stdout) : null;
  if (!table) return { facts: null, reason: succeeded(r) ? 'arp -an output could not be parsed' : whyFailed(r), evidence: p.evidence };
  return { facts: toFacts('arp -an', table, [], []), evidence: p.evidence };
}

const check: PlatformCheck<NeighbourInventoryFacts> = { id: 'neighbour_inventory', collect };
export default check;
