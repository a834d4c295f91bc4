import { Type, type Static } from '@sinclair/typebox';
import { joinReasons, type CheckDefinition } from './types.js';
import { Nullable, Str, Detail } from './nullable.js';

export const TimeSyncFacts = Type.Object({
  /** systemd-timesyncd, chronyd, ntpd, w32time, timed (macOS)… */
  service: Nullable(Str(64)),
  serviceActive: Nullable(Type.Boolean()),
  /** The clock is synchronised to a time source now. */
  synchronized: Nullable(Type.Boolean()),
  /** Configured or current time source(s). */
  sources: Type.Array(Str(256), { maxItems: 16 }),
  /** Last measured offset from the source, milliseconds (absolute). */
  offsetMs: Nullable(Type.Number({ minimum: 0 })),
  detail: Detail(),
});
export type TimeSyncFacts = Static<typeof TimeSyncFacts>;

export interface TimeSyncParams {
  maxOffsetMs: number;
}

export const timeSync: CheckDefinition<TimeSyncFacts, TimeSyncParams> = {
  id: 'time_sync',
  title: 'Time synchronisation',
  factsSchema: TimeSyncFacts,
  defaultParams: { maxOffsetMs: 1000 },
  paramsSchema: Type.Object(
    { maxOffsetMs: Type.Integer({ minimum: 0, maximum: 86_400_000, description: 'largest clock offset from the time source, in milliseconds' }) },
    { additionalProperties: false },
  ),
  summarize(facts) {
    return [
      `${facts.service ?? 'no time service'}: ${facts.serviceActive === null ? 'state unknown' : facts.serviceActive ? 'running' : 'not running'}; synchronised ${facts.synchronized === null ? 'unknown' : facts.synchronized ? 'yes' : 'no'}`,
      `sources ${facts.sources.length ? facts.sources.join(', ') : 'none'}${facts.offsetMs != null ? `; offset ${facts.offsetMs} ms` : ''}`,
    ];
  },
  evaluate(facts, params) {
    const fails: string[] = [];
    const unknowns: string[] = [];
    if (facts.serviceActive === false) fails.push(`${facts.service ?? 'time service'} is not running`);
    if (facts.synchronized === false) fails.push('the clock is not synchronised to a time source');
    if (facts.offsetMs != null && facts.offsetMs > params.maxOffsetMs) fails.push(`clock offset ${facts.offsetMs} ms (allowed ${params.maxOffsetMs} ms)`);
    if (facts.synchronized === null) unknowns.push(facts.detail ?? 'synchronisation state unknown');
    if (fails.length) return { status: 'fail', reason: joinReasons(fails) };
    if (unknowns.length) return { status: 'unknown', reason: joinReasons(unknowns) };
    return { status: 'pass' };
  },
};
