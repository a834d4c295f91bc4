import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const Str = (max = 256) => Type.String({ maxLength: max });

export const PatchLevelFacts = Type.Object({
  os: Type.Object({
    id: Str(),
    name: Str(),
    version: Str(),
    prettyName: Type.Optional(Str()),
    idLike: Type.Optional(Type.Array(Str(), { maxItems: 16 })),
  }),
  packageManager: Nullable(Str(32)),
  /** null: the package manager could not be queried. */
  pendingUpdates: Nullable(Type.Integer({ minimum: 0 })),
  pendingSecurityUpdates: Nullable(Type.Integer({ minimum: 0 })),
  /** A sample of pending packages (capped), security ones first. */
  packages: Type.Array(
    Type.Object({ name: Str(), version: Type.Optional(Str()), source: Type.Optional(Str()), security: Type.Boolean() }),
    { maxItems: 200 },
  ),
  /** Last successful package upgrade (ISO 8601), null when no record exists. */
  lastUpgradeAt: Nullable(Str(64)),
  /** Age in days of the package index the counts come from; stale indexes under-report. */
  indexAgeDays: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  rebootRequired: Nullable(Type.Boolean()),
  reasons: Type.Optional(Type.Array(Str(1024), { maxItems: 16 })),
});
export type PatchLevelFacts = Static<typeof PatchLevelFacts>;

export interface PatchLevelParams {
  maxPendingSecurity: number;
  maxDaysSinceUpgrade: number;
  failOnRebootRequired: boolean;
  /** Older package indexes cannot prove there is nothing pending. */
  maxIndexAgeDays: number;
}

const DAY_MS = 86_400_000;

export const patchLevel: CheckDefinition<PatchLevelFacts, PatchLevelParams> = {
  id: 'patch_level',
  title: 'Patch level',
  factsSchema: PatchLevelFacts,
  defaultParams: { maxPendingSecurity: 0, maxDaysSinceUpgrade: 30, failOnRebootRequired: true, maxIndexAgeDays: 7 },
  summarize(facts) {
    const n = (v: number | null) => (v === null ? 'unknown' : String(v));
    return [
      `${facts.os.prettyName ?? `${facts.os.name} ${facts.os.version}`} (${facts.packageManager ?? 'no known package manager'})`,
      `pending updates ${n(facts.pendingUpdates)}, of which security ${n(facts.pendingSecurityUpdates)}`,
      `last upgrade ${facts.lastUpgradeAt ?? 'unknown'}; reboot required ${facts.rebootRequired === null ? 'unknown' : facts.rebootRequired ? 'yes' : 'no'}`,
    ];
  },
  evaluate(facts, params, ctx) {
    const fails: string[] = [];
    const unknowns: string[] = [];
    if (facts.pendingSecurityUpdates === null) {
      unknowns.push(facts.reasons?.join('; ') || 'pending security updates could not be determined');
    } else if (facts.pendingSecurityUpdates > params.maxPendingSecurity) {
      fails.push(`${facts.pendingSecurityUpdates} security update(s) pending (allowed ${params.maxPendingSecurity})`);
    }
    if (facts.lastUpgradeAt === null) {
      unknowns.push('no record of a completed upgrade');
    } else {
      const days = (Date.parse(ctx.collectedAt) - Date.parse(facts.lastUpgradeAt)) / DAY_MS;
      if (!Number.isFinite(days)) unknowns.push('last upgrade time is unreadable');
      else if (days > params.maxDaysSinceUpgrade) {
        fails.push(`last upgrade ${Math.floor(days)} days ago (allowed ${params.maxDaysSinceUpgrade})`);
      }
    }
    if (facts.rebootRequired === true && params.failOnRebootRequired) fails.push('a reboot is required to finish installing updates');
    if (
      facts.pendingSecurityUpdates === 0 &&
      facts.indexAgeDays !== undefined &&
      facts.indexAgeDays !== null &&
      facts.indexAgeDays > params.maxIndexAgeDays
    ) {
      unknowns.push(`package index is ${Math.floor(facts.indexAgeDays)} days old, so "nothing pending" is unproven`);
    }
    if (fails.length) return { status: 'fail', reason: joinReasons([...fails, ...unknowns]) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'pass' };
  },
};
