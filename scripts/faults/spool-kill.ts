// Agent SIGKILL during spool writes: a real `vigil-agent run` (1 s interval) is killed with SIGKILL at
// random moments, many times, and started again on the same state. The spool must always load, tmp files
// left by a kill are removed, a torn entry (here written on purpose: what a power cut on a filesystem
// that reorders writes could leave) is set aside with a log line and never sent, and the collector ends
// up with the agent's whole chain: no E_BAD_ENVELOPE, no E_CHAIN_BREAK, no tamper event at all.
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AGENT_CLI, CollectorProc, OutcomeBuilder, chainHead, compareWithHead, keyDigestOf, runNode, sleep, startNode, expectNoTamper, tempDir, type FaultOutcome } from './harness.js';

export interface SpoolKillOptions {
  name?: string;
  iterations: number;
  /** Longest time an agent runs after its first cycle before it is killed. */
  maxLifeMs: number;
}

const TMP = /\.tmp-\d+(\.\d+)?$/;

async function tmpFiles(state: string): Promise<string[]> {
  const names = [...(await readdir(state)), ...(await readdir(join(state, 'spool'))).map((n) => `spool/${n}`)];
  return names.filter((n) => TMP.test(n));
}

export async function spoolKill(opts: SpoolKillOptions): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'agent-sigkill-spool', `agent SIGKILL at random moments ×${opts.iterations}, then a torn spool entry`);
  const dir = await tempDir('vigil-fault-sk-');
  const collector = await CollectorProc.init(join(dir.path, 'collector'));
  const state = join(dir.path, 'agent');
  // Checks capped at 1 s: verdicts do not matter here, spool writes do, and they come once per cycle.
  const env = {
    VIGIL_AGENT_MAX_BACKOFF: '2s',
    VIGIL_AGENT_CHECK_TIMEOUT: '1s',
    VIGIL_AGENT_CHECK_CONCURRENCY: '8',
    VIGIL_AGENT_COMMAND_TIMEOUT: '1s',
    VIGIL_AGENT_COMMAND_CONCURRENCY: '8',
  };
  try {
    await collector.start();
    const enrolled = await runNode(AGENT_CLI, ['enroll', await collector.token(1), '--state', state]);
    if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
    const deviceId = /enrolled as (dev_[0-9a-f]{32})/.exec(enrolled.stdout)![1]!;
    // One delivered cycle first: how long a real check cycle takes here sets how long agents live.
    const t0 = Date.now();
    const first = await runNode(AGENT_CLI, ['run', '--once', '--state', state, '--timeout', '60s'], { env });
    if (first.code !== 0) throw new Error(`first run --once failed: ${first.stderr}`);
    const cycleMs = Date.now() - t0;
    out.details.firstRunOnceMs = cycleMs;
    let tmpSeen = 0;
    let loadFailures = 0;
    let staleRemovedLines = 0;
    const killedWhileSpooled: number[] = [];
    for (let i = 0; i < opts.iterations; i++) {
      // The first third with the collector frozen (SIGSTOP): the spool grows, so kills land while the agent
      // writes, reads and resends a longer spool.
      if (i === 0) collector.current!.proc.kill('SIGSTOP');
      if (i === Math.ceil(opts.iterations / 3)) collector.current!.proc.kill('SIGCONT');
      const agent = startNode(AGENT_CLI, ['run', '--state', state, '--interval', '1s'], { env });
      // Killed right after a cycle spooled its attestation (while it is sent, acked and deleted, and status
      // written), or at a random moment of the next cycle (collection, signing, spool write).
      await agent.waitFor(/cycle \d+ done/, 30_000).catch(() => undefined);
      if (i % 3 !== 0) await sleep(Math.random() * opts.maxLifeMs);
      out.expect(agent.alive(), `iteration ${i}: the agent exited by itself:\n${agent.output().slice(-1500)}`);
      agent.proc.kill('SIGKILL');
      await agent.exited;
      staleRemovedLines += (agent.output().match(/spool: removed .*tmp-\d+/g) ?? []).length;
      out.expect(!/damaged/.test(agent.output()), `iteration ${i}: a spool entry was found damaged after a SIGKILL:\n${agent.output().slice(-1500)}`);
      tmpSeen += (await tmpFiles(state)).length;
      killedWhileSpooled.push((await readdir(join(state, 'spool'))).filter((n) => /^\d{12}\.json$/.test(n)).length);
      // The spool and chain must load after a kill (every start loads them too).
      if (i % 2 === 1) continue;
      const st = await runNode(AGENT_CLI, ['status', '--json', '--state', state]);
      if (st.code !== 0) {
        loadFailures++;
        out.failures.push(`iteration ${i}: status after SIGKILL failed: ${st.stderr}`);
      }
    }

    // A torn newest entry: half of a real envelope under the next sequence.
    const head = await chainHead(state);
    const torn = head.lastSeq + 1;
    const sample = (await readdir(join(state, 'spool'))).find((n) => /^\d{12}\.json$/.test(n));
    const donor = sample ? await readFile(join(state, 'spool', sample), 'utf8') : '{"payloadType":"application/vnd.in-toto+json","payload":"eyJfdHlwZSI6';
    await writeFile(join(state, 'spool', `${String(torn).padStart(12, '0')}.json`), donor.slice(0, Math.floor(donor.length / 2)));
    const once = await runNode(AGENT_CLI, ['run', '--once', '--state', state, '--timeout', '60s'], { env });
    out.expect(once.code === 0, `run --once after the torn entry: ${once.stderr.slice(-800)}`);
    const damagedLine = /spool: entry (\d+) is damaged[^\n]*/.exec(once.stderr);
    out.expect(damagedLine !== null && Number(damagedLine[1]) === torn, `no clear log line about the torn entry ${torn}: ${once.stderr.slice(-800)}`);
    out.expect(/attestation \d+ acknowledged/.test(once.stdout), `the attestation after the torn entry was not acknowledged: ${once.stdout}`);
    out.expect((await tmpFiles(state)).length === 0, `tmp files left after a clean run: ${(await tmpFiles(state)).join(', ')}`);

    const db = await collector.openDb();
    try {
      out.add(await compareWithHead(db, deviceId, state, await keyDigestOf(state)));
      out.details.tamperEvents = await expectNoTamper(out, db);
    } finally {
      await db.close();
    }
    out.details.iterations = opts.iterations;
    out.details.tmpFilesLeftByKills = tmpSeen;
    out.details.staleTmpRemovedOnStart = staleRemovedLines;
    out.details.spoolLoadFailures = loadFailures;
    out.details.maxSpooledAtKill = Math.max(0, ...killedWhileSpooled);
    out.details.tornEntry = { seq: torn, logLine: damagedLine?.[0] ?? null };
    return out.done();
  } finally {
    await collector.kill('SIGKILL');
    await dir.cleanup();
  }
}
