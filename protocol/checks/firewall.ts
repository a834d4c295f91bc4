import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const FirewallFacts = Type.Object({
  /** Every firewall layer the agent looked at, active or not. */
  backends: Type.Array(
    Type.Object({
      name: Type.String({ maxLength: 64 }),
      /** null: could not tell (not installed, needs root, timed out: see detail). */
      active: Nullable(Type.Boolean()),
      /** Default action for inbound traffic, when active. */
      inboundDefault: Nullable(Type.Union([Type.Literal('deny'), Type.Literal('allow')])),
      rules: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
      detail: Type.Optional(Type.String({ maxLength: 1024 })),
    }),
    { maxItems: 16 },
  ),
});
export type FirewallFacts = Static<typeof FirewallFacts>;

export interface FirewallParams {
  requireInboundDeny: boolean;
}

export const firewall: CheckDefinition<FirewallFacts, FirewallParams> = {
  id: 'firewall',
  title: 'Host firewall',
  factsSchema: FirewallFacts,
  defaultParams: { requireInboundDeny: true },
  summarize(facts) {
    return facts.backends.map((b) => {
      const state = b.active === null ? 'unknown' : b.active ? 'active' : 'inactive';
      const inbound = b.active ? `, inbound default ${b.inboundDefault ?? 'unknown'}` : '';
      return `${b.name}: ${state}${inbound}${b.detail ? ` (${b.detail})` : ''}`;
    });
  },
  evaluate(facts, params) {
    const active = facts.backends.filter((b) => b.active === true);
    const denying = active.filter((b) => b.inboundDefault === 'deny');
    if (denying.length) return { status: 'pass', reason: undefined };
    const unclear = facts.backends.filter((b) => b.active === null || (b.active && b.inboundDefault === null));
    if (active.length && !params.requireInboundDeny) return { status: 'pass' };
    if (unclear.length) {
      return {
        status: 'unknown',
        reason: joinReasons(unclear.map((b) => `${b.name}: ${b.detail ?? 'state could not be determined'}`)),
      };
    }
    if (!active.length) return { status: 'fail', reason: 'no host firewall is active' };
    return {
      status: 'fail',
      reason: joinReasons(active.map((b) => `${b.name} is active but allows inbound traffic by default`)),
    };
  },
};
