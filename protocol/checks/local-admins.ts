import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Str, Detail } from './nullable.js';

export const LocalAdminsFacts = Type.Object({
  /** Administrative groups and their direct members (Administrators; admin; sudo, wheel). */
  groups: Type.Array(Type.Object({ name: Str(128), members: Type.Array(Str(256), { maxItems: 512 }) }), { maxItems: 16 }),
  /** Accounts with uid 0 (Unix): anything but root is a hidden superuser. */
  uid0Accounts: Type.Array(Str(128), { maxItems: 64 }),
  /** Distinct accounts (or nested groups) with administrative rights, from the groups above. */
  admins: Type.Array(Str(256), { maxItems: 1024 }),
  detail: Detail(),
});
export type LocalAdminsFacts = Static<typeof LocalAdminsFacts>;

export interface LocalAdminsParams {
  maxAdmins: number;
  /** If not empty, every admin must be in this list (case-insensitive; DOMAIN\\name or name). */
  allowed: string[];
}

export const localAdmins: CheckDefinition<LocalAdminsFacts, LocalAdminsParams> = {
  id: 'local_admins',
  title: 'Local administrators',
  factsSchema: LocalAdminsFacts,
  defaultParams: { maxAdmins: 3, allowed: [] },
  paramsSchema: Type.Object(
    {
      maxAdmins: Type.Integer({ minimum: 0, maximum: 1000, description: 'most administrator accounts allowed' }),
      allowed: Type.Array(Type.String({ minLength: 1, maxLength: 256 }), {
        maxItems: 256,
        description: 'if not empty, every administrator must be in this list (case-insensitive)',
      }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    const lines = facts.groups.map((g) => `${g.name}: ${g.members.length ? g.members.join(', ') : '(empty)'}`);
    if (facts.uid0Accounts.length) lines.push(`uid 0: ${facts.uid0Accounts.join(', ')}`);
    return lines.length ? lines : ['no administrative group found'];
  },
  evaluate(facts, params) {
    const fails: string[] = [];
    const hidden = facts.uid0Accounts.filter((a) => a !== 'root');
    if (hidden.length) fails.push(`accounts other than root have uid 0: ${hidden.join(', ')}`);
    if (params.allowed.length) {
      const allowed = new Set(params.allowed.map((a) => a.toLowerCase()));
      const extra = facts.admins.filter((a) => !allowed.has(a.toLowerCase()) && !allowed.has(a.split('\\').pop()!.toLowerCase()));
      if (extra.length) fails.push(`administrators not on the allowed list: ${extra.join(', ')}`);
    }
    if (facts.admins.length > params.maxAdmins) fails.push(`${facts.admins.length} administrators (allowed ${params.maxAdmins})`);
    return fails.length ? { status: 'fail', reason: joinReasons(fails) } : { status: 'pass' };
  },
};
