// The policy.yaml written into a new data directory: the built-in defaults (protocol/policy.ts), with a
// comment for every check and parameter taken from the check definitions. Roles other than workstation
// are written as `extends: workstation` plus what differs, which is how an operator should write theirs.
import { Document, YAMLMap, Pair, Scalar } from 'yaml';
import { CHECKS } from '../../protocol/checks/index.js';
import { DEFAULT_POLICY, type Policy } from '../../protocol/policy.js';

const ROLE_NOTES: Record<string, string> = {
  workstation: 'Desktops and laptops (also the role used for devices whose role has no entry here)',
  gateway: 'Medical-device gateways: often appliances with vendor-managed patch windows',
  server: 'Servers',
};

const HEADER = `Vigil collector policy: thresholds per device role.

Edit and save: the collector reloads this file without a restart. A file with errors is refused
(the collector keeps the last good policy and logs each error with its line and column); check a
draft first with: vigil-collector policy check --file policy.yaml
Every evaluation is stamped with the policy version, label@sha256:<sha256 of this file>, so an
auditor can tell which thresholds applied; change the label when you make a new revision.

roles.<role>.extends  start from another role's settings
roles.<role>.checks.<check>.enabled  false: the check is not applicable to this role
roles.<role>.checks.<check>.params   thresholds; parameters left out keep their defaults
A check a role does not mention runs with its default parameters (or its parent role's).`;

function paramDescriptions(checkId: string): Record<string, string> {
  const def = CHECKS.find((c) => c.id === checkId)!;
  const props = (def.paramsSchema as { properties?: Record<string, { description?: string }> }).properties ?? {};
  return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, v.description ?? '']));
}

function checksMap(doc: Document, role: Record<string, { enabled: boolean; params: unknown }>, base?: Record<string, { enabled: boolean; params: unknown }>): YAMLMap | null {
  const map = new YAMLMap();
  for (const def of CHECKS) {
    const cp = role[def.id]!;
    const baseCp = base?.[def.id];
    const params = cp.params as Record<string, unknown>;
    const baseParams = baseCp?.params as Record<string, unknown> | undefined;
    const changed = Object.keys(params).filter((k) => !baseParams || JSON.stringify(params[k]) !== JSON.stringify(baseParams[k]));
    const enabledChanged = !baseCp || baseCp.enabled !== cp.enabled;
    if (base && !changed.length && !enabledChanged) continue;
    const entry = new YAMLMap();
    if (enabledChanged || !base) entry.items.push(new Pair(new Scalar('enabled'), new Scalar(cp.enabled)));
    if (changed.length) {
      const pm = new YAMLMap();
      const notes = paramDescriptions(def.id);
      for (const k of changed) {
        const value = doc.createNode(params[k], { flow: true });
        if (notes[k]) (value as Scalar).comment = ` ${notes[k]}`;
        pm.items.push(new Pair(new Scalar(k), value));
      }
      entry.items.push(new Pair(new Scalar('params'), pm));
    }
    const key = new Scalar(def.id);
    key.commentBefore = ` ${def.title}`;
    map.items.push(new Pair(key, entry));
  }
  return map.items.length ? map : null;
}

export function renderPolicyYaml(policy: Policy = DEFAULT_POLICY, label = 'default'): string {
  const doc = new Document();
  doc.commentBefore = HEADER.split('\n').map((l) => (l ? ` ${l}` : '')).join('\n');
  const root = new YAMLMap();
  const labelNode = new Scalar(label);
  root.items.push(new Pair(new Scalar('label'), labelNode));
  const roles = new YAMLMap();
  const workstation = policy.roles.workstation!;
  for (const [name, role] of Object.entries(policy.roles)) {
    const r = new YAMLMap();
    if (ROLE_NOTES[name]) r.items.push(new Pair(new Scalar('description'), new Scalar(ROLE_NOTES[name])));
    const base = name === 'workstation' ? undefined : workstation;
    if (base) r.items.push(new Pair(new Scalar('extends'), new Scalar('workstation')));
    const checks = checksMap(doc, role, base);
    if (checks) r.items.push(new Pair(new Scalar('checks'), checks));
    const key = new Scalar(name);
    key.spaceBefore = roles.items.length > 0;
    roles.items.push(new Pair(key, r));
  }
  root.items.push(new Pair(new Scalar('roles'), roles));
  doc.contents = root;
  return doc.toString({ lineWidth: 0 });
}
