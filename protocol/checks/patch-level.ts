import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str } from './nullable.js';

export const PatchLevelFacts = Type.Object({
  os: Type.Object({
    id: Str(),
    name: Str(),
    version: Str(),
    prettyName: Type.Optional(Str()),
    idLike: Type.Optional(Type.Array(Str(), { maxItems: 16 })),
    /** Windows build with UBR (e.g. 22631.4460), macOS build (e.g. 23H124). */
    build: Type.Optional(Str(64)),
  }),
  /** apt, dnf, yum, zypper, windows-update, softwareupdate; null when none is known. */
  packageManager: Nullable(Str(32)),
  /** null: the update source could not be queried (reasons says why). */
  pendingUpdates: Nullable(Type.Integer({ minimum: 0 })),
  pendingSecurityUpdates: Nullable(Type.Integer({ minimum: 0 })),
  /** A sample of pending updates (capped), security ones first. */
  packages: Type.Array(
    Type.Object({ name: Str(), version: Type.Optional(Str()), source: Type.Optional(Str()), security: Type.Boolean() }),
    { maxItems: 200 },
  ),
  /** Last successful update installation (ISO 8601), null when no record exists. */
  lastUpgradeAt: Nullable(Str(64)),
  /** Age in days of the package index the counts come from; stale indexes under-report. */
  indexAgeDays: Type.Optional(Nullable(Type.Number({ minimum: 0 }))),
  rebootRequired: Nullable(Type.Boolean()),
  /** Automatic installation of updates is configured (Windows Update policy, macOS preferences, unattended-upgrades). */
  autoUpdate: Type.Optional(Nullable(Type.Boolean())),
  autoUpdateDetail: Type.Optional(Str(512)),
  /** Installed hotfixes (Windows): how many, and the newest. */
  hotfixes: Type.Optional(
    Type.Object({ count: Type.Integer({ minimum: 0 }), latestId: Type.Optional(Str(64)), latestInstalledAt: Type.Optional(Nullable(Str(64))) }),
  ),
  reasons: Type.Optional(Type.Array(Str(1024), { maxItems: 16 })),
});
export type PatchLevelFacts = Static<typeof PatchLevelFacts>;

export interface PatchLevelParams {
  maxPendingSecurity: number;
  maxDaysSinceUpgrade: number;
  failOnRebootRequired: boolean;
  /** Older package indexes cannot prove there is nothing pending. */
  maxIndexAgeDays: number;
  requireAutoUpdate: boolean;
}

const DAY_MS = 86_400_000;

export const patchLevel: CheckDefinition<PatchLevelFacts, PatchLevelParams> = {
  id: 'patch_level',
  title: 'Patch level',
  factsSchema: PatchLevelFacts,
  defaultParams: { maxPendingSecurity: 0, maxDaysSinceUpgrade: 30, failOnRebootRequired: true, maxIndexAgeDays: 7, requireAutoUpdate: false },
  paramsSchema: Type.Object(
    {
      maxPendingSecurity: Type.Integer({ minimum: 0, maximum: 10_000, description: 'security updates allowed to be pending' }),
      maxDaysSinceUpgrade: Type.Integer({ minimum: 0, maximum: 3650, description: 'most days since updates were last installed' }),
      failOnRebootRequired: Type.Boolean({ description: 'a pending reboot to finish updates fails the check' }),
      maxIndexAgeDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'oldest package index that can prove nothing is pending, in days' }),
      requireAutoUpdate: Type.Boolean({ description: 'automatic installation of updates must be configured' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    const n = (v: number | null) => (v === null ? 'unknown' : String(v));
    const lines = [
      `${facts.os.prettyName ?? `${facts.os.name} ${facts.os.version}`}${facts.os.build ? ` build ${facts.os.build}` : ''} (${facts.packageManager ?? 'no known update source'})`,
      `pending updates ${n(facts.pendingUpdates)}, of which security ${n(facts.pendingSecurityUpdates)}`,
      `last update installed ${facts.lastUpgradeAt ?? 'unknown'}; reboot required ${facts.rebootRequired === null ? 'unknown' : facts.rebootRequired ? 'yes' : 'no'}`,
    ];
    if (facts.autoUpdate !== undefined) lines.push(`automatic updates ${facts.autoUpdate === null ? 'unknown' : facts.autoUpdate ? 'on' : 'off'}${facts.autoUpdateDetail ? ` (${facts.autoUpdateDetail})` : ''}`);
    if (facts.hotfixes) lines.push(`${facts.hotfixes.count} hotfix(es) installed${facts.hotfixes.latestId ? `, newest ${facts.hotfixes.latestId}` : ''}`);
    return lines;
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
      unknowns.push('no record of a completed update installation');
    } else {
      const days = (Date.parse(ctx.collectedAt) - Date.parse(facts.lastUpgradeAt)) / DAY_MS;
      if (!Number.isFinite(days)) unknowns.push('last update time is unreadable');
      else if (days > params.maxDaysSinceUpgrade) fails.push(`last update installed ${Math.floor(days)} days ago (allowed ${params.maxDaysSinceUpgrade})`);
    }
    if (facts.rebootRequired === true && params.failOnRebootRequired) fails.push('a reboot is required to finish installing updates');
    if (params.requireAutoUpdate) {
      if (facts.autoUpdate === false) fails.push('automatic updates are off');
      else if (facts.autoUpdate == null) unknowns.push('automatic-update setting could not be determined');
    }
    if (facts.pendingSecurityUpdates === 0 && facts.indexAgeDays != null && facts.indexAgeDays > params.maxIndexAgeDays) {
      unknowns.push(`update index is ${Math.floor(facts.indexAgeDays)} days old, so "nothing pending" is unproven`);
    }
    if (fails.length) return { status: 'fail', reason: joinReasons([...fails, ...unknowns]) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'pass' };
  },
};
