// One check cycle: collect every check (bounded concurrency, per-check timeout), evaluate locally with the
// shared evaluate() so a person at the machine sees the verdict, then build, sign and spool the
// attestation. Sending is the transport's job.
import { checkDefinition, evaluateResult, type CheckResult } from '../protocol/checks/index.js';
import { signEnvelope } from '../protocol/dsse.js';
import { canonicalBytes } from '../protocol/jcs.js';
import type { DeviceFacts } from '../protocol/messages.js';
import { checkPolicy, type Policy } from '../protocol/policy.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../protocol/statement.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import type { CollectDeps, PlatformCheck } from './checks/types.js';
import type { DeviceKey } from './keystore.js';
import type { Spool } from './spool.js';

export const CHECK_TIMEOUT_MS = 60_000;
/** Checks run concurrently but bounded: a clinical workstation must not feel the agent. */
export const MAX_CONCURRENT_CHECKS = 4;

async function withTimeout<T>(p: Promise<T>, ms: number, onTimeout: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(onTimeout()), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

const MAX_EVIDENCE = 64;
const clip = (s: string, max: number): string => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

/**
 * Keeps evidence within what the collector accepts (64 entries, source 512 and error 1,024 characters),
 * so one verbose probe can never make an attestation undeliverable; what is cut is said in the last entry.
 */
export function boundEvidence(evidence: CheckResult['evidence']): CheckResult['evidence'] {
  const kept = evidence.length > MAX_EVIDENCE ? evidence.slice(0, MAX_EVIDENCE - 1) : evidence;
  const out = kept.map((e) => {
    const b = { ...e, source: clip(e.source, 512) };
    if (e.error !== undefined) b.error = clip(e.error, 1024);
    return b;
  });
  if (evidence.length > MAX_EVIDENCE) out.push({ source: 'evidence truncated', error: `${evidence.length - kept.length} more probe records omitted` });
  return out;
}

export async function runChecks(
  checks: PlatformCheck[],
  deps: CollectDeps,
  policy: Policy,
  role: string,
  timeoutMs = CHECK_TIMEOUT_MS,
  concurrency = MAX_CONCURRENT_CHECKS,
): Promise<CheckResult[]> {
  const collectedAt = new Date(deps.now()).toISOString();
  const results: CheckResult[] = new Array(checks.length);
  let next = 0;
  async function worker(): Promise<void> {
    while (next < checks.length) {
      const i = next++;
      const check = checks[i]!;
      const started = deps.now();
      const limit = check.timeoutMs ?? timeoutMs;
      const collected = await withTimeout(
        check.collect(deps).catch((err: Error) => ({ facts: null, reason: `probe failed: ${err.message}`, evidence: [] })),
        limit,
        () => ({ facts: null, reason: `probe timed out after ${limit} ms`, evidence: [] }),
      );
      const cp = checkPolicy(policy, role, check.id);
      const base = { id: check.id, status: 'unknown' as const, reason: collected.reason, facts: collected.facts };
      const verdict =
        cp && !cp.enabled
          ? { status: 'not_applicable' as const, reason: `disabled by policy for role ${role}` }
          : evaluateResult(base, cp?.params ?? checkDefinition(check.id)?.defaultParams, { collectedAt, role });
      const r: CheckResult = { id: check.id, status: verdict.status, facts: collected.facts, evidence: boundEvidence(collected.evidence), durationMs: Math.max(0, deps.now() - started) };
      if (verdict.reason) r.reason = clip(verdict.reason, 4096);
      results[i] = r;
    }
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, checks.length) }, worker));
  return results;
}

export interface AttestInput {
  key: DeviceKey;
  spool: Spool;
  device: DeviceFacts;
  role: string;
  results: CheckResult[];
  collectedAt: string;
  agent?: Predicate['agent'];
}

/** Builds the next statement in the chain, signs it and writes it to the spool. Returns its sequence. */
export async function attest(input: AttestInput): Promise<{ seq: number; envelope: string }> {
  const head = input.spool.chainHead();
  const seq = head.lastSeq + 1;
  const predicate: Predicate = {
    sequence: seq,
    previous: head.lastSeq === 0 ? input.key.digest : head.lastHash!,
    collectedAt: input.collectedAt,
    agent: input.agent ?? { version: VIGIL_VERSION },
    device: { ...input.device, role: input.role },
    checks: input.results.map((r) => {
      const entry: Predicate['checks'][number] = { id: r.id, status: r.status, facts: r.facts ?? null, evidence: r.evidence };
      if (r.reason) entry.reason = r.reason;
      if (r.durationMs !== undefined) entry.durationMs = r.durationMs;
      return entry;
    }),
  };
  const statement = buildStatement(input.key.digest, `device:${input.device.serial ? `serial:${input.device.serial}` : `hostname:${input.device.hostname}`}`, predicate);
  const envelope = JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(statement), input.key.privateKey, input.key.keyid));
  await input.spool.append(seq, envelope);
  return { seq, envelope };
}
