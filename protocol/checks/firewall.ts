import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition, type Verdict } from './types.js';
import { Nullable, Str } from './nullable.js';

export const FirewallFacts = Type.Object({
  /**
   * Every firewall layer the agent looked at, active or not: Linux nftables/iptables/ufw/firewalld; one
   * entry per Windows profile (name "windows-firewall", profile Domain/Private/Public); the macOS
   * application firewall (name "socketfilterfw").
   */
  backends: Type.Array(
    Type.Object({
      name: Str(64),
      profile: Type.Optional(Str(32)),
      /** null: could not tell (not installed, needs root, timed out: see detail). */
      active: Nullable(Type.Boolean()),
      /** Default action for inbound traffic, when active. */
      inboundDefault: Nullable(Type.Union([Type.Literal('deny'), Type.Literal('allow')])),
      rules: Type.Optional(Nullable(Type.Integer({ minimum: 0 }))),
      /** Windows: the setting comes from Group Policy (cannot be changed locally). */
      policyEnforced: Type.Optional(Nullable(Type.Boolean())),
      /** macOS: stealth mode (no answer to probes) and block-all-incoming. */
      stealth: Type.Optional(Nullable(Type.Boolean())),
      blockAll: Type.Optional(Nullable(Type.Boolean())),
      detail: Type.Optional(Str(1024)),
    }),
    { maxItems: 16 },
  ),
});
export type FirewallFacts = Static<typeof FirewallFacts>;
type Backend = FirewallFacts['backends'][number];

export interface FirewallParams {
  requireInboundDeny: boolean;
  /** Windows profiles that must be on and block inbound by default. */
  windowsProfiles: string[];
  /** macOS: require stealth mode as well as the application firewall. */
  requireStealth: boolean;
}

function windows(profiles: Backend[], params: FirewallParams): Verdict {
  const fails: string[] = [];
  const unknowns: string[] = [];
  for (const want of params.windowsProfiles) {
    const p = profiles.find((b) => b.profile?.toLowerCase() === want.toLowerCase());
    if (!p) unknowns.push(`${want} profile was not reported`);
    else if (p.active === false) fails.push(`${want} profile is off`);
    else if (p.active === null) unknowns.push(`${want} profile: ${p.detail ?? 'state unknown'}`);
    else if (params.requireInboundDeny && p.inboundDefault === 'allow') fails.push(`${want} profile allows inbound by default`);
    else if (params.requireInboundDeny && p.inboundDefault === null) unknowns.push(`${want} profile: inbound default unknown`);
  }
  if (fails.length) return { status: 'fail', reason: joinReasons(fails) };
  if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
  return { status: 'pass' };
}

function macos(fw: Backend, params: FirewallParams): Verdict {
  if (fw.active === false) return { status: 'fail', reason: 'the application firewall is off' };
  if (fw.active === null) return { status: 'unknown', reason: fw.detail ?? 'application firewall state unknown' };
  if (params.requireStealth && fw.stealth === false) return { status: 'fail', reason: 'stealth mode is off' };
  if (params.requireStealth && fw.stealth == null) return { status: 'unknown', reason: 'stealth mode state unknown' };
  return { status: 'pass' };
}

function linux(backends: Backend[], params: FirewallParams): Verdict {
  const active = backends.filter((b) => b.active === true);
  if (active.some((b) => b.inboundDefault === 'deny')) return { status: 'pass' };
  if (active.length && !params.requireInboundDeny) return { status: 'pass' };
  const unclear = backends.filter((b) => b.active === null || (b.active && b.inboundDefault === null));
  if (unclear.length) {
    return { status: 'unknown', reason: joinReasons(unclear.map((b) => `${b.name}: ${b.detail ?? 'state could not be determined'}`)) };
  }
  if (!active.length) return { status: 'fail', reason: 'no host firewall is active' };
  return { status: 'fail', reason: joinReasons(active.map((b) => `${b.name} is active but allows inbound traffic by default`)) };
}

export const firewall: CheckDefinition<FirewallFacts, FirewallParams> = {
  id: 'firewall',
  title: 'Host firewall',
  factsSchema: FirewallFacts,
  defaultParams: { requireInboundDeny: true, windowsProfiles: ['Domain', 'Private', 'Public'], requireStealth: false },
  paramsSchema: Type.Object(
    {
      requireInboundDeny: Type.Boolean({ description: 'inbound traffic must be denied by default' }),
      windowsProfiles: Type.Array(Type.String({ pattern: '^([Dd]omain|[Pp]rivate|[Pp]ublic)$' }), {
        maxItems: 3,
        uniqueItems: true,
        description: 'Windows firewall profiles that must be on (Domain, Private, Public)',
      }),
      requireStealth: Type.Boolean({ description: 'macOS: stealth mode as well as the application firewall' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    return facts.backends.map((b) => {
      const state = b.active === null ? 'unknown' : b.active ? 'on' : 'off';
      const extras = [
        b.active ? `inbound default ${b.inboundDefault ?? 'unknown'}` : '',
        b.policyEnforced ? 'set by Group Policy' : '',
        b.stealth != null ? `stealth ${b.stealth ? 'on' : 'off'}` : '',
        b.blockAll ? 'blocks all incoming' : '',
      ].filter(Boolean);
      return `${b.name}${b.profile ? ` ${b.profile}` : ''}: ${state}${extras.length ? `, ${extras.join(', ')}` : ''}${b.detail ? ` (${b.detail})` : ''}`;
    });
  },
  evaluate(facts, params) {
    const profiles = facts.backends.filter((b) => b.profile);
    if (profiles.length) return windows(profiles, params);
    const app = facts.backends.find((b) => b.name === 'socketfilterfw');
    if (app) return macos(app, params);
    return linux(facts.backends, params);
  },
};
