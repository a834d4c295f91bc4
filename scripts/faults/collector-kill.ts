// Collector SIGKILL under load: agents stream continuously (in-process daemons attesting every
// intervalMs, plus real `vigil-agent run` processes); the collector process is killed with SIGKILL at
// random moments and restarted. Every attestation each agent produced must be stored exactly once, with
// the hash the agent produced, the chains intact and no tamper event.
import { join } from 'node:path';
import { AGENT_CLI, CollectorProc, OutcomeBuilder, SimAgent, compare, compareWithHead, keyDigestOf, runNode, sleep, startNode, storedRows, expectNoTamper, tempDir, until, type FaultOutcome, type Proc } from './harness.js';

export interface CollectorKillOptions {
  name?: string;
  durationMs: number;
  kills: number;
  simAgents: number;
  realAgents: number;
  /** Cycle interval of the in-process agents. */
  intervalMs: number;
  /** PostgreSQL instead of SQLite (a database URL the collector may use). */
  databaseUrl?: string;
}

export async function collectorKill(opts: CollectorKillOptions): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'collector-sigkill', `collector SIGKILL ×${opts.kills} under load (${opts.simAgents} streaming + ${opts.realAgents} real agents)`);
  const dir = await tempDir('vigil-fault-ck-');
  const collector = await CollectorProc.init(join(dir.path, 'collector'), { databaseUrl: opts.databaseUrl });
  const sims: SimAgent[] = [];
  const reals: { state: string; deviceId: string; proc: Proc | null }[] = [];
  try {
    await collector.start();
    const enrolment = await collector.token(opts.simAgents + opts.realAgents);
    for (let i = 0; i < opts.simAgents; i++) sims.push(await SimAgent.create(join(dir.path, `sim${i}`), enrolment));
    for (let i = 0; i < opts.realAgents; i++) {
      const state = join(dir.path, `agent${i}`);
      const r = await runNode(AGENT_CLI, ['enroll', enrolment, '--state', state]);
      if (r.code !== 0) throw new Error(`agent enroll failed: ${r.stderr}`);
      reals.push({ state, deviceId: /enrolled as (dev_[0-9a-f]{32})/.exec(r.stdout)![1]!, proc: null });
    }
    for (const s of sims) await s.start(opts.intervalMs, { keepaliveMs: 5000, maxBackoffMs: 2000 });
    for (const r of reals) r.proc = startNode(AGENT_CLI, ['run', '--state', r.state, '--interval', '1s'], { env: { VIGIL_AGENT_MAX_BACKOFF: '2s' } });

    const killedAt: number[] = [];
    const slot = opts.durationMs / (opts.kills + 1);
    for (let k = 0; k < opts.kills; k++) {
      await sleep(slot * (0.5 + Math.random()));
      const produced = sims.reduce((n, s) => n + s.produced.size, 0);
      await collector.kill('SIGKILL');
      killedAt.push(produced);
      await sleep(200 + Math.random() * 800);
      await collector.start();
    }
    await sleep(slot);

    // Stop producing, then let everything spooled reach the collector.
    await Promise.all(sims.map((s) => s.freeze()));
    for (const r of reals) {
      r.proc!.proc.kill('SIGTERM');
      await r.proc!.exited;
      const once = await runNode(AGENT_CLI, ['run', '--once', '--state', r.state, '--timeout', '60s'], { env: { VIGIL_AGENT_MAX_BACKOFF: '2s' } });
      out.expect(once.code === 0, `agent ${r.deviceId} run --once after the kills: ${once.stderr.slice(-500)}`);
    }
    await until(async () => (await Promise.all(sims.map((s) => s.pending()))).every((n) => n === 0), 60_000, 'spools drained').catch((err: Error) => out.failures.push(err.message));
    for (const s of sims) await s.stop();

    const db = await collector.openDb();
    try {
      for (const s of sims) out.add(compare(s.deviceId, s.produced, await storedRows(db, s.deviceId), s.key.digest));
      for (const r of reals) out.add(await compareWithHead(db, r.deviceId, r.state, await keyDigestOf(r.state)));
      out.details.tamperEvents = await expectNoTamper(out, db);
    } finally {
      await db.close();
    }
    out.expect(out.sent > 0, 'nothing was produced');
    const cycleFailures = sims.flatMap((s) => s.lines.filter((l) => /cycle failed/.test(l) && !/production stopped/.test(l)));
    out.expect(cycleFailures.length === 0, `agent cycles failed: ${cycleFailures.slice(0, 3).join(' | ')}`);
    out.details.kills = opts.kills;
    out.details.producedAtKills = killedAt;
    out.details.agents = opts.simAgents + opts.realAgents;
    out.details.collectorCrashed = false;
    return out.done();
  } finally {
    for (const s of sims) await s.stop().catch(() => undefined);
    for (const r of reals) if (r.proc?.alive()) r.proc.proc.kill('SIGKILL');
    await collector.kill('SIGKILL');
    await dir.cleanup();
  }
}
