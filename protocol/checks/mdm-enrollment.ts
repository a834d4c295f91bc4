import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const MdmEnrollmentFacts = Type.Object({
  /** Management agents looked for; installed but not enrolled is reported as such. */
  agents: Type.Array(
    Type.Object({
      /** Stable provider id, e.g. intune, landscape, workspace_one, jamf, fleet, osquery. */
      provider: Type.String({ maxLength: 64 }),
      name: Type.String({ maxLength: 128 }),
      installed: Type.Boolean(),
      /** null: installed but enrolment could not be confirmed. */
      enrolled: Nullable(Type.Boolean()),
      server: Type.Optional(Type.String({ maxLength: 512 })),
      detail: Type.Optional(Type.String({ maxLength: 1024 })),
    }),
    { maxItems: 32 },
  ),
});
export type MdmEnrollmentFacts = Static<typeof MdmEnrollmentFacts>;

export interface MdmEnrollmentParams {
  /** Empty: any known provider counts. */
  allowedProviders: string[];
}

export const mdmEnrollment: CheckDefinition<MdmEnrollmentFacts, MdmEnrollmentParams> = {
  id: 'mdm_enrollment',
  title: 'Management (MDM) enrolment',
  factsSchema: MdmEnrollmentFacts,
  defaultParams: { allowedProviders: [] },
  summarize(facts) {
    if (!facts.agents.length) return ['no known management agent found'];
    return facts.agents.map((a) => `${a.name}: ${a.installed ? 'installed' : 'not installed'}, enrolled ${a.enrolled === null ? 'unknown' : a.enrolled ? 'yes' : 'no'}${a.server ? ` (${a.server})` : ''}`);
  },
  evaluate(facts, params) {
    const allowed = (p: string) => params.allowedProviders.length === 0 || params.allowedProviders.includes(p);
    const enrolled = facts.agents.filter((a) => a.enrolled === true);
    if (enrolled.some((a) => allowed(a.provider))) return { status: 'pass' };
    if (enrolled.length) {
      return {
        status: 'fail',
        reason: `enrolled only with providers outside the allowed list: ${enrolled.map((a) => a.provider).join(', ')}`,
      };
    }
    const unclear = facts.agents.filter((a) => a.installed && a.enrolled === null);
    if (unclear.length) {
      return {
        status: 'unknown',
        reason: joinReasons(unclear.map((a) => `${a.name} is installed but enrolment is unconfirmed: ${a.detail ?? 'no detail'}`)),
      };
    }
    const installed = facts.agents.filter((a) => a.installed);
    if (installed.length) {
      return { status: 'fail', reason: joinReasons(installed.map((a) => `${a.name} is installed but not enrolled`)) };
    }
    return { status: 'fail', reason: 'no device management agent is installed' };
  },
};
