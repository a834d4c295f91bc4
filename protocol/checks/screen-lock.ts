import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const ScreenLockFacts = Type.Object({
  /** No local graphical sessions possible (server, gateway without a desktop): screen lock does not apply. */
  headless: Type.Boolean(),
  /** Settings found: a machine-wide policy and/or each logged-in user's own settings. */
  settings: Type.Array(
    Type.Object({
      scope: Type.Union([Type.Literal('machine'), Type.Literal('user')]),
      user: Type.Optional(Str(128)),
      /** Locks (or starts a password-protected screensaver) after idle. */
      enabled: Nullable(Type.Boolean()),
      idleSeconds: Nullable(Type.Integer({ minimum: 0 })),
      /** A password is needed to unlock. */
      requirePassword: Nullable(Type.Boolean()),
      /** The setting is enforced by policy (GPO, configuration profile, dconf lock). */
      enforced: Type.Optional(Nullable(Type.Boolean())),
      source: Str(256),
      detail: Detail(),
    }),
    { maxItems: 64 },
  ),
});
export type ScreenLockFacts = Static<typeof ScreenLockFacts>;
type Setting = ScreenLockFacts['settings'][number];

export interface ScreenLockParams {
  maxIdleSeconds: number;
}

function judge(s: Setting, max: number): { fail?: string; unknown?: string } {
  const who = s.scope === 'machine' ? 'machine policy' : `user ${s.user ?? '?'}`;
  if (s.enabled === false) return { fail: `${who}: screen lock is off` };
  if (s.requirePassword === false) return { fail: `${who}: unlocking needs no password` };
  if (s.idleSeconds != null && s.idleSeconds > max) return { fail: `${who}: locks after ${s.idleSeconds} s (allowed ${max} s)` };
  if (s.enabled === null || s.idleSeconds === null || s.requirePassword === null) return { unknown: `${who}: ${s.detail ?? 'setting incomplete'}` };
  return {};
}

export const screenLock: CheckDefinition<ScreenLockFacts, ScreenLockParams> = {
  id: 'screen_lock',
  title: 'Screen lock',
  factsSchema: ScreenLockFacts,
  defaultParams: { maxIdleSeconds: 900 },
  paramsSchema: Type.Object(
    { maxIdleSeconds: Type.Integer({ minimum: 1, maximum: 86_400, description: 'longest idle time before the screen locks, in seconds' }) },
    { additionalProperties: false },
  ),
  summarize(facts) {
    if (facts.headless) return ['no graphical sessions on this machine'];
    if (!facts.settings.length) return ['no screen-lock setting found'];
    return facts.settings.map(
      (s) =>
        `${s.scope === 'machine' ? 'machine policy' : `user ${s.user ?? '?'}`}: ${s.enabled === null ? 'unknown' : s.enabled ? 'on' : 'off'}` +
        `${s.idleSeconds != null ? `, after ${s.idleSeconds} s` : ''}${s.requirePassword != null ? `, password ${s.requirePassword ? 'required' : 'not required'}` : ''}` +
        `${s.enforced ? ', enforced' : ''} [${s.source}]`,
    );
  },
  evaluate(facts, params) {
    if (facts.headless) return { status: 'not_applicable', reason: 'no graphical sessions on this machine' };
    // An enforced machine policy that meets the bar covers every user; otherwise every user must.
    const machine = facts.settings.filter((s) => s.scope === 'machine');
    if (machine.some((s) => s.enforced !== false && !judge(s, params.maxIdleSeconds).fail && !judge(s, params.maxIdleSeconds).unknown)) {
      return { status: 'pass' };
    }
    const users = facts.settings.filter((s) => s.scope === 'user');
    if (!users.length) {
      const m = machine.map((s) => judge(s, params.maxIdleSeconds));
      const fails = m.map((j) => j.fail).filter((x): x is string => Boolean(x));
      if (fails.length) return { status: 'fail', reason: joinReasons(fails) };
      return { status: 'unknown', reason: 'no enforced machine policy and no logged-in user to inspect' };
    }
    const judged = users.map((s) => judge(s, params.maxIdleSeconds));
    const fails = judged.map((j) => j.fail).filter((x): x is string => Boolean(x));
    const unknowns = judged.map((j) => j.unknown).filter((x): x is string => Boolean(x));
    if (fails.length) return { status: 'fail', reason: joinReasons(fails) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'pass' };
  },
};
