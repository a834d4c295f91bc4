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

function defaultsFor(overrides: Record<string, Record<string, unknown>> = {}): Record<string, CheckPolicy> {
  return Object.fromEntries(
    CHECKS.map((c) => [c.id, { enabled: true, params: { ...(c.defaultParams as object), ...(overrides[c.id] ?? {}) } }]),
  );
}

export const DEFAULT_POLICY: Policy = {
  version: 'builtin-1',
  roles: {
    workstation: defaultsFor(),
    // Gateways are often appliances with vendor-managed patch windows: allow two months.
    gateway: defaultsFor({ patch_level: { maxDaysSinceUpgrade: 60 } }),
    server: defaultsFor({ patch_level: { maxDaysSinceUpgrade: 45 } }),
  },
};

export function checkPolicy(policy: Policy, role: string, checkId: string): CheckPolicy | undefined {
  return (policy.roles[role] ?? policy.roles.workstation)?.[checkId];
}
