// npm run loadgen -- --agents N [--interval S] [--burst] [--spool K] …: simulated agents against a running
// collector, from separate worker processes. Each agent has its own P-256 key, enrols over HTTPS with a
// token, holds a real TLS WebSocket session from its own loopback source address, sends realistic signed
// attestations (scripts/fleet-sim.ts) and behaves like the real agent: hello with proof, window from
// welcome, resume from welcome.lastSeq, jittered reconnect backoff, TLS session resumption with the last
// ticket (--no-tls-resume: full handshakes), no resend of an acked sequence.
//
// Progress goes to stderr every 2 s; --json prints one summary object on stdout at the end. Forked with an
// IPC channel (as `npm run bench` does), it also sends {type:'progress'|'summary'} messages to its parent.
import { execFile, fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Command, Option } from 'commander';
import { dataDir, loadConfig, readRunInfo } from '../collector/config.js';
import { caFingerprint } from '../collector/tls.js';
import { parseEnrolmentString } from '../protocol/enrolment-string.js';
import type { Counters, Identity, Target } from './loadgen-agent.js';
import type { ParentMsg, WorkerMsg, WorkerPlan, WorkerReport } from './loadgen-worker.js';

const here = dirname(fileURLToPath(import.meta.url));
const COLLECTOR_CLI = join(here, '..', 'collector', 'cli.js');
/** Sockets per worker process: under the 20,000 open files a process may hold here, with room to spare. */
const AGENTS_PER_PROC = 15_000;

interface Options {
  url?: string;
  ca?: string;
  data?: string;
  token?: string;
  agents: number;
  interval: number;
  burst: boolean;
  duration: number;
  spool: number;
  state?: string;
  procs?: number;
  sources?: number;
  json: boolean;
  untilDrained: boolean;
  hold: number;
  enrolConcurrency: number;
  connectRate: number;
  role: string;
  tlsResume: boolean;
}

/** The counters of every worker added up (without the latency samples), and what the run measured. */
export interface LoadgenSummary extends Omit<Counters, 'latencies' | 'latencySeen'> {
  agents: number;
  procs: number;
  sources: number;
  startedAt: number;
  endedAt: number;
  seconds: number;
  /** Why it stopped: duration, drained, signal, fatal. */
  stop: string;
  fatal: string | null;
  welcomed: number;
  pending: number;
  allWelcomedAt: number;
  allDrainedAt: number;
  /** Acks per second between the first send and the last ack. */
  ackedPerSecond: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  loadgenRssMb: number;
  /** Longest event-loop stall of any load generator process, ms. */
  loadgenLagMaxMs: number;
}

interface StateFile {
  v: 1;
  collector: { url: string; caSha256: string };
  identities: Identity[];
}

function int(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a non-negative number`);
    return n;
  };
}

function parseOptions(argv: string[]): Options {
  const p = new Command('loadgen')
    .description('simulated Vigil agents against a running collector')
    .option('--url <url>', 'collector URL (https://host:port); default: run.json of --data')
    .option('--ca <file>', 'CA certificate (PEM) to pin; default: the CA of --data')
    .option('--data <dir>', 'collector data directory on this machine: URL, CA, and an enrolment token made with its CLI')
    .option('--token <token>', 'enrolment token or enrolment string (multi-use: vigil-collector token create --max-uses N)')
    .option('--agents <n>', 'simulated agents', int('agents'), 100)
    .option('--interval <s>', 'each agent attests every S seconds (±10 % jitter); 0: only its spool', int('interval'), 0)
    .option('--burst', 'all agents attest at the same moments (no jitter)', false)
    .option('--duration <s>', 'stop after S seconds (0: no limit)', int('duration'), 0)
    .option('--spool <k>', 'each agent starts with K signed attestations not yet sent', int('spool'), 0)
    .option('--state <file>', 'cache of enrolled identities (keys, device ids, chain heads), reused by later runs')
    .option('--procs <p>', `worker processes (default: one per ${AGENTS_PER_PROC} agents)`, int('procs'))
    .option('--sources <n>', 'distinct loopback source addresses (default: one per agent, as a real fleet has)', int('sources'))
    .option('--until-drained', 'stop once every agent has had a welcome and its spool is acked', false)
    .option('--hold <s>', 'with --until-drained: keep the sessions open S more seconds', int('hold'), 0)
    .option('--enrol-concurrency <n>', 'enrolments in flight per worker process', int('enrol-concurrency'), 16)
    .option('--connect-rate <n>', 'new sessions per second across all workers (0: all at once)', int('connect-rate'), 0)
    .option('--no-tls-resume', 'a full TLS handshake on every connection (agents resume with their last session ticket)')
    .addOption(new Option('--role <role>', 'role of the token made with --data').default('workstation'))
    .option('--json', 'print a JSON summary on stdout at the end', false)
    .parse(argv);
  return p.opts() as Options;
}

async function resolveTarget(o: Options, needToken: boolean): Promise<Target> {
  let url = o.url;
  let caPem = o.ca ? await readFile(o.ca, 'utf8') : undefined;
  let token: string | null = null;
  if (o.token) {
    if (o.token.startsWith('vigil+')) {
      const e = parseEnrolmentString(o.token);
      token = e.token;
      url ??= e.url;
    } else token = o.token;
  }
  if (o.data) {
    const d = dataDir(o.data);
    const config = await loadConfig(d);
    caPem ??= await readFile(config.tls.ca, 'utf8');
    const run = await readRunInfo(d);
    url ??= run?.url;
    if (!url) throw new Error(`${d.runFile} has no URL: is the collector running? (or pass --url)`);
    if (!token && needToken) token = await createToken(o.data, o.agents, o.role);
  }
  if (!url) throw new Error('no collector URL: pass --url or --data');
  if (!caPem) throw new Error('no CA certificate: pass --ca or --data');
  return { url: url.replace(/\/$/, ''), caPem, token };
}

/** A token with enough uses for the fleet, through the collector's own CLI (the operator's path). */
async function createToken(data: string, uses: number, role: string): Promise<string> {
  const { stdout } = await promisify(execFile)(process.execPath, [COLLECTOR_CLI, 'token', 'create', '--data', data, '--max-uses', String(Math.max(1, uses)), '--expires', '24h', '--role', role, '--json'], {
    maxBuffer: 1 << 20,
  });
  return parseEnrolmentString(JSON.parse(stdout).enrolment).token;
}

async function loadState(file: string | undefined, target: Target): Promise<Map<number, Identity>> {
  const out = new Map<number, Identity>();
  if (!file || !existsSync(file)) return out;
  const s = JSON.parse(await readFile(file, 'utf8')) as StateFile;
  // Identities belong to one collector (its CA): another collector's are useless.
  if (s.v !== 1 || s.collector.caSha256 !== caFingerprint(target.caPem)) return out;
  for (const i of s.identities) out.set(i.index, i);
  return out;
}

async function saveState(file: string, target: Target, identities: Map<number, Identity>): Promise<void> {
  const s: StateFile = { v: 1, collector: { url: target.url, caSha256: caFingerprint(target.caPem) }, identities: [...identities.values()].sort((a, b) => a.index - b.index) };
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(s), { mode: 0o600 });
  await rename(tmp, file);
}

function percentile(sorted: number[], p: number): number | null {
  return sorted.length ? Number(sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1)) : null;
}

function aggregate(reports: WorkerReport[]) {
  const sum = (f: (r: WorkerReport) => number) => reports.reduce((n, r) => n + f(r), 0);
  const errors: Record<string, number> = {};
  for (const r of reports) for (const [k, v] of Object.entries(r.counters.errors)) errors[k] = (errors[k] ?? 0) + v;
  const min = (f: (r: WorkerReport) => number) => {
    const xs = reports.map(f).filter((x) => x > 0);
    return xs.length ? Math.min(...xs) : 0;
  };
  const maxAll = (f: (r: WorkerReport) => number) => (reports.every((r) => f(r) > 0) ? Math.max(...reports.map(f)) : 0);
  return {
    agents: sum((r) => r.agents),
    enrolling: sum((r) => r.enrolling),
    welcomed: sum((r) => r.welcomed),
    drained: sum((r) => r.drained),
    pending: sum((r) => r.pending),
    enrolled: sum((r) => r.counters.enrolled),
    connected: sum((r) => r.counters.connected),
    sessions: sum((r) => r.counters.sessions),
    spooled: sum((r) => r.counters.spooled),
    sent: sum((r) => r.counters.sent),
    resent: sum((r) => r.counters.resent),
    acked: sum((r) => r.counters.acked),
    duplicates: sum((r) => r.counters.duplicates),
    confirmedByWelcome: sum((r) => r.counters.confirmedByWelcome),
    lost: sum((r) => r.counters.lost),
    resynced: sum((r) => r.counters.resynced),
    errors,
    firstSendAt: min((r) => r.counters.firstSendAt),
    lastAckAt: Math.max(0, ...reports.map((r) => r.counters.lastAckAt)),
    allWelcomedAt: maxAll((r) => r.allWelcomedAt),
    allDrainedAt: maxAll((r) => r.allDrainedAt),
    rss: sum((r) => r.rss),
    lagMaxMs: Math.max(0, ...reports.map((r) => r.lagMaxMs)),
    lagMaxEverMs: Math.max(0, ...reports.map((r) => r.lagMaxEverMs)),
  };
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv);
  const say = (line: string) => process.stderr.write(line + '\n');
  const preliminary = await resolveTarget({ ...o, data: o.data, token: o.token }, false);
  const identities = await loadState(o.state, preliminary);
  const missing = o.agents - [...identities.keys()].filter((i) => i < o.agents).length;
  const target = missing > 0 && !preliminary.token ? await resolveTarget(o, true) : preliminary;
  const procs = Math.max(1, o.procs ?? Math.ceil(o.agents / AGENTS_PER_PROC));
  const sources = Math.max(1, o.sources ?? o.agents);
  say(`loadgen: ${o.agents} agents (${identities.size} known from state, ${Math.max(0, missing)} to enrol) in ${procs} process(es) from ${sources} source address(es) → ${target.url}`);

  const startedAt = Date.now();
  const reports = new Map<number, WorkerReport>();
  const finals = new Map<number, WorkerReport>();
  const children: ChildProcess[] = [];
  let stopReason = '';
  let fatal: string | null = null;
  let stateDirty = false;
  let drainedSince = 0;

  const stopAll = (reason: string) => {
    if (stopReason) return;
    stopReason = reason;
    for (const c of children) if (c.connected) c.send({ type: 'stop' } satisfies ParentMsg);
  };

  const share = Math.ceil(o.agents / procs);
  const exits: Promise<void>[] = [];
  for (let p = 0; p < procs; p++) {
    const from = p * share;
    const to = Math.min(o.agents, from + share);
    if (from >= to) break;
    const child = fork(join(here, 'loadgen-worker.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: ['--max-old-space-size=8192'] });
    children.push(child);
    child.on('message', (m: WorkerMsg) => {
      if (m.type === 'report') (m.final ? finals : reports).set(p, m);
      else if (m.type === 'identities') {
        for (const i of m.identities) identities.set(i.index, i);
        stateDirty = true;
      } else if (m.type === 'fatal') {
        fatal ??= m.message;
        say(`loadgen worker ${p}: ${m.message}`);
        stopAll('fatal');
      }
    });
    exits.push(new Promise((resolve) => child.once('exit', () => resolve())));
    const plan: WorkerPlan = {
      target,
      from,
      to,
      identities: [...identities.values()].filter((i) => i.index >= from && i.index < to),
      sources,
      intervalMs: o.interval * 1000,
      burst: o.burst,
      spool: o.spool,
      enrolConcurrency: o.enrolConcurrency,
      connectRate: o.connectRate / procs,
      tlsResume: o.tlsResume,
    };
    child.send({ type: 'plan', plan } satisfies ParentMsg);
  }
  process.once('SIGINT', () => stopAll('signal'));
  process.once('SIGTERM', () => stopAll('signal'));
  process.on('disconnect', () => stopAll('parent gone'));

  // State writes one at a time: two in flight share the temporary file, and the second rename failed
  // with ENOENT when the final write met a periodic one still running.
  let stateWrites: Promise<void> = Promise.resolve();
  const writeState = () => (stateWrites = stateWrites.catch(() => undefined).then(() => saveState(o.state!, target, identities)));
  let last = { at: startedAt, acked: 0, enrolled: 0 };
  const tick = setInterval(() => {
    const all = [...reports.values()];
    if (!all.length) return;
    const a = aggregate(all);
    const now = Date.now();
    const dt = (now - last.at) / 1000;
    const errs = Object.entries(a.errors).map(([k, v]) => `${k}=${v}`).join(' ');
    say(
      `[${((now - startedAt) / 1000).toFixed(0).padStart(5)} s] enrolled ${a.enrolled} (+${Math.round((a.enrolled - last.enrolled) / dt)}/s) connected ${a.connected}/${o.agents} ` +
        `welcomed ${a.welcomed} sent ${a.sent} acked ${a.acked} (+${Math.round((a.acked - last.acked) / dt)}/s) dup ${a.duplicates} lost ${a.lost} pending ${a.pending}` +
        ` rss ${Math.round(a.rss / 1e6)} MB lag ${a.lagMaxMs} ms${errs ? ` errors ${errs}` : ''}`,
    );
    last = { at: now, acked: a.acked, enrolled: a.enrolled };
    process.send?.({ type: 'progress', at: now, ...a });
    if (stateDirty && o.state) {
      stateDirty = false;
      void writeState().catch((err: Error) => say(`cannot write ${o.state}: ${err.message}`));
    }
    if (o.untilDrained && all.length === children.length && a.welcomed === o.agents && a.drained === o.agents) {
      drainedSince ||= now;
      if (now - drainedSince >= o.hold * 1000) stopAll('drained');
    }
    if (o.duration && now - startedAt >= o.duration * 1000) stopAll('duration');
  }, 2000);

  await Promise.all(exits);
  clearInterval(tick);
  if (o.state) await writeState();
  const finalReports = children.map((_, p) => finals.get(p) ?? reports.get(p)).filter((r): r is WorkerReport => Boolean(r));
  const a = aggregate(finalReports);
  const latencies = finalReports.flatMap((r) => r.counters.latencies ?? []).sort((x, y) => x - y);
  const endedAt = Date.now();
  const summary: LoadgenSummary = {
    agents: o.agents,
    procs: children.length,
    sources,
    startedAt,
    endedAt,
    seconds: Number(((endedAt - startedAt) / 1000).toFixed(1)),
    stop: stopReason || 'workers exited',
    fatal,
    enrolled: a.enrolled,
    welcomed: a.welcomed,
    connected: a.connected,
    sessions: a.sessions,
    spooled: a.spooled,
    sent: a.sent,
    resent: a.resent,
    acked: a.acked,
    duplicates: a.duplicates,
    confirmedByWelcome: a.confirmedByWelcome,
    lost: a.lost,
    resynced: a.resynced,
    pending: a.pending,
    errors: a.errors,
    firstSendAt: a.firstSendAt,
    lastAckAt: a.lastAckAt,
    allWelcomedAt: a.allWelcomedAt,
    allDrainedAt: a.allDrainedAt,
    ackedPerSecond: a.acked && a.lastAckAt > a.firstSendAt ? Math.round(a.acked / ((a.lastAckAt - a.firstSendAt) / 1000)) : 0,
    ackP50Ms: percentile(latencies, 50),
    ackP99Ms: percentile(latencies, 99),
    loadgenRssMb: Math.round(a.rss / 1e6),
    loadgenLagMaxMs: a.lagMaxEverMs,
  };
  say(
    `loadgen: stopped (${summary.stop}) after ${summary.seconds} s: ${summary.acked} acked (${summary.ackedPerSecond}/s, p50 ${summary.ackP50Ms} ms, p99 ${summary.ackP99Ms} ms), ` +
      `${summary.duplicates} duplicate acks, ${summary.lost} lost, ${summary.pending} pending`,
  );
  process.send?.({ type: 'summary', summary });
  if (o.json) console.log(JSON.stringify(summary));
  process.exitCode = fatal ? 1 : 0;
  // Leave once stdout and IPC have flushed.
  if (process.connected) process.disconnect();
}

main().catch((err: Error) => {
  console.error(`loadgen: ${err.message}`);
  process.exit(2);
});
