// The agent daemon: a check cycle every interval (with jitter), a session to the collector kept open with
// exponential backoff and jitter between attempts, and everything un-acked resent in order on reconnect.
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { VigilError } from '../protocol/errors.js';
import type { DeviceFacts } from '../protocol/messages.js';
import { attest, runChecks } from './cycle.js';
import type { CollectDeps, PlatformCheck } from './checks/types.js';
import type { DeviceKey } from './keystore.js';
import { Session } from './transport.js';
import type { Spool } from './spool.js';
import type { Enrolment } from './state.js';
import type { Predicate } from '../protocol/statement.js';
import { DriftWatch } from './drift.js';
import { releaseMemory } from './memory.js';

export interface AgentContext {
  enrolment: Enrolment;
  key: DeviceKey;
  spool: Spool;
  checks: PlatformCheck[];
  deps: CollectDeps;
  deviceFacts(): Promise<DeviceFacts>;
  log(line: string): void;
  /** Per-check timeout and checks at once (agent configuration); cycle.ts defaults otherwise. */
  limits?: { checkTimeoutMs: number; checkConcurrency: number };
  /** Self-report in every attestation: version, binary and configuration SHA-256. */
  agent?: Predicate['agent'];
  /** Keepalive period and backoff ceiling (agent configuration); transport.ts and daemon.ts defaults otherwise. */
  connection?: { keepaliveMs: number; maxBackoffMs: number };
  /** Connection state changes, for `vigil-agent status`. */
  onConnection?(state: 'connecting' | 'connected' | 'disconnected' | 'stopped', detail?: string): void;
}

export const BACKOFF_BASE_MS = 1000;
export const BACKOFF_MAX_MS = 5 * 60_000;

/**
 * Ceiling while the collector's address answers but nothing listens on its port (connection refused): the
 * collector is restarting. Refusals cost the collector's host a reset each, no TLS, so agents keep trying
 * every few seconds and a restarted collector has its fleet back within seconds, spread by the jitter, not
 * after the minutes the ceiling grows to for unreachable networks and overloaded or failing collectors.
 */
export const REFUSED_BACKOFF_MAX_MS = 10_000;

/** The ceiling for the next delay after a failure (maxMs: the agent's configured ceiling). */
export function backoffCeiling(refused: boolean, maxMs = BACKOFF_MAX_MS): number {
  return refused ? Math.min(maxMs, REFUSED_BACKOFF_MAX_MS) : maxMs;
}

/** A connection the collector's host refused (transport.ts keeps the system error code in details). */
export function isRefused(err: unknown): boolean {
  return err instanceof VigilError && err.code === 'E_CONNECT' && err.details.includes('ECONNREFUSED');
}

/**
 * Reconnect delays. Refused connections and other failures back off separately: an agent that waited out a
 * collector restart on the short refused ceiling, and then has its first connection to the restarted
 * collector reset or timed out (everyone else's hello arrives at the same moment), backs off from the base
 * again, not from the minutes its refusals would have grown the delay to. A session that reaches welcome
 * starts both over.
 */
export class Backoff {
  private refused = 0;
  private failed = 0;

  constructor(private readonly random: () => number = Math.random) {}

  /** The delay before the next attempt after a failure (maxMs: the agent's configured ceiling). */
  next(refused: boolean, maxMs = BACKOFF_MAX_MS): number {
    const attempt = refused ? this.refused++ : this.failed++;
    return backoffDelay(attempt, this.random, BACKOFF_BASE_MS, backoffCeiling(refused, maxMs));
  }

  reset(): void {
    this.refused = 0;
    this.failed = 0;
  }
}

/** Full-jitter exponential backoff: uniform in [base/4, min(max, base·2^attempt)]. */
export function backoffDelay(attempt: number, random: () => number = Math.random, base = BACKOFF_BASE_MS, max = BACKOFF_MAX_MS): number {
  const ceiling = Math.min(max, base * 2 ** Math.min(attempt, 30));
  return Math.round(base / 4 + random() * Math.max(0, ceiling - base / 4));
}

/** Interval ±10 %, so a fleet rebooted together does not report in lockstep. */
export function jittered(intervalMs: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (0.9 + random() * 0.2));
}

export async function runCycle(ctx: AgentContext): Promise<{ seq: number; statuses: Record<string, string> }> {
  const started = ctx.deps.now();
  const [device, results] = await Promise.all([ctx.deviceFacts(), runChecks(ctx.checks, ctx.deps, DEFAULT_POLICY, ctx.enrolment.role, ctx.limits?.checkTimeoutMs, ctx.limits?.checkConcurrency)]);
  const { seq } = await attest({ key: ctx.key, spool: ctx.spool, device, role: ctx.enrolment.role, results, collectedAt: new Date(started).toISOString(), agent: ctx.agent });
  const statuses = Object.fromEntries(results.map((r) => [r.id, r.status]));
  ctx.log(`cycle ${seq} done in ${ctx.deps.now() - started} ms: ${results.map((r) => `${r.id}=${r.status}`).join(' ')}`);
  return { seq, statuses };
}

/** Resolves after ms or on abort; the abort listener goes with the timer (one per backoff wait otherwise piles up). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Run one cycle, then deliver everything spooled; resolves when all is acked, throws E_NOT_ACKED at the deadline. */
export async function runOnce(ctx: AgentContext, timeoutMs: number): Promise<{ seq: number }> {
  const { seq } = await runCycle(ctx);
  const deadline = ctx.deps.now() + timeoutMs;
  let attempt = 0;
  const backoff = new Backoff();
  let lastError: VigilError | null = null;
  while (ctx.deps.now() < deadline) {
    try {
      const session = await Session.open(ctx.enrolment, ctx.key, ctx.spool, undefined, { keepaliveMs: ctx.connection?.keepaliveMs });
      let timer: NodeJS.Timeout | undefined;
      const drained = await new Promise<boolean>((resolve) => {
        const check = async () => {
          if ((await ctx.spool.pendingSeqs()).length === 0) resolve(true);
        };
        session.on('acked', () => void check());
        session.on('closed', (err) => {
          lastError = err;
          resolve(false);
        });
        timer = setTimeout(() => resolve(false), Math.max(0, deadline - ctx.deps.now()));
        void check();
      });
      clearTimeout(timer);
      session.close();
      if (drained) return { seq };
    } catch (err) {
      lastError = err instanceof VigilError ? err : new VigilError('E_CONNECT', (err as Error).message);
      if (lastError.code === 'E_CA_PIN_MISMATCH') break;
    }
    ctx.log(`delivery attempt ${attempt + 1} failed: ${lastError?.code ?? 'closed'} ${lastError?.message ?? ''}`);
    attempt++;
    await sleep(Math.min(backoff.next(isRefused(lastError), ctx.connection?.maxBackoffMs), Math.max(0, deadline - ctx.deps.now())));
  }
  const pending = (await ctx.spool.pendingSeqs()).length;
  throw new VigilError(
    'E_NOT_ACKED',
    `${pending} attestation(s) not acknowledged within ${Math.round(timeoutMs / 1000)} s${lastError ? `: ${lastError.code} ${lastError.message}` : ''}`,
  );
}

/** The long-running agent. Resolves when the signal aborts. */
export async function runDaemon(ctx: AgentContext, signal: AbortSignal, intervalOverrideMs?: number): Promise<void> {
  let session: Session | null = null;
  let intervalMs = intervalOverrideMs ?? ctx.enrolment.intervalSeconds * 1000;
  let cycleTimer: NodeJS.Timeout | undefined;
  let cycling = false;

  // Between cycles, cheap checks are re-probed on change signals; a changed verdict starts a cycle now.
  const drift = new DriftWatch({
    checks: ctx.checks,
    deps: ctx.deps,
    role: ctx.enrolment.role,
    platform: process.platform,
    log: ctx.log,
    onDrift: (reason) => {
      ctx.log(`drift: ${reason}; re-checking now`);
      recheckNow();
    },
  });
  const cycle = async () => {
    if (cycling || signal.aborted) return;
    cycling = true;
    try {
      const { statuses } = await runCycle(ctx);
      drift.setBaseline(statuses);
      await session?.pump();
    } catch (err) {
      ctx.log(`cycle failed: ${err instanceof VigilError ? `${err.code} ` : ''}${(err as Error).message}`);
    } finally {
      cycling = false;
      releaseMemory();
      if (!signal.aborted) cycleTimer = setTimeout(() => void cycle(), jittered(intervalMs));
    }
  };
  const recheckNow = () => {
    clearTimeout(cycleTimer);
    void cycle();
  };
  void cycle();
  drift.start();

  const backoff = new Backoff();
  while (!signal.aborted) {
    let failure: unknown = null;
    try {
      session = await Session.open(ctx.enrolment, ctx.key, ctx.spool, undefined, { keepaliveMs: ctx.connection?.keepaliveMs });
      backoff.reset();
      if (!intervalOverrideMs) intervalMs = session.welcome.intervalSeconds * 1000;
      ctx.log(`connected to ${ctx.enrolment.url}; collector holds up to sequence ${session.welcome.lastSeq}`);
      ctx.onConnection?.('connected');
      session.on('recheck', recheckNow);
      const current = session;
      const onAbort = () => current.close();
      signal.addEventListener('abort', onAbort, { once: true });
      const err = await new Promise<VigilError | null>((resolve) => current.once('closed', resolve));
      signal.removeEventListener('abort', onAbort);
      session = null;
      if (signal.aborted) break;
      ctx.log(`disconnected${err ? `: ${err.code} ${err.message}` : ''}`);
      ctx.onConnection?.('disconnected', err ? `${err.code} ${err.message}` : undefined);
    } catch (err) {
      failure = err;
      ctx.log(`connect failed: ${err instanceof VigilError ? `${err.code} ` : ''}${(err as Error).message}`);
      ctx.onConnection?.('disconnected', (err as Error).message);
    }
    const delay = backoff.next(isRefused(failure), ctx.connection?.maxBackoffMs);
    ctx.log(`reconnecting in ${(delay / 1000).toFixed(1)} s`);
    await sleep(delay, signal);
  }
  clearTimeout(cycleTimer);
  drift.stop();
  while (cycling) await sleep(50);
}
