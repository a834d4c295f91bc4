// Neighbour inventory on Windows: Get-NetNeighbor (IPv4 and IPv6, every interface) as JSON, and `arp -a`
// (IPv4) where the NetTCPIP module is missing. A Windows DHCP server's leases (Get-DhcpServerv4Lease) are
// not read: that role belongs on a server, not on a device gateway.
import type { NeighbourInventoryFacts } from '../../../protocol/checks/neighbour-inventory.js';
import type { Evidence } from '../../../protocol/checks/types.js';
import type { CollectDeps, Collected, PlatformCheck } from '../types.js';
import { parsePsJson, probe, probeEvidence, psCommand, psProbes, winEvidence, winWhyFailed } from '../windows-common.js';
import { toFacts } from './neighbours.js';
import { parseArpA, winNeighbours } from './parse-win-neighbor.js';

export const NEIGHBOR_LABEL = 'Get-NetNeighbor | Select-Object IPAddress,LinkLayerAddress,State,InterfaceAlias | ConvertTo-Json';
export const NEIGHBOR_ARGV = psCommand(psProbes({ neigh: '@(Get-NetNeighbor | Select-Object IPAddress,LinkLayerAddress,State,InterfaceAlias)' }, 3));
export const ARP_ARGV = ['arp.exe', '-a'] as const;

async function collect(deps: CollectDeps): Promise<Collected<NeighbourInventoryFacts>> {
  const evidence: Evidence[] = [];
  const ps = await deps.run(NEIGHBOR_ARGV[0]!, NEIGHBOR_ARGV.slice(1));
  evidence.push(winEvidence(ps, NEIGHBOR_LABEL));
  const out = !ps.failure && ps.exitCode === 0 ? parsePsJson(ps.stdout) : null;
  if (out !== null) {
    const n = probe(out, 'neigh');
    const table = n.ok ? winNeighbours(n.value) : null;
    if (table) return { facts: toFacts('Get-NetNeighbor', table, [], []), evidence };
    if (!n.ok) evidence.push(probeEvidence('Get-NetNeighbor', n.failure));
  }
  const arp = await deps.run(ARP_ARGV[0], ARP_ARGV.slice(1));
  evidence.push(winEvidence(arp));
  const table = !arp.failure && arp.exitCode === 0 ? parseArpA(arp.stdout) : null;
  if (!table) return { facts: null, reason: `${out === null ? winWhyFailed(ps, `powershell.exe: ${NEIGHBOR_LABEL}`) : 'Get-NetNeighbor gave no usable table'}; ${winWhyFailed(arp)}`, evidence };
  return { facts: toFacts('arp -a', table, [], []), evidence };
}

const check: PlatformCheck<NeighbourInventoryFacts> = { id: 'neighbour_inventory', collect };
export default check;
