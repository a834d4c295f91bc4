// npm run faults -- --minutes N [--only a,b] [--json] [--out DIR]
// The fault suite's longer runs: each scenario of scripts/faults/ (the ones test/faults/ runs briefly)
// repeated with longer and harsher settings (more SIGKILLs, more partitions, longer floods) until the time
// budget is spent, then a table (or JSON) of attestations sent, stored, lost and duplicated per run.
// Needs root for the disk-full (tmpfs) and partition (network namespace) scenarios, and PostgreSQL server
// binaries for pg-restart. Results also go to test-output/reliability/<name>.json, one JSON line per run.
import { appendFile, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { renderTable } from '../protocol/table.js';
import { clockSkew } from './faults/clock-skew.js';
import { collectorKill } from './faults/collector-kill.js';
import { agentDiskFull, collectorDiskFull } from './faults/disk-full.js';
import { RESULTS_DIR, type FaultOutcome } from './faults/harness.js';
import { partition } from './faults/partition.js';
import { pgRestart } from './faults/pg-restart.js';
import { spoolKill } from './faults/spool-kill.js';
import { stalledConsumer } from './faults/stalled.js';

/** Each scenario, given the minutes one round may take. */
const SCENARIOS: Record<string, (minutes: number) => Promise<FaultOutcome>> = {
  'collector-sigkill': (m) => collectorKill({ name: 'collector-sigkill-long', durationMs: m * 60_000, kills: Math.max(3, Math.round(m * 6)), simAgents: 8, realAgents: 2, intervalMs: 50 }),
  'agent-sigkill-spool': (m) => spoolKill({ name: 'agent-sigkill-spool-long', iterations: Math.max(10, Math.round(m * 9)), maxLifeMs: 4000 }),
  'disk-full-agent': (m) => agentDiskFull({ name: 'disk-full-agent-long', fullForMs: Math.max(10_000, m * 30_000) }),
  'disk-full-collector': (m) => collectorDiskFull({ name: 'disk-full-collector-long', agents: 6, intervalMs: 50, fullForMs: Math.max(10_000, m * 30_000) }),
  'network-partition': (m) => partition({ name: 'network-partition-long', partitions: Math.max(2, Math.round(m * 1.5)), partitionMs: 30_000, maxBackoffMs: 10_000, keepaliveMs: 3000 }),
  'clock-skew': () => clockSkew({ name: 'clock-skew-long' }),
  'pg-restart': (m) => pgRestart({ name: 'pg-restart-long', restarts: Math.max(3, Math.round(m * 4)), agents: 8, intervalMs: 50, downMs: 3000, betweenMs: 8000 }),
  'stalled-consumer': (m) => stalledConsumer({ name: 'stalled-consumer-long', flooders: 6, floodMs: Math.max(20_000, m * 45_000), padding: 256 * 1024, perFlooder: 250, maxGrowthMiB: 250, agents: 4 }),
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string', default: '10' },
      only: { type: 'string' },
      json: { type: 'boolean', default: false },
      out: { type: 'string', default: RESULTS_DIR },
    },
  });
  const minutes = Number(values.minutes);
  if (!(minutes > 0)) throw new Error(`--minutes must be a positive number, got ${values.minutes}`);
  const names = values.only ? values.only.split(',').map((s) => s.trim()) : Object.keys(SCENARIOS);
  for (const n of names) if (!SCENARIOS[n]) throw new Error(`unknown scenario ${n} (known: ${Object.keys(SCENARIOS).join(', ')})`);
  // The budget is shared out: one round of each scenario, then more rounds while time remains.
  const perRound = minutes / names.length;
  const deadline = Date.now() + minutes * 60_000;
  const results: FaultOutcome[] = [];
  await mkdir(values.out!, { recursive: true });
  let round = 0;
  do {
    for (const name of names) {
      if (round > 0 && Date.now() > deadline) break;
      if (!values.json) process.stderr.write(`${new Date().toISOString()} ${name} (round ${round + 1}) …\n`);
      let o: FaultOutcome;
      try {
        o = await SCENARIOS[name]!(perRound);
      } catch (err) {
        o = { name: `${name}-long`, category: 'fault', scenario: name, sent: 0, stored: 0, lost: 0, duplicated: 0, durationMs: 0, passed: false, details: {}, failures: [`scenario failed to run: ${(err as Error).message}`] };
      }
      results.push(o);
      if (round === 0) await writeFile(join(values.out!, `${o.name}.json`), JSON.stringify(o) + '\n');
      else await appendFile(join(values.out!, `${o.name}.json`), JSON.stringify(o) + '\n');
      if (!values.json) process.stderr.write(`  ${o.passed ? 'passed' : 'FAILED'}: sent ${o.sent}, stored ${o.stored}, lost ${o.lost}, duplicated ${o.duplicated}${o.failures.length ? `\n  ${o.failures.slice(0, 5).join('\n  ')}` : ''}\n`);
    }
    round++;
  } while (Date.now() < deadline);

  if (values.json) {
    console.log(JSON.stringify({ minutes, results }, null, 2));
  } else {
    const rows = results.map((o) => [o.name, o.passed ? 'pass' : 'FAIL', o.sent, o.stored, o.lost, o.duplicated, `${(o.durationMs / 1000).toFixed(1)} s`, o.scenario]);
    console.log(renderTable(['SCENARIO', 'RESULT', 'SENT', 'STORED', 'LOST', 'DUPLICATED', 'TIME', 'WHAT'], rows.map((r) => r.map(String)), 70));
  }
  process.exitCode = results.every((o) => o.passed) ? 0 : 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(2);
});
