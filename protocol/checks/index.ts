import type { TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import { diskEncryption } from './disk-encryption.js';
import { firewall } from './firewall.js';
import { mdmEnrollment } from './mdm-enrollment.js';
import { patchLevel } from './patch-level.js';
import { antivirusEdr } from './antivirus-edr.js';
import { screenLock } from './screen-lock.js';
import { osEol } from './os-eol.js';
import { timeSync } from './time-sync.js';
import { auditLogging } from './audit-logging.js';
import { localAdmins } from './local-admins.js';
import { usbStorage } from './usb-storage.js';
import { remoteAccess } from './remote-access.js';
import { secureBoot } from './secure-boot.js';
import { listeningServices } from './listening-services.js';
import { neighbourInventory } from './neighbour-inventory.js';
import type { CheckDefinition, CheckResult, EvaluationContext, Verdict } from './types.js';
import { lazyCompile, problemsOf } from '../validate.js';

export * from './types.js';

// Order is the display order everywhere.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export const CHECKS: readonly CheckDefinition<any, any>[] = [
  diskEncryption,
  patchLevel,
  firewall,
  mdmEnrollment,
  antivirusEdr,
  screenLock,
  osEol,
  timeSync,
  auditLogging,
  localAdmins,
  usbStorage,
  remoteAccess,
  secureBoot,
  listeningServices,
  neighbourInventory,
];

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const byId = new Map<string, { def: CheckDefinition<any, any>; facts: () => TypeCheck<TSchema> }>(
  CHECKS.map((def) => [def.id, { def, facts: lazyCompile(def.factsSchema) }]),
);

export function checkDefinition(id: string): CheckDefinition | undefined {
  return byId.get(id)?.def;
}

export const CHECK_IDS: readonly string[] = CHECKS.map((c) => c.id);

/**
 * Evaluate one reported check result under a policy. Facts are untrusted: they are validated against the
 * check's schema first. A result without facts keeps the status the agent gave it, except that an
 * agent can never claim `pass` without facts.
 */
export function evaluateResult(result: Pick<CheckResult, 'id' | 'status' | 'reason' | 'facts'>, params: unknown, ctx: EvaluationContext): Verdict {
  const entry = byId.get(result.id);
  if (!entry) return { status: 'unknown', reason: `check ${result.id} is not known to this version` };
  if (result.facts === null || result.facts === undefined) {
    if (result.status === 'pass' || result.status === 'fail') {
      return { status: 'error', reason: `agent reported ${result.status} without facts` };
    }
    return { status: result.status, reason: result.reason ?? 'no facts reported' };
  }
  const facts = entry.facts();
  if (!facts.Check(result.facts)) {
    return { status: 'error', reason: `facts do not match the check schema: ${problemsOf(facts, result.facts, 5).join('; ')}` };
  }
  return entry.def.evaluate(result.facts, params ?? entry.def.defaultParams, ctx);
}
