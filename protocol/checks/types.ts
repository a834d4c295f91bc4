import type { TSchema } from '@sinclair/typebox';

export const CHECK_STATUSES = ['pass', 'fail', 'unknown', 'not_applicable', 'error'] as const;
export type CheckStatus = (typeof CHECK_STATUSES)[number];

export const PLATFORMS = ['linux', 'darwin', 'win32'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Where a fact came from: a command (argv) or an API, and how it ended. */
export interface Evidence {
  source: string;
  exitCode?: number | null;
  error?: string;
  durationMs?: number;
}

export interface Verdict {
  status: CheckStatus;
  reason?: string;
}

export interface EvaluationContext {
  /** Time the agent collected the facts (ISO 8601); evaluation never reads a clock. */
  collectedAt: string;
  role: string;
}

/**
 * A check as both sides see it: the facts it reports (schema), default thresholds, and a pure
 * evaluate(). Collection is per platform and lives in the agent.
 */
export interface CheckDefinition<F = unknown, P = unknown> {
  id: string;
  title: string;
  factsSchema: TSchema;
  defaultParams: P;
  /**
   * The thresholds an operator may set in the policy file, with a description per field (rendered as
   * comments in the default policy.yaml). defaultParams must validate against it.
   */
  paramsSchema: TSchema;
  evaluate(facts: F, params: P, ctx: EvaluationContext): Verdict;
  /** Short human lines describing the facts, for terminals and reports. */
  summarize(facts: F): string[];
}

/** One check's entry in an attestation. facts is null when the probe could not run at all. */
export interface CheckResult {
  id: string;
  status: CheckStatus;
  reason?: string;
  facts: unknown;
  evidence: Evidence[];
  durationMs?: number;
}

export function joinReasons(reasons: string[]): string | undefined {
  return reasons.length ? reasons.join('; ') : undefined;
}
