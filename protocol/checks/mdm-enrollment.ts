import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str } from './nullable.js';

export const MdmEnrollmentFacts = Type.Object({
  /** Management agents and enrolments looked for; installed but not enrolled is reported as such. */
  agents: Type.Array(
    Type.Object({
      /** Stable provider id, e.g. intune, apple-mdm, landscape, workspace_one, jamf, fleet, osquery. */
      provider: Str(64),
      /** The MDM vendor behind a generic channel (apple-mdm or Windows MDM): jamf, kandji, intune… */
      vendor: Type.Optional(Str(64)),
      name: Str(128),
      installed: Type.Boolean(),
      /** null: installed but enrolment could not be confirmed. */
      enrolled: Nullable(Type.Boolean()),
      server: Type.Optional(Str(512)),
      /** Windows: entra, hybrid, domain, workgroup. */
      joinType: Type.Optional(Str(32)),
      /** macOS: enrolled through Automated Device Enrollment (DEP), and user approved. */
      dep: Type.Optional(Nullable(Type.Boolean())),
      userApproved: Type.Optional(Nullable(Type.Boolean())),
      detail: Type.Optional(Str(1024)),
    }),
    { maxItems: 32 },
  ),
});
export type MdmEnrollmentFacts = Static<typeof MdmEnrollmentFacts>;

export interface MdmEnrollmentParams {
  /** Empty: any known provider counts. */
  allowedProviders: string[];
  /** macOS: a user-approved (or DEP) enrolment, without which many payloads are not applied. */
  requireUserApproved: boolean;
}

export const mdmEnrollment: CheckDefinition<MdmEnrollmentFacts, MdmEnrollmentParams> = {
  id: 'mdm_enrollment',
  title: 'Management (MDM) enrolment',
  factsSchema: MdmEnrollmentFacts,
  defaultParams: { allowedProviders: [], requireUserApproved: false },
  paramsSchema: Type.Object(
    {
      allowedProviders: Type.Array(Type.String({ pattern: '^[a-z0-9_-]{1,64}$' }), {
        maxItems: 32,
        description: 'management providers that count (intune, apple-mdm, jamf, landscape, workspace_one, fleet…); empty: any',
      }),
      requireUserApproved: Type.Boolean({ description: 'macOS: the enrolment must be user approved (or DEP)' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    if (!facts.agents.length) return ['no known management agent found'];
    return facts.agents.map((a) => {
      const extras = [a.joinType ? `join ${a.joinType}` : '', a.dep ? 'DEP' : '', a.userApproved != null ? `user approved ${a.userApproved ? 'yes' : 'no'}` : '', a.server ? a.server : ''].filter(Boolean);
      return `${a.name}: ${a.installed ? 'installed' : 'not installed'}, enrolled ${a.enrolled === null ? 'unknown' : a.enrolled ? 'yes' : 'no'}${extras.length ? ` (${extras.join(', ')})` : ''}`;
    });
  },
  evaluate(facts, params) {
    const allowed = (a: { provider: string; vendor?: string }) =>
      params.allowedProviders.length === 0 || params.allowedProviders.includes(a.provider) || (a.vendor !== undefined && params.allowedProviders.includes(a.vendor));
    const enrolled = facts.agents.filter((a) => a.enrolled === true);
    const good = enrolled.filter(allowed);
    if (good.length) {
      if (params.requireUserApproved && good.every((a) => a.userApproved === false && a.dep !== true)) {
        return { status: 'fail', reason: 'enrolled, but the enrolment is not user approved' };
      }
      return { status: 'pass' };
    }
    if (enrolled.length) {
      return { status: 'fail', reason: `enrolled only with providers outside the allowed list: ${enrolled.map((a) => a.vendor ?? a.provider).join(', ')}` };
    }
    const unclear = facts.agents.filter((a) => a.installed && a.enrolled === null);
    if (unclear.length) {
      return {
        status: 'unknown',
        reason: joinReasons(unclear.map((a) => `${a.name} is installed but enrolment is unconfirmed: ${a.detail ?? 'no detail'}`)),
      };
    }
    const installed = facts.agents.filter((a) => a.installed);
    if (installed.length) return { status: 'fail', reason: joinReasons(installed.map((a) => `${a.name} is installed but not enrolled`)) };
    return { status: 'fail', reason: 'no device management agent is installed' };
  },
};
