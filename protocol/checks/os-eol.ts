import { Type, type Static } from '@sinclair/typebox';
import type { CheckDefinition } from './types.js';
import { Str } from './nullable.js';
import { OS_LIFECYCLE } from '../catalogue/os-lifecycle.js';
import type { LifecycleCatalogue, LifecycleEntry } from '../catalogue/types.js';

export const OsEolFacts = Type.Object({
  /** windows, windows-server, macos, ubuntu, debian, rhel, rocky, almalinux, centos, sles, opensuse-leap, amzn… */
  family: Str(64),
  name: Str(128),
  /** "22.04", "12", "9.4", "14.6.1", "10.0.22631". */
  version: Str(64),
  /** Windows major build (22631), macOS build (23G93). */
  build: Type.Optional(Str(64)),
  /** Windows edition / caption ("Enterprise LTSC 2021", "Pro"), SUSE service pack… */
  edition: Type.Optional(Str(128)),
});
export type OsEolFacts = Static<typeof OsEolFacts>;

export interface OsEolParams {
  /** Count paid extended support (ESU, ESM, LTSS, ELS) as supported. */
  allowExtendedSupport: boolean;
  /** Within this many days of the end of support the check passes with a warning reason. */
  warnDays: number;
}

const DAY_MS = 86_400_000;

function versionMatches(version: string, prefixes: string[]): boolean {
  return prefixes.some((p) => version === p || version.startsWith(`${p}.`));
}

export function lifecycleFor(facts: OsEolFacts, catalogue: LifecycleCatalogue = OS_LIFECYCLE): LifecycleEntry | undefined {
  const build = Number.parseInt(facts.build ?? '', 10);
  const edition = (facts.edition ?? '').toLowerCase();
  return catalogue.entries.find((e) => {
    if (e.family !== facts.family) return false;
    const m = e.match;
    if (m.versions && !versionMatches(facts.version, m.versions)) return false;
    if (m.builds && !m.builds.includes(build)) return false;
    if (m.editionIncludes && !m.editionIncludes.some((x) => edition.includes(x.toLowerCase()))) return false;
    if (m.editionExcludes && m.editionExcludes.some((x) => edition.includes(x.toLowerCase()))) return false;
    return true;
  });
}

export const osEol: CheckDefinition<OsEolFacts, OsEolParams> = {
  id: 'os_eol',
  title: 'OS end of life',
  factsSchema: OsEolFacts,
  defaultParams: { allowExtendedSupport: false, warnDays: 90 },
  paramsSchema: Type.Object(
    {
      allowExtendedSupport: Type.Boolean({ description: 'count paid extended support (ESU, ESM, LTSS, ELS) as supported' }),
      warnDays: Type.Integer({ minimum: 0, maximum: 3650, description: 'pass with a warning this many days before support ends' }),
    },
    { additionalProperties: false },
  ),
  summarize(facts) {
    const e = lifecycleFor(facts);
    const os = `${facts.name} ${facts.version}${facts.edition ? ` ${facts.edition}` : ''}${facts.build ? ` (build ${facts.build})` : ''}`;
    if (!e) return [`${os}: not in the lifecycle catalogue (${OS_LIFECYCLE.compiled})`];
    return [`${os}: ${e.cycle}, support ${e.eol ? `until ${e.eol}` : 'rolling'}${e.extendedEol ? `, ${e.extendedName ?? 'extended'} until ${e.extendedEol}` : ''}`];
  },
  evaluate(facts, params, ctx) {
    const e = lifecycleFor(facts);
    if (!e) return { status: 'unknown', reason: `${facts.name} ${facts.version}${facts.edition ? ` ${facts.edition}` : ''} is not in the lifecycle catalogue compiled ${OS_LIFECYCLE.compiled}` };
    if (e.eol === null) return { status: 'pass', reason: `${e.cycle} is a rolling release` };
    const end = params.allowExtendedSupport && e.extendedEol ? e.extendedEol : e.eol;
    const label = params.allowExtendedSupport && e.extendedEol ? `${e.extendedName ?? 'extended'} support` : 'support';
    const days = Math.floor((Date.parse(end) - Date.parse(ctx.collectedAt)) / DAY_MS);
    if (!Number.isFinite(days)) return { status: 'unknown', reason: 'collection time or end-of-support date is unreadable' };
    if (days < 0) {
      const extra = !params.allowExtendedSupport && e.extendedEol && Date.parse(e.extendedEol) > Date.parse(ctx.collectedAt) ? ` (${e.extendedName ?? 'extended'} support until ${e.extendedEol} if purchased)` : '';
      return { status: 'fail', reason: `${e.cycle}: ${label} ended ${end}, ${-days} days ago${extra}` };
    }
    if (days <= params.warnDays) return { status: 'pass', reason: `${e.cycle}: ${label} ends ${end}, in ${days} days` };
    return { status: 'pass' };
  },
};
