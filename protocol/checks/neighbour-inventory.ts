// Neighbour inventory: the devices a gateway sees on its networks, read passively from its neighbour (ARP /
// NDP) table and, where the gateway serves DHCP, its leases file. Nothing is probed: no ping sweep, no port
// scan (fragile medical devices have crashed or reset under scans; see docs/GATEWAYS.md).
//
// The facts are evidence for the asset inventory (A.5.9); the check passes whenever the table was read.
// The vendor behind each MAC address is looked up by the collector (IEEE OUI registry), not the agent.
// Every string here comes from a device's own network traffic: all are bounded, MACs are normalised.
import { Type, type Static } from '@sinclair/typebox';
import type { CheckDefinition } from './types.js';
import { Nullable, Str } from './nullable.js';

// Bounded so a full table (about 130 bytes a device) keeps the attestation well inside the 1 MiB frame.
export const MAX_NEIGHBOURS = 2048;
export const MAC_PATTERN = '^[0-9a-f]{2}(:[0-9a-f]{2}){5}$';

export const Neighbour = Type.Object({
  ip: Str(64),
  /** Lower-case, colon-separated. Entries without a link-layer address (INCOMPLETE, FAILED) are not devices and are dropped. */
  mac: Type.String({ pattern: MAC_PATTERN, maxLength: 17 }),
  /** reachable, stale, delay, probe, permanent, noarp, dynamic, static, lease… (lower case). */
  state: Str(32),
  interface: Nullable(Str(64)),
  /** Host name from a DHCP lease, when one names this MAC. */
  hostname: Type.Optional(Nullable(Str(253))),
  /** Where the entry was seen: the neighbour table, a DHCP lease, or both. */
  seenIn: Type.Union([Type.Literal('neighbours'), Type.Literal('lease'), Type.Literal('both')]),
});
export type Neighbour = Static<typeof Neighbour>;

export const NeighbourInventoryFacts = Type.Object({
  /** ip -j neigh, ip neigh, /proc/net/arp, Get-NetNeighbor, arp -a, arp -an. */
  source: Str(64),
  neighbours: Type.Array(Neighbour, { maxItems: MAX_NEIGHBOURS }),
  truncated: Type.Optional(Type.Boolean()),
  /** DHCP leases files that were found and read (dnsmasq or ISC dhcpd format). */
  leases: Type.Array(Type.Object({ path: Str(256), format: Str(16), entries: Type.Integer({ minimum: 0 }), error: Type.Optional(Str(512)) }), { maxItems: 8 }),
});
export type NeighbourInventoryFacts = Static<typeof NeighbourInventoryFacts>;

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NeighbourInventoryParams {}

export const neighbourInventory: CheckDefinition<NeighbourInventoryFacts, NeighbourInventoryParams> = {
  id: 'neighbour_inventory',
  title: 'Devices behind the gateway (passive inventory)',
  factsSchema: NeighbourInventoryFacts,
  defaultParams: {},
  paramsSchema: Type.Object({}, { additionalProperties: false }),
  summarize(facts) {
    const lines = [`${facts.neighbours.length} device(s) seen (${facts.source}${facts.leases.length ? ` + ${facts.leases.map((l) => l.path).join(', ')}` : ''})${facts.truncated ? ', truncated' : ''}`];
    for (const n of facts.neighbours.slice(0, 20)) lines.push(`${n.ip} ${n.mac} ${n.state}${n.interface ? ` on ${n.interface}` : ''}${n.hostname ? ` (${n.hostname})` : ''}`);
    if (facts.neighbours.length > 20) lines.push(`… ${facts.neighbours.length - 20} more`);
    return lines;
  },
  evaluate(facts) {
    // The inventory is evidence, not a pass/fail state: reading it is what is checked. A table that could
    // not be read never gets here (no facts: unknown with the reason).
    const bad = facts.leases.filter((l) => l.error);
    const reason = `${facts.neighbours.length} device(s) seen${facts.truncated ? ` (more than ${MAX_NEIGHBOURS}; the rest were not reported)` : ''}${bad.length ? `; ${bad.map((l) => `${l.path}: ${l.error}`).join('; ')}` : ''}`;
    return { status: 'pass', reason };
  },
};
