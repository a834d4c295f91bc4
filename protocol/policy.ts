// Thresholds per device role. The collector's evaluation is authoritative; the agent evaluates with the
// same functions so a person at the machine sees the same verdict.
import { CHECKS } from './checks/index.js';

export const ROLES = ['workstation', 'gateway', 'server'] as const;

export interface CheckPolicy {
  enabled: boolean;
  params: unknown;
}

export interface Policy {
  version: string;
  roles: Record<string, Record<string, CheckPolicy>>;
}

function defaultsFor(overrides: Record<string, Record<string, unknown>> = {}, disabled: readonly string[] = []): Record<string, CheckPolicy> {
  return Object.fromEntries(
    CHECKS.map((c) => [c.id, { enabled: !disabled.includes(c.id), params: { ...(c.defaultParams as object), ...(overrides[c.id] ?? {}) } }]),
  );
}

// The gateway pack: every network-reachable listener must be approved. SSH for administration, the DHCP,
// DHCPv6 and NTP sockets a gateway serving a device network has, and the DICOM (104, 11112) and HL7 MLLP
// (2575) ports, which still fail when bound to every address (see listening-services.ts). Operators add
// their modality's ports in policy.yaml.
export const GATEWAY_ALLOWED_SERVICES = [
  { port: 22, protocol: 'tcp', process: 'sshd' },
  { port: 67, protocol: 'udp' },
  { port: 68, protocol: 'udp' },
  { port: 123, protocol: 'udp' },
  { port: 546, protocol: 'udp' },
  { port: 547, protocol: 'udp' },
  { port: 104, protocol: 'tcp' },
  { port: 11112, protocol: 'tcp' },
  { port: 2575, protocol: 'tcp' },
];

// The passive device inventory is evidence only gateways give: other roles still report their neighbour
// table in the attestation but the check is not applicable to them and no inventory is kept.
const GATEWAY_ONLY = ['neighbour_inventory'];

export const DEFAULT_POLICY: Policy = {
  version: 'builtin-1',
  roles: {
    workstation: defaultsFor({}, GATEWAY_ONLY),
    // Gateways are often appliances with vendor-managed patch windows: allow two months.
    gateway: defaultsFor({ patch_level: { maxDaysSinceUpgrade: 60 }, listening_services: { enforceAllowlist: true, allowed: GATEWAY_ALLOWED_SERVICES } }),
    server: defaultsFor({ patch_level: { maxDaysSinceUpgrade: 45 } }, GATEWAY_ONLY),
  },
};

export function checkPolicy(policy: Policy, role: string, checkId: string): CheckPolicy | undefined {
  return (policy.roles[role] ?? policy.roles.workstation)?.[checkId];
}
