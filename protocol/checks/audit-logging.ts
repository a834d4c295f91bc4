import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const AuditLoggingFacts = Type.Object({
  /** Log producers: auditd, journald, Windows EventLog service, macOS auditd / unified log. */
  sources: Type.Array(
    Type.Object({
      name: Str(64),
      active: Nullable(Type.Boolean()),
      /** Survives a reboot (journald Storage=persistent, auditd log file, event log on disk). */
      persistent: Nullable(Type.Boolean()),
      detail: Detail(),
    }),
    { maxItems: 16 },
  ),
  /** Windows advanced audit policy (auditpol) or an equivalent: per category, success and failure auditing. */
  policy: Type.Optional(
    Type.Array(
      Type.Object({ category: Str(128), success: Nullable(Type.Boolean()), failure: Nullable(Type.Boolean()) }),
      { maxItems: 128 },
    ),
  ),
});
export type AuditLoggingFacts = Static<typeof AuditLoggingFacts>;

export interface AuditLoggingParams {
  /** Windows audit-policy subcategories that must audit success and failure (matched case-insensitively). */
  requiredCategories: string[];
  /** Linux: demand auditd (kernel audit trail), not only a persistent journal. */
  requireAuditd: boolean;
}

export const auditLogging: CheckDefinition<AuditLoggingFacts, AuditLoggingParams> = {
  id: 'audit_logging',
  title: 'Audit logging',
  factsSchema: AuditLoggingFacts,
  defaultParams: { requiredCategories: ['Logon', 'Account Lockout', 'User Account Management', 'Security Group Management', 'Audit Policy Change'], requireAuditd: false },
  paramsSchema: Type.Object(
    {
      requiredCategories: Type.Array(Type.String({ minLength: 1, maxLength: 128 }), {
        maxItems: 64,
        description: 'Windows audit-policy subcategories that must audit success and failure',
      }),
      requireAuditd: Type.Boolean({ description: 'Linux: demand auditd, not only a persistent journal' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    const lines = facts.sources.map(
      (s) => `${s.name}: ${s.active === null ? 'state unknown' : s.active ? 'running' : 'not running'}${s.persistent != null ? `, ${s.persistent ? 'persistent' : 'not persistent'}` : ''}${s.detail ? ` (${s.detail})` : ''}`,
    );
    if (facts.policy?.length) {
      const audited = facts.policy.filter((p) => p.success || p.failure).length;
      lines.push(`audit policy: ${audited} of ${facts.policy.length} categories audited`);
    }
    return lines.length ? lines : ['no audit log source found'];
  },
  evaluate(facts, params) {
    const fails: string[] = [];
    const unknowns: string[] = [];
    // A running source whose persistence could not be read counts: event logs, auditd and the unified log
    // write to disk unless configured otherwise, and a configuration that says otherwise is read as false.
    const good = facts.sources.filter((s) => s.active === true && s.persistent !== false);
    const auditd = facts.sources.find((s) => s.name === 'auditd');
    if (params.requireAuditd && auditd?.active !== true && facts.sources.some((s) => s.name === 'journald')) {
      if (auditd?.active === null) unknowns.push(`auditd: ${auditd.detail ?? 'state unknown'}`);
      else fails.push('auditd is not running');
    }
    if (!good.length) {
      const unclear = facts.sources.filter((s) => s.active === null);
      if (unclear.length) unknowns.push(...unclear.map((s) => `${s.name}: ${s.detail ?? 'state unknown'}`));
      else fails.push(facts.sources.length ? 'no audit log source is running and persistent' : 'no audit log source found');
    }
    if (facts.policy) {
      for (const want of params.requiredCategories) {
        const p = facts.policy.find((x) => x.category.toLowerCase() === want.toLowerCase());
        if (!p) continue;
        if (p.success === false || p.failure === false) fails.push(`audit policy "${p.category}" does not audit ${p.success === false && p.failure === false ? 'success or failure' : p.success === false ? 'success' : 'failure'}`);
        else if (p.success === null || p.failure === null) unknowns.push(`audit policy "${p.category}" unknown`);
      }
    }
    if (fails.length) return { status: 'fail', reason: joinReasons([...fails, ...unknowns]) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'pass' };
  },
};
