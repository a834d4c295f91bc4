// npm run soak -- --minutes N --agents 1000 [--interval S] [--db sqlite|pg] [--json]
// A real collector process under a steady fleet (npm run loadgen, a separate process) for N minutes:
// collector RSS sampled from /proc every 2 s, errors counted by code, and at the end every attestation the
// agents were told was stored is checked against the database (none lost, none stored twice). Memory
// growth is judged after a warm-up (the first fifth of the run): the median RSS of the last quarter minus
// that of the first quarter after warm-up must stay within --max-growth-mb (default 64).
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, Option } from 'commander';
import { dataDir } from '../collector/config.js';
import { openDatabase } from '../collector/db/open.js';
import { renderTable } from '../protocol/table.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import type { LoadgenSummary } from './loadgen.js';

const here = dirname(fileURLToPath(import.meta.url));
const COLLECTOR_CLI = join(here, '..', 'collector', 'cli.js');
const LOADGEN = join(here, 'loadgen.js');

const int = (name: string) => (v: string) => {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number`);
  return n;
};

const o = new Command()
  .name('soak')
  .option('--minutes <n>', 'how long', int('minutes'), 10)
  .option('--agents <n>', 'simulated agents', int('agents'), 1000)
  .option('--interval <s>', 'each agent attests every S seconds', int('interval'), 10)
  .addOption(new Option('--db <engine>', 'database').choices(['sqlite', 'pg']).default('sqlite'))
  .option('--max-growth-mb <n>', 'allowed RSS growth after warm-up', int('max-growth-mb'), 64)
  .option('--json', 'print one JSON object on stdout', false)
  .parse()
  .opts<{ minutes: number; agents: number; interval: number; db: 'sqlite' | 'pg'; maxGrowthMb: number; json: boolean }>();

const log = (s: string) => process.stderr.write(`${s}\n`);
const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : NaN);

function rssMb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  } catch {
    return NaN;
  }
}

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const c = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => {
      stderr += d;
      if (!o.json) process.stderr.write(d);
    });
    c.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function startCollector(data: string): Promise<{ proc: ChildProcess; output: () => string }> {
  const proc = spawn(process.execPath, [COLLECTOR_CLI, 'start', '--data', data], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + 60_000;
  while (!/listening on https:\/\//.test(out)) {
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`collector did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { proc, output: () => out };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-soak-'));
  let pg: PgCluster | null = null;
  let collector: Awaited<ReturnType<typeof startCollector>> | null = null;
  try {
    const data = join(dir, 'collector');
    const initArgs = [COLLECTOR_CLI, 'init', '--data', data, '--host', '127.0.0.1', '--port', '0', '--interval', '10'];
    if (o.db === 'pg') {
      pg = await startPgCluster();
      initArgs.push('--database-url', await pg.createDatabase('vigil_soak'));
    }
    const init = await run(initArgs);
    if (init.code !== 0) throw new Error(`init failed: ${init.stderr}`);
    collector = await startCollector(data);
    const pid = collector.proc.pid!;
    log(`soak: ${o.agents} agents every ${o.interval} s for ${o.minutes} min on ${o.db}; collector pid ${pid}`);
    const samples: { t: number; mb: number }[] = [];
    const started = Date.now();
    const sampler = setInterval(() => samples.push({ t: Date.now() - started, mb: rssMb(pid) }), 2000);
    const lg = await run([LOADGEN, '--data', data, '--agents', String(o.agents), '--interval', String(o.interval), '--duration', String(Math.round(o.minutes * 60)), '--json']);
    clearInterval(sampler);
    const crashed = collector.proc.exitCode !== null;
    if (lg.code !== 0) throw new Error(`loadgen failed (${lg.code}): ${lg.stderr.slice(-2000)}`);
    const summary = JSON.parse(lg.stdout.trim().split('\n').pop()!) as LoadgenSummary;

    const db = await openDatabase(dataDir(data));
    let stored = 0;
    let distinct = 0;
    try {
      stored = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes'))!.n;
      distinct = (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM (SELECT DISTINCT device_id, seq FROM envelopes) x'))!.n;
    } finally {
      await db.close();
    }
    const totalMs = o.minutes * 60_000;
    const warm = samples.filter((s) => s.t >= totalMs / 5 && Number.isFinite(s.mb));
    const quarter = Math.max(1, Math.floor(warm.length / 4));
    const early = median(warm.slice(0, quarter).map((s) => s.mb));
    const late = median(warm.slice(-quarter).map((s) => s.mb));
    const growth = late - early;
    const peak = Math.max(...samples.map((s) => s.mb).filter(Number.isFinite));
    const errors = Object.entries(summary.errors).filter(([, n]) => n > 0);
    const acked = summary.acked + summary.confirmedByWelcome;
    const result = {
      minutes: o.minutes,
      agents: o.agents,
      intervalSeconds: o.interval,
      db: o.db,
      sent: summary.sent,
      acked,
      stored,
      lost: summary.lost + Math.max(0, acked - stored),
      duplicated: stored - distinct + summary.duplicates,
      errors: Object.fromEntries(errors),
      collectorCrashed: crashed,
      rssStartMb: Math.round(early),
      rssEndMb: Math.round(late),
      rssGrowthMb: Math.round(growth),
      rssPeakMb: Math.round(peak),
      maxGrowthMb: o.maxGrowthMb,
      ackP50Ms: summary.ackP50Ms,
      ackP99Ms: summary.ackP99Ms,
      passed: false,
    };
    result.passed = !crashed && errors.length === 0 && result.lost === 0 && result.duplicated === 0 && stored > 0 && growth <= o.maxGrowthMb;
    mkdirSync(join(process.cwd(), 'test-output'), { recursive: true });
    writeFileSync(join(process.cwd(), 'test-output', 'soak.json'), JSON.stringify(result) + '\n');
    if (o.json) console.log(JSON.stringify(result));
    else
      console.log(
        renderTable(
          ['MEASURE', 'VALUE'],
          [
            ['agents × interval', `${o.agents} × ${o.interval} s, ${o.minutes} min, ${o.db}`],
            ['attestations sent / acked / stored', `${result.sent} / ${acked} / ${stored}`],
            ['lost / stored twice', `${result.lost} / ${result.duplicated}`],
            ['errors', errors.length ? errors.map(([k, n]) => `${k}×${n}`).join(' ') : 'none'],
            ['collector RSS after warm-up → end (MB)', `${result.rssStartMb} → ${result.rssEndMb} (growth ${result.rssGrowthMb}, bound ${o.maxGrowthMb})`],
            ['collector RSS peak (MB)', result.rssPeakMb],
            ['ack p50 / p99 (ms)', `${summary.ackP50Ms} / ${summary.ackP99Ms}`],
            ['result', result.passed ? 'PASS' : 'FAIL'],
          ],
        ),
      );
    if (!result.passed) process.exitCode = 1;
  } finally {
    collector?.proc.kill('SIGTERM');
    await pg?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
