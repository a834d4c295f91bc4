// A load-generator worker process (forked by scripts/loadgen.ts): runs its share of the simulated agents,
// at most ~18,000 sockets so it stays under the open-file limit, and reports counters to the parent.
import { generateKeyPairSync } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createSecureContext } from 'node:tls';
import { jittered } from '../agent/daemon.js';
import { EnrolError, SimAgent, enrol, firstCycleDelay, newCounters, simDeviceOf, sourceAddress, type AgentEnv, type Counters, type Identity, type Target } from './loadgen-agent.js';

export interface WorkerPlan {
  target: Target;
  /** Agent numbers this worker runs, [from, to). */
  from: number;
  to: number;
  /** Known identities for (some of) those agents, from the state file. */
  identities: Identity[];
  /** Distinct source addresses across the whole fleet; agent i uses slot i % sources. */
  sources: number;
  intervalMs: number;
  burst: boolean;
  spool: number;
  /** Enrolments in flight at once in this worker. */
  enrolConcurrency: number;
  /** New connections opened per second by this worker (0: as fast as possible). */
  connectRate: number;
  /** Resume TLS sessions with the last ticket (as the agent does). */
  tlsResume: boolean;
}

export type ParentMsg = { type: 'plan'; plan: WorkerPlan } | { type: 'stop' };

export interface WorkerReport {
  type: 'report';
  final: boolean;
  agents: number;
  enrolling: number;
  welcomed: number;
  drained: number;
  pending: number;
  counters: Omit<Counters, 'latencies'> & { latencies?: number[] };
  /** Epoch ms at which every agent of this worker had a welcome / an empty spool (0: not yet). */
  allWelcomedAt: number;
  allDrainedAt: number;
  rss: number;
  /** Longest event-loop stall since the previous report, ms: above a second or so, the simulator (not the collector) is the bottleneck. */
  lagMaxMs: number;
  /** Longest stall since the worker started, ms. */
  lagMaxEverMs: number;
}

export type WorkerMsg = WorkerReport | { type: 'identities'; identities: Identity[] } | { type: 'fatal'; message: string };

const send = (m: WorkerMsg) => process.send?.(m);
const REPORT_MS = 1000;

async function run(plan: WorkerPlan): Promise<void> {
  const counters = newCounters();
  let stopping = false;
  const agents: SimAgent[] = [];
  const drained = new Set<number>();
  let welcomedCount = 0;
  let allWelcomedAt = 0;
  let allDrainedAt = 0;
  let enrolling = 0;
  const total = plan.to - plan.from;
  const streamUrl = plan.target.url.replace(/^http/, 'ws') + '/api/v1/stream';
  const cycleTimers: NodeJS.Timeout[] = [];

  const env: AgentEnv = {
    target: plan.target,
    streamUrl,
    host: new URL(plan.target.url).hostname.replace(/^\[|\]$/g, ''),
    port: Number(new URL(plan.target.url).port) || 443,
    counters,
    stopping: () => stopping,
    resumeTls: plan.tlsResume,
    secureContext: createSecureContext({ ca: plan.target.caPem }),
    onDrained(agent) {
      if (!agent.welcomed) return;
      drained.add(agent.identity.index);
      if (drained.size === total && !allDrainedAt) allDrainedAt = Date.now();
    },
  };

  const loop = monitorEventLoopDelay({ resolution: 20 });
  loop.enable();
  let lagMaxEverMs = 0;
  let lastReportAt = 0;
  const report = (final: boolean): WorkerReport => {
    // The histogram, and how late this report's own timer is: a loop blocked for seconds shows in both.
    const now = Date.now();
    const lagMaxMs = Math.round(Math.max(loop.max / 1e6, lastReportAt ? now - lastReportAt - REPORT_MS : 0));
    lastReportAt = now;
    loop.reset();
    lagMaxEverMs = Math.max(lagMaxEverMs, lagMaxMs);
    let pending = 0;
    let welcomed = 0;
    for (const a of agents) {
      pending += a.pending;
      if (a.welcomed) welcomed++;
    }
    welcomedCount = welcomed;
    if (welcomed === total && !allWelcomedAt) allWelcomedAt = Date.now();
    // Drained means: welcomed and nothing left to send (an agent may spool again on its interval).
    const drainedNow = agents.filter((a) => a.welcomed && a.pending === 0).length;
    const { latencies, ...rest } = counters;
    return {
      type: 'report',
      final,
      agents: total,
      enrolling,
      welcomed: welcomedCount,
      drained: drainedNow,
      pending,
      counters: final ? { ...rest, latencies } : rest,
      allWelcomedAt,
      allDrainedAt,
      rss: process.memoryUsage().rss,
      lagMaxMs,
      lagMaxEverMs,
    };
  };
  const ticker = setInterval(() => send(report(false)), REPORT_MS);

  process.on('message', (m: ParentMsg) => {
    if (m.type !== 'stop' || stopping) return;
    stopping = true;
    clearInterval(ticker);
    cycleTimers.forEach(clearTimeout);
    for (const a of agents) a.stop();
    send({ type: 'identities', identities: agents.map((a) => a.identity) });
    // Leave once the final report has gone through the IPC channel (large identity lists take a while).
    process.send?.(report(true), undefined, {}, () => process.exit(0));
  });

  const known = new Map(plan.identities.map((i) => [i.index, i]));
  const fresh: Identity[] = [];

  // Enrol the agents the state file does not know, a few at a time (each from its own source address).
  const missing: number[] = [];
  for (let i = plan.from; i < plan.to; i++) if (!known.has(i)) missing.push(i);
  let cursor = 0;
  const enrolOne = async (): Promise<void> => {
    while (cursor < missing.length && !stopping) {
      const index = missing[cursor++]!;
      const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      enrolling++;
      try {
        for (let attempt = 0; ; attempt++) {
          try {
            const id = await enrol(plan.target, index, privateKey, sourceAddress(index % plan.sources));
            const identity: Identity = { index, id, key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), headSeq: 0, headHash: null };
            known.set(index, identity);
            fresh.push(identity);
            counters.enrolled++;
            break;
          } catch (err) {
            const code = err instanceof EnrolError ? err.code : ((err as { code?: string }).code ?? 'E_ENROL');
            counters.errors[`enrol:${code}`] = (counters.errors[`enrol:${code}`] ?? 0) + 1;
            // Rate limited or transient: back off and retry; a refused token will not get better.
            if (/^E_TOKEN_/.test(code) || attempt >= 8 || stopping) throw err;
            await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** attempt)));
          }
        }
      } finally {
        enrolling--;
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, plan.enrolConcurrency) }, enrolOne));
  } catch (err) {
    send({ type: 'identities', identities: fresh });
    send({ type: 'fatal', message: `enrolment failed: ${(err as Error).message}` });
    setTimeout(() => process.exit(1), 200);
    return;
  }
  if (fresh.length) send({ type: 'identities', identities: fresh });
  if (stopping) return;

  for (let i = plan.from; i < plan.to; i++) {
    const identity = known.get(i)!;
    const agent = new SimAgent(env, identity, simDeviceOf(identity), sourceAddress(i % plan.sources));
    // The spool is signed before the agent connects: these are the attestations it could not deliver.
    for (let k = 0; k < plan.spool; k++) agent.attest();
    agents.push(agent);
  }

  if (plan.intervalMs > 0) {
    for (const a of agents) {
      const cycle = () => {
        if (stopping) return;
        a.attest();
        cycleTimers[a.identity.index - plan.from] = setTimeout(cycle, plan.burst ? plan.intervalMs : jittered(plan.intervalMs));
      };
      cycleTimers[a.identity.index - plan.from] = setTimeout(cycle, firstCycleDelay(plan.intervalMs, plan.burst));
    }
  }

  // Open the sessions, paced so the listen backlog is not the thing measured.
  const perTick = plan.connectRate > 0 ? Math.max(1, Math.round(plan.connectRate / 20)) : agents.length;
  for (let i = 0; i < agents.length && !stopping; i += perTick) {
    for (const a of agents.slice(i, i + perTick)) a.connect();
    if (plan.connectRate > 0) await new Promise((r) => setTimeout(r, 50));
  }
}

process.on('message', (m: ParentMsg) => {
  if (m.type === 'plan') {
    run(m.plan).catch((err: Error) => {
      send({ type: 'fatal', message: err.stack ?? err.message });
      setTimeout(() => process.exit(1), 200);
    });
  }
});
