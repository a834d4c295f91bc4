// PostgreSQL restart under a collector: agents stream to a collector process on its own PostgreSQL server
// (scripts/pg-cluster.ts), which is restarted (SIGINT fast shutdown, same data directory and port) while
// attestations are in flight. The collector must not crash or wedge: agents are told E_DATABASE (or lose
// their session) and retry, and once the server is back everything is stored exactly once.
import { join } from 'node:path';
import { startPgCluster } from '../pg-cluster.js';
import { CollectorProc, OutcomeBuilder, SimAgent, compare, sleep, storedRows, expectNoTamper, tempDir, until, type FaultOutcome } from './harness.js';

export interface PgRestartOptions {
  name?: string;
  restarts: number;
  agents: number;
  intervalMs: number;
  /** How long the server stays down on each restart. */
  downMs: number;
  /** Streaming time between restarts. */
  betweenMs: number;
}

export async function pgRestart(opts: PgRestartOptions): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'pg-restart', `PostgreSQL restarted ×${opts.restarts} (down ${Math.round(opts.downMs / 1000)} s) under ${opts.agents} streaming agents`);
  const dir = await tempDir('vigil-fault-pg-');
  const cluster = await startPgCluster({ fast: true });
  const sims: SimAgent[] = [];
  let collector: CollectorProc | null = null;
  try {
    const url = await cluster.createDatabase('vigil_fault');
    collector = await CollectorProc.init(join(dir.path, 'collector'), { databaseUrl: url });
    const proc = await collector.start();
    const enrolment = await collector.token(opts.agents);
    for (let i = 0; i < opts.agents; i++) sims.push(await SimAgent.create(join(dir.path, `sim${i}`), enrolment));
    for (const s of sims) await s.start(opts.intervalMs, { keepaliveMs: 5000, maxBackoffMs: 2000 });
    const resumedAfter: number[] = [];
    for (let r = 0; r < opts.restarts; r++) {
      await sleep(opts.betweenMs);
      await cluster.restart({ downMs: opts.downMs });
      const back = Date.now();
      out.expect(proc.alive(), `the collector exited when PostgreSQL restarted:\n${proc.output().slice(-2000)}`);
      if (!proc.alive()) break;
      // Not wedged: every agent gets something stored again soon after the server is back.
      const counts = await Promise.all(sims.map((s) => s.produced.size));
      const db = await collector.openDb();
      try {
        await until(async () => (await Promise.all(sims.map(async (s, i) => (await storedRows(db, s.deviceId)).some((row) => row.seq > counts[i]!)))).every(Boolean), 30_000, 'ingest after the restart')
          .then(() => resumedAfter.push(Date.now() - back))
          .catch((err: Error) => out.failures.push(`restart ${r}: ${err.message}; collector said:\n${proc.output().slice(-1500)}`));
      } finally {
        await db.close();
      }
    }
    await sleep(opts.betweenMs);
    await Promise.all(sims.map((s) => s.freeze()));
    await until(async () => (await Promise.all(sims.map((s) => s.pending()))).every((n) => n === 0), 60_000, 'spools drained').catch((err: Error) => out.failures.push(err.message));
    for (const s of sims) await s.stop();
    out.expect(proc.alive(), `the collector exited:\n${proc.output().slice(-2000)}`);
    const db = await collector.openDb();
    try {
      for (const s of sims) out.add(compare(s.deviceId, s.produced, await storedRows(db, s.deviceId), s.key.digest));
      out.details.tamperEvents = await expectNoTamper(out, db);
    } finally {
      await db.close();
    }
    const codes = new Set(sims.flatMap((s) => s.lines.flatMap((l) => /(?:disconnected|connect failed): (E_[A-Z_]+)/.exec(l)?.[1] ?? [])));
    out.expect(!codes.has('E_INTERNAL'), `agents were told E_INTERNAL instead of E_DATABASE (${[...codes].join(', ')})`);
    out.details.codesSeenByAgents = [...codes];
    out.details.resumedAfterMs = resumedAfter;
    out.details.restarts = opts.restarts;
    return out.done();
  } finally {
    for (const s of sims) await s.stop().catch(() => undefined);
    await collector?.kill('SIGKILL');
    await cluster.stop();
    await dir.cleanup();
  }
}
