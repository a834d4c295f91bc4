// npm run bench [-- --json] [--quick] [--only a,b] [--skip a,b] [sizes…]: one table, every figure measured
// in this run on this machine. Parts (names for --only/--skip):
//   verify       bare ES256 verifies per second on one core, over a realistic attestation (and the bare
//                parsing each attestation needs besides: JSON, base64, SHA-256);
//   ws           bare TLS WebSocket messages per second on loopback (envelope-sized frames, one small ack
//                each, window 16; a separate server process that does nothing else);
//   floor        RSS per TLS WebSocket session of a process that holds sessions and does nothing else;
//   db           bare inserts per second of envelope-sized rows in transactions of 256, SQLite and PostgreSQL;
//   inprocess    collector ingest in this process, 20 agents (the original figure, kept for comparison);
//   ingest       collector ingest per second (verified, stored verbatim, evaluated, acked) on SQLite and on
//                PostgreSQL, collector started from its CLI, agents from `loadgen` in another process;
//   two          two collector processes on one PostgreSQL against one (same agents, same loadgen split);
//   connections  sessions held by one collector (`start --workers N`), RSS summed over its processes;
//   storm        SIGKILL the collector under held sessions, restart it, time until every attestation the
//                agents spooled meanwhile is acked, lost and duplicated counted in the database;
//   agent        wall time and peak RSS of one real agent check cycle.
// A part that fails reports its error in the table and the JSON instead of ending the run.
import { execFile, fork, spawn, type ChildProcess } from 'node:child_process';
import { createHash, verify, type KeyObject } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import pg from 'pg';
import { BENCH_DEVICE, benchEnvelope, percentile } from './bench-envelope.js';
import { freePort } from './free-port.js';
import WebSocket from 'ws';
import { runChecks } from '../agent/cycle.js';
import { checksFor } from '../agent/checks/registry.js';
import { nodeFiles } from '../agent/files.js';
import { generateDeviceKey, type DeviceKey } from '../agent/keystore.js';
import { createRunner } from '../agent/runner.js';
import { initDataDir, startCollector, type RunningCollector } from '../collector/server.js';
import { dataDir, loadConfig, saveConfig } from '../collector/config.js';
import { openPostgres } from '../collector/db/pg.js';
import { openSqlite } from '../collector/db/sqlite.js';
import type { Db } from '../collector/db/types.js';
import { createTlsMaterial, defaultServerNames } from '../collector/tls.js';
import { MAX_BATCH } from '../collector/ingest/service.js';
import { pae } from '../protocol/dsse.js';
import { ENROL_PROOF_TYPE, SESSION_PROOF_TYPE, signProof } from '../protocol/messages.js';
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { PAYLOAD_TYPE, type Predicate } from '../protocol/statement.js';
import { renderTable } from '../protocol/table.js';
import { allChecks, predicateFor, signedEnvelope, simDevice } from './fleet-sim.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import type { LoadgenSummary } from './loadgen.js';

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const num = (name: string, def: number) => {
  const i = argv.indexOf(name);
  return i >= 0 ? Number(argv[i + 1]) : def;
};
const list = (name: string) => {
  const i = argv.indexOf(name);
  return i >= 0 ? (argv[i + 1] ?? '').split(',').filter(Boolean) : null;
};
const json = flag('--json');
const quick = flag('--quick');
const ONLY = list('--only');
const SKIP = list('--skip') ?? (flag('--no-agent') ? ['agent'] : []);
const wants = (part: string) => (!ONLY || ONLY.includes(part)) && !SKIP.includes(part);

const DEVICES = num('--devices', 20);
const PER_DEVICE = num('--per-device', 50);
const INGEST_AGENTS = num('--ingest-agents', quick ? 50 : 100);
const INGEST_PER_AGENT = num('--ingest-per-agent', quick ? 40 : 100);
const INGEST_WORKERS = num('--ingest-workers', 0);
const CONNECTIONS = num('--connections', quick ? 2000 : 50_000);
const CONN_WORKERS = num('--workers', Math.max(1, Math.ceil(CONNECTIONS / 15_000)));
const CONNECT_RATE = num('--connect-rate', 1500);
const STORM_AGENTS = num('--storm-agents', quick ? 1000 : 10_000);
const STORM_SPOOL = num('--storm-spool', 3);
const STORM_DB = list('--storm-db')?.[0] ?? 'pg';
const STORM_PROCS = num('--storm-procs', 0); // load generator processes for the storm (0: the load generator's default)
const STORM_WORKERS = num('--storm-workers', STORM_DB === 'pg' ? 2 : 0);
/** Extra settings for the bench's PostgreSQL server: --pg-set max_wal_size=4GB,checkpoint_timeout=30min */
const PG_SET = Object.fromEntries(
  (list('--pg-set') ?? []).map((kv) => {
    const m = /^(\w+)=(.+)$/.exec(kv);
    if (!m) throw new Error(`--pg-set: expected name=value, got "${kv}"`);
    return [m[1]!, m[2]!];
  }),
);

const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = join(dist, 'collector', 'cli.js');
const LOADGEN = join(dist, 'scripts', 'loadgen.js');
const log = (s: string) => console.error(s);


type Part<T> = T | { error: string };
const failed = <T>(p: Part<T> | undefined): p is { error: string } => Boolean(p && typeof p === 'object' && 'error' in p);

async function part<T>(name: string, fn: () => Promise<T>): Promise<Part<T> | undefined> {
  if (!wants(name)) return undefined;
  log(`— ${name}`);
  try {
    const result = await fn();
    // Each figure as soon as it exists, so a run cut short still leaves what it measured.
    log(`${name}: ${JSON.stringify(result)}`);
    return result;
  } catch (err) {
    log(`${name} failed: ${(err as Error).stack ?? err}`);
    return { error: (err as Error).message.split('\n')[0]!.slice(0, 300) };
  }
}

// ---------------------------------------------------------------- shared helpers




const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS of a process and all its descendants, from /proc. */
function rssTree(root: number): { totalBytes: number; processes: { pid: number; rssBytes: number }[] } {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      /* exited while listing */
    }
  }
  const pids = [root];
  for (let i = 0; i < pids.length; i++) for (const [pid, pp] of parent) if (pp === pids[i]) pids.push(pid);
  const processes = pids.map((pid) => {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      return { pid, rssBytes: m ? Number(m[1]) * 1024 : 0 };
    } catch {
      return { pid, rssBytes: 0 };
    }
  });
  return { totalBytes: processes.reduce((n, p) => n + p.rssBytes, 0), processes };
}

const run = promisify(execFile);

async function initCollector(dir: string, opts: { port: number; databaseUrl?: string; poolSize?: number }): Promise<void> {
  const args = [CLI, 'init', '--data', dir, '--host', '127.0.0.1', '--port', String(opts.port)];
  if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl, '--pool-size', String(opts.poolSize ?? 10));
  await run(process.execPath, args);
}

interface CollectorProc {
  pid: number;
  url: string;
  startedAt: number;
  listeningAt: number;
  stop(): Promise<void>;
  /** SIGKILL to the whole process group: primary and workers die at once, as in a crash. */
  kill(): Promise<void>;
}

function startCollectorProc(dir: string, opts: { workers?: number; port?: number } = {}): Promise<CollectorProc> {
  const args = [CLI, 'start', '--data', dir];
  if (opts.workers) args.push('--workers', String(opts.workers));
  if (opts.port !== undefined) args.push('--port', String(opts.port));
  const startedAt = Date.now();
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-8000);
  };
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signalGroup = (sig: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, sig);
    } catch {
      /* already gone */
    }
  };
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => {
      signalGroup('SIGKILL');
      fail(new Error(`collector did not listen within 120 s: ${out}`));
    }, 120_000);
    const early = (code: number | null) => {
      clearTimeout(timer);
      fail(new Error(`collector exited (${code}) before listening: ${out}`));
    };
    child.once('exit', early);
    child.stdout!.on('data', (d: Buffer) => {
      keep(d);
      const m = /listening on (\S+)/.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.off('exit', early);
      child.stdout!.removeAllListeners('data');
      child.stdout!.on('data', keep);
      ok({
        pid: child.pid!,
        url: m[1]!,
        startedAt,
        listeningAt: Date.now(),
        async stop() {
          signalGroup('SIGTERM');
          await Promise.race([exited, sleep(15_000)]);
          signalGroup('SIGKILL');
          await exited;
        },
        async kill() {
          signalGroup('SIGKILL');
          await exited;
        },
      });
    });
  });
}

interface LoadgenRun {
  child: ChildProcess;
  done: Promise<LoadgenSummary>;
  stop(): void;
}

interface LoadgenProgress {
  at: number;
  welcomed: number;
  connected: number;
  acked: number;
  spooled: number;
  /** Longest event-loop stall of a load generator process since its previous report, ms. */
  lagMaxMs: number;
  errors: Record<string, number>;
}

function startLoadgen(args: string[], onProgress?: (p: LoadgenProgress) => void): LoadgenRun {
  const child = fork(LOADGEN, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const done = new Promise<LoadgenSummary>((ok, fail) => {
    let summary: LoadgenSummary | null = null;
    child.on('message', (m: { type: string; summary?: LoadgenSummary } & LoadgenProgress) => {
      if (m.type === 'summary') summary = m.summary!;
      else if (m.type === 'progress') onProgress?.(m);
    });
    child.once('exit', (code) => (summary ? ok(summary) : fail(new Error(`loadgen exited with ${code} and no summary`))));
  });
  return { child, done, stop: () => child.kill('SIGTERM') };
}

async function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, fail) => {
    timer = setTimeout(() => {
      onTimeout();
      fail(new Error(`${what} did not finish within ${Math.round(ms / 1000)} s`));
    }, ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

async function openCollectorDb(dir: string): Promise<Db> {
  const d = dataDir(dir);
  const config = await loadConfig(d);
  return config.database ? openPostgres(config.database.url, { max: 2 }) : openSqlite(d.dbFile);
}

async function countStored(dir: string): Promise<{ rows: number; distinct: number; devices: number }> {
  const db = await openCollectorDb(dir);
  try {
    const r = await db.get<{ rows: number; distinct: number; devices: number }>(
      'SELECT COUNT(*) AS rows, COUNT(DISTINCT sha256) AS "distinct", COUNT(DISTINCT device_id) AS devices FROM envelopes',
    );
    return { rows: Number(r!.rows), distinct: Number(r!.distinct), devices: Number(r!.devices) };
  } finally {
    await db.close();
  }
}

/** PostgreSQL checkpoints so far (timed and requested), to tell a storm that met one from one that did not. */
async function pgCheckpoints(dir: string): Promise<{ timed: number; requested: number } | null> {
  const db = await openCollectorDb(dir);
  try {
    const r = await db.get<{ timed: number; requested: number }>('SELECT checkpoints_timed AS timed, checkpoints_req AS requested FROM pg_stat_bgwriter');
    return { timed: Number(r!.timed), requested: Number(r!.requested) };
  } catch {
    return null; // SQLite, or a server where the view moved (pg_stat_checkpointer, PostgreSQL 17)
  } finally {
    await db.close();
  }
}

let pgCluster: PgCluster | null = null;
let pgSeq = 0;
async function pgDatabase(): Promise<string> {
  pgCluster ??= await startPgCluster({ settings: { max_connections: 300, ...PG_SET } });
  return pgCluster.createDatabase(`bench_${process.pid}_${++pgSeq}`);
}

/** A fresh collector data directory on the wanted database, initialised through the CLI. */
async function collectorDir(db: 'sqlite' | 'pg', port: number, poolSize = 10): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  await initCollector(dir, { port, ...(db === 'pg' ? { databaseUrl: await pgDatabase(), poolSize } : {}) });
  return dir;
}

// ---------------------------------------------------------------- parts

/** Bare verifies of one signed envelope, the way ingest checks it (ES256 over the PAE bytes), for 3 s. */
function verifyRate(envelopeText: string, publicKey: KeyObject): { perSecond: number; envelopeBytes: number } {
  const env = JSON.parse(envelopeText);
  const body = Buffer.from(env.payload, 'base64');
  const sig = Buffer.from(env.signatures[0].sig, 'base64');
  const message = pae(PAYLOAD_TYPE, body);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 3000) {
    for (let i = 0; i < 100; i++) if (verify('sha256', message, publicKey, sig)) n++;
  }
  return { perSecond: Math.round(n / ((performance.now() - start) / 1000)), envelopeBytes: envelopeText.length };
}

/**
 * The loadgen's payload (scripts/fleet-sim.ts, what the ingest figures carry) is the basis of the
 * ingest ÷ verify ratio; this machine's real check facts are measured too.
 */
async function benchVerify(checks: Predicate['checks']) {
  const d = simDevice(0);
  const at = new Date().toISOString();
  const fleetEnvelope = signedEnvelope(d, predicateFor(d, 1, d.digest, at, allChecks(d, 0, Math.floor(Date.now() / 86_400_000), at)));
  const fleet = verifyRate(fleetEnvelope, d.publicKey);
  const key = generateDeviceKey();
  const realFacts = verifyRate(benchEnvelope(key, 1, key.digest, checks), key.publicKey);
  return { ...fleet, realFacts, parse: parseRate(fleetEnvelope) };
}

/** Envelope-sized frames over TLS WebSockets to a server process that only acks: the transport's ceiling. */
async function benchWebSocket(frameBytes: number): Promise<{ messagesPerSecond: number; connections: number; frameBytes: number; messages: number }> {
  const tls = createTlsMaterial(defaultServerNames(['127.0.0.1']));
  const server = fork(join(dist, 'scripts', 'bench-ws-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  try {
    const port = await new Promise<number>((ok, fail) => {
      server.once('message', (m: { port: number }) => ok(m.port));
      server.once('exit', (code) => fail(new Error(`ws server exited (${code})`)));
      server.send({ cert: tls.certPem, key: tls.keyPem });
    });
    const connections = 20;
    const perConnection = quick ? 1000 : 4000;
    const frame = JSON.stringify({ v: 1, type: 'attestation', seq: 1, envelope: 'x'.repeat(Math.max(0, frameBytes - 60)) });
    const sockets = await Promise.all(
      Array.from({ length: connections }, () => {
        const ws = new WebSocket(`wss://127.0.0.1:${port}/`, { ca: tls.caPem, perMessageDeflate: false });
        return new Promise<WebSocket>((ok, fail) => {
          ws.once('open', () => ok(ws));
          ws.once('error', fail);
        });
      }),
    );
    const start = performance.now();
    await Promise.all(
      sockets.map(
        (ws) =>
          new Promise<void>((ok) => {
            let sent = 0;
            let acked = 0;
            const pump = () => {
              while (sent < perConnection && sent - acked < 16) {
                sent++;
                ws.send(frame);
              }
            };
            ws.on('message', () => {
              if (++acked === perConnection) ok();
              else pump();
            });
            pump();
          }),
      ),
    );
    const seconds = (performance.now() - start) / 1000;
    sockets.forEach((ws) => ws.close());
    const messages = connections * perConnection;
    return { messagesPerSecond: Math.round(messages / seconds), connections, frameBytes: frame.length, messages };
  } finally {
    server.kill();
  }
}

/**
 * What one TLS WebSocket session costs a Node process that holds it and does nothing else (the
 * bench-ws-server process, the collector's TLS and ws settings): the floor under the collector's RSS per
 * session. Measured idle after the handshake, then after one envelope-sized frame on each session (what
 * every agent sends each interval).
 */
async function benchSessionFloor(frameBytes: number) {
  const sessions = quick ? 1000 : 5000;
  const tls = createTlsMaterial(defaultServerNames(['127.0.0.1']));
  const server = fork(join(dist, 'scripts', 'bench-ws-server.js'), [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const rss = () =>
    new Promise<{ rss: number; sessions: number }>((ok) => {
      server.once('message', (m: { rss: number; sessions: number }) => ok(m));
      server.send({ type: 'rss' });
    });
  const sockets: WebSocket[] = [];
  try {
    const port = await new Promise<number>((ok, fail) => {
      server.once('message', (m: { port: number }) => ok(m.port));
      server.once('exit', (code) => fail(new Error(`ws server exited (${code})`)));
      server.send({ cert: tls.certPem, key: tls.keyPem });
    });
    await sleep(1000);
    const before = await rss();
    const open = () => {
      const ws = new WebSocket(`wss://127.0.0.1:${port}/`, { ca: tls.caPem, perMessageDeflate: false });
      sockets.push(ws);
      return new Promise<void>((ok, fail) => {
        ws.once('open', () => ok());
        ws.once('error', fail);
      });
    };
    for (let i = 0; i < sessions; i += 100) await Promise.all(Array.from({ length: Math.min(100, sessions - i) }, open));
    await sleep(3000);
    const idle = await rss();
    const frame = JSON.stringify({ v: 1, type: 'attestation', seq: 1, envelope: 'x'.repeat(Math.max(0, frameBytes - 60)) });
    await Promise.all(sockets.map((ws) => new Promise<void>((ok) => (ws.once('message', () => ok()), ws.send(frame)))));
    await sleep(3000);
    const used = await rss();
    const kb = (r: { rss: number }) => Number(((r.rss - before.rss) / sessions / 1024).toFixed(1));
    return {
      sessions: idle.sessions,
      rssBeforeMb: Math.round(before.rss / 1e6),
      idleKbPerSession: kb(idle),
      afterOneFrameKbPerSession: kb(used),
      frameBytes: frame.length,
      /** 50,000 such sessions, idle, in MB: the transport alone, before any collector state. */
      projected50kIdleMb: Math.round((before.rss + ((idle.rss - before.rss) / sessions) * 50_000) / 1e6),
    };
  } finally {
    sockets.forEach((ws) => ws.terminate());
    server.kill();
  }
}

/**
 * The parsing every attestation needs before and besides its signature check, on one core: the frame's
 * JSON, the envelope's JSON, the base64 payload, the statement's JSON, and the SHA-256 of the stored bytes.
 */
function parseRate(envelopeText: string): { perSecond: number } {
  const frame = JSON.stringify({ v: 1, type: 'attestation', seq: 1, envelope: envelopeText });
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 3000) {
    for (let i = 0; i < 20; i++) {
      const msg = JSON.parse(frame) as { envelope: string };
      const env = JSON.parse(msg.envelope) as { payload: string };
      const statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { predicate?: unknown };
      createHash('sha256').update(msg.envelope).digest();
      if (statement.predicate) n++;
    }
  }
  return { perSecond: Math.round(n / ((performance.now() - start) / 1000)) };
}

/** Rows shaped like `envelopes`, inserted one statement each inside transactions of MAX_BATCH, as ingest does. */
async function benchInserts(db: Db, bytes: Buffer): Promise<{ insertsPerSecond: number; batch: number; rows: number }> {
  await db.run(
    `CREATE TABLE bench_envelopes (device_id TEXT NOT NULL, seq INTEGER NOT NULL, sha256 TEXT NOT NULL, bytes ${db.kind === 'pg' ? 'BYTEA' : 'BLOB'} NOT NULL,
       collected_at TEXT NOT NULL, received_at TEXT NOT NULL, policy_version TEXT NOT NULL, PRIMARY KEY (device_id, seq))`,
  );
  let rows = 0;
  const start = performance.now();
  while (performance.now() - start < (quick ? 2000 : 5000)) {
    await db.tx(async (q) => {
      for (let i = 0; i < MAX_BATCH; i++) {
        rows++;
        const at = new Date().toISOString();
        await q.run('INSERT INTO bench_envelopes (device_id, seq, sha256, bytes, collected_at, received_at, policy_version) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          `dev_${rows % 1000}`,
          rows,
          createHash('sha256').update(String(rows)).digest('hex'),
          bytes,
          at,
          at,
          'bench',
        ]);
      }
    });
  }
  return { insertsPerSecond: Math.round(rows / ((performance.now() - start) / 1000)), batch: MAX_BATCH, rows };
}

async function benchDb(envelopeBytes: number) {
  const bytes = Buffer.alloc(envelopeBytes, 0x61);
  const out: { sqlite?: Part<Awaited<ReturnType<typeof benchInserts>>>; pg?: Part<Awaited<ReturnType<typeof benchInserts>>> } = {};
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-db-'));
  try {
    out.sqlite = await part('db', async () => {
      const db = await openSqlite(join(dir, 'bench.sqlite'));
      try {
        return await benchInserts(db, bytes);
      } finally {
        await db.close();
      }
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  out.pg = await part('db', async () => {
    const db = await openPostgres(await pgDatabase(), { max: 2 });
    try {
      return await benchInserts(db, bytes);
    } finally {
      await db.close();
    }
  });
  return out;
}

async function enrolDevice(c: RunningCollector): Promise<{ key: DeviceKey; id: string }> {
  const key = generateDeviceKey();
  const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'bench' });
  const ch = await c.services.enrolment.challenge(t.token, '127.0.0.1');
  const res = await c.services.enrolment.enrol(
    { v: 1, token: t.token, nonce: ch.nonce, publicKey: key.publicKeyPem, device: BENCH_DEVICE, agentVersion: 'bench', proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: key.publicKeyPem, token: t.token }, key.privateKey) },
    '127.0.0.1',
  );
  return { key, id: res.deviceId };
}

async function streamDevice(c: RunningCollector, key: DeviceKey, id: string, envelopes: string[], latencies: number[]): Promise<void> {
  const ws = new WebSocket(c.url.replace('https', 'wss') + '/api/v1/stream', { ca: c.caPem });
  const sentAt = new Map<number, number>();
  let next = 0;
  let window = 16;
  await new Promise<void>((resolveDone, reject) => {
    ws.on('error', reject);
    const pump = () => {
      while (next < envelopes.length && sentAt.size < window) {
        const seq = ++next;
        sentAt.set(seq, performance.now());
        ws.send(JSON.stringify({ v: 1, type: 'attestation', seq, envelope: envelopes[seq - 1] }));
      }
    };
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'challenge') {
        const time = new Date().toISOString();
        ws.send(JSON.stringify({ v: 1, type: 'hello', deviceId: id, nonce: m.nonce, time, agentVersion: 'bench', proof: signProof(SESSION_PROOF_TYPE, { nonce: m.nonce, deviceId: id, time }, key.privateKey) }));
      } else if (m.type === 'welcome') {
        window = m.window;
        pump();
      } else if (m.type === 'ack') {
        latencies.push(performance.now() - sentAt.get(m.seq)!);
        sentAt.delete(m.seq);
        if (m.seq === envelopes.length) {
          ws.close();
          resolveDone();
        } else pump();
      } else if (m.type === 'error') reject(new Error(`${m.code} ${m.message}`));
    });
  });
}

async function benchInProcess(checks: Predicate['checks']) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-'));
  try {
    const init = await initDataDir(dir, { host: '127.0.0.1', port: 0 });
    await saveConfig(init.dir, { ...init.config });
    const c = await startCollector(dir);
    try {
      const devices = [];
      for (let i = 0; i < DEVICES; i++) devices.push(await enrolDevice(c));
      // Sign everything up front: the figure is the collector's, not the signer's.
      const prepared = devices.map(({ key, id }) => {
        const out: string[] = [];
        let prev = key.digest;
        for (let s = 1; s <= PER_DEVICE; s++) {
          const e = benchEnvelope(key, s, prev, checks);
          out.push(e);
          prev = createHash('sha256').update(e).digest('hex');
        }
        return { key, id, envelopes: out };
      });
      const latencies: number[] = [];
      const start = performance.now();
      await Promise.all(prepared.map((d) => streamDevice(c, d.key, d.id, d.envelopes, latencies)));
      const seconds = (performance.now() - start) / 1000;
      const stored = (await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes'))!.n;
      latencies.sort((a, b) => a - b);
      return {
        devices: DEVICES,
        attestations: stored,
        perSecond: Math.round(stored / seconds),
        ackP50Ms: Number(percentile(latencies, 50).toFixed(1)),
        ackP99Ms: Number(percentile(latencies, 99).toFixed(1)),
      };
    } finally {
      await c.close();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

interface IngestResult {
  db: string;
  collectorProcesses: number;
  agents: number;
  attestations: number;
  stored: number;
  perSecond: number;
  ackP50Ms: number | null;
  ackP99Ms: number | null;
  duplicates: number;
  errors: Record<string, number>;
}

/** Collector from its CLI, agents from loadgen (each agent's spool signed before it connects). */
async function benchIngest(db: 'sqlite' | 'pg'): Promise<IngestResult> {
  const dir = await collectorDir(db, await freePort());
  try {
    const c = await startCollectorProc(dir, { workers: INGEST_WORKERS || undefined });
    try {
      const lg = startLoadgen(['--data', dir, '--agents', String(INGEST_AGENTS), '--spool', String(INGEST_PER_AGENT), '--until-drained', '--procs', '1']);
      const s = await withTimeout(lg.done, 600_000, 'ingest', lg.stop);
      const stored = await countStored(dir);
      return {
        db,
        collectorProcesses: INGEST_WORKERS || 1,
        agents: INGEST_AGENTS,
        attestations: s.acked,
        stored: stored.rows,
        perSecond: s.ackedPerSecond,
        ackP50Ms: s.ackP50Ms,
        ackP99Ms: s.ackP99Ms,
        duplicates: s.duplicates,
        errors: s.errors,
      };
    } finally {
      await c.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Ingest through one collector process and through two on the same PostgreSQL database: the same agents
 * split over two loadgen processes in both runs, so only the collector side changes.
 */
async function benchTwoCollectors() {
  const runWith = async (collectors: 1 | 2) => {
    const dir = await collectorDir('pg', await freePort());
    const procs: CollectorProc[] = [];
    try {
      procs.push(await startCollectorProc(dir));
      if (collectors === 2) procs.push(await startCollectorProc(dir, { port: await freePort() }));
      const caFile = (await loadConfig(dataDir(dir))).tls.ca;
      const { stdout } = await run(process.execPath, [CLI, 'token', 'create', '--data', dir, '--max-uses', String(INGEST_AGENTS), '--json']);
      const token = JSON.parse(stdout).enrolment as string;
      const half = Math.ceil(INGEST_AGENTS / 2);
      const runs = [0, 1].map((i) =>
        startLoadgen(['--url', procs[i % procs.length]!.url, '--ca', caFile, '--token', token, '--agents', String(half), '--spool', String(INGEST_PER_AGENT), '--until-drained', '--procs', '1']),
      );
      const sums = await withTimeout(Promise.all(runs.map((r) => r.done)), 600_000, 'two-collector ingest', () => runs.forEach((r) => r.stop()));
      const acked = sums.reduce((n, s) => n + s.acked, 0);
      const first = Math.min(...sums.map((s) => s.firstSendAt));
      const last = Math.max(...sums.map((s) => s.lastAckAt));
      const stored = await countStored(dir);
      return { collectors, acked, stored: stored.rows, perSecond: Math.round(acked / ((last - first) / 1000)) };
    } finally {
      for (const p of procs) await p.stop();
      await rm(dir, { recursive: true, force: true });
    }
  };
  const one = await runWith(1);
  const two = await runWith(2);
  return { agents: INGEST_AGENTS, attestations: one.acked, one, two, ratio: Number((two.perSecond / one.perSecond).toFixed(2)) };
}

/** Sessions held by one collector service (primary + workers), RSS over all of its processes. */
async function benchConnections() {
  const dir = await collectorDir('pg', await freePort(), 5);
  try {
    const c = await startCollectorProc(dir, { workers: CONN_WORKERS });
    try {
      await sleep(3000);
      const idle = rssTree(c.pid);
      let allConnectedAt = 0;
      let maxConnected = 0;
      let held: ReturnType<typeof rssTree> | null = null;
      let heldConnected = 0;
      const startedAt = Date.now();
      const lg = startLoadgen(
        ['--data', dir, '--agents', String(CONNECTIONS), '--until-drained', '--hold', '20', '--connect-rate', String(CONNECT_RATE), '--enrol-concurrency', '24', '--duration', '1500'],
        (p) => {
          maxConnected = Math.max(maxConnected, p.connected);
          if (p.connected === CONNECTIONS && !allConnectedAt) allConnectedAt = p.at;
          // Sampled while every session is open, after they have settled for a few seconds.
          if (allConnectedAt && p.at - allConnectedAt >= 10_000 && p.connected === CONNECTIONS) {
            const r = rssTree(c.pid);
            if (!held || r.totalBytes > held.totalBytes) {
              held = r;
              heldConnected = p.connected;
            }
          }
        },
      );
      const s = await withTimeout(lg.done, 1_600_000, 'connections', lg.stop);
      const sample = held ?? rssTree(c.pid);
      const connected = held ? heldConnected : maxConnected;
      const heldSample = sample as ReturnType<typeof rssTree>;
      return {
        target: CONNECTIONS,
        connected,
        collectorProcesses: heldSample.processes.length,
        workers: CONN_WORKERS,
        rssIdleMb: Math.round(idle.totalBytes / 1e6),
        rssMb: Math.round(heldSample.totalBytes / 1e6),
        rssPerProcessMb: heldSample.processes.map((p) => Math.round(p.rssBytes / 1e6)),
        rssPerConnectionKb: connected ? Number(((heldSample.totalBytes - idle.totalBytes) / connected / 1024).toFixed(1)) : null,
        secondsToConnectAll: allConnectedAt ? Math.round((allConnectedAt - startedAt) / 1000) : null,
        enrolled: s.enrolled,
        loadgenProcesses: s.procs,
        loadgenRssMb: s.loadgenRssMb,
        errors: s.errors,
      };
    } finally {
      await c.stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Reconnect storm: agents hold sessions; the collector is SIGKILLed; meanwhile every agent spools K
 * attestations; the collector restarts on the same port; time from the restart until the last of them is
 * acked. Lost and duplicated are counted in the database, not only by the agents.
 */
async function benchStorm() {
  const port = await freePort();
  const db = STORM_DB === 'sqlite' ? 'sqlite' : 'pg';
  const dir = await collectorDir(db, port);
  const stateFile = join(dir, 'loadgen-state.json');
  const workers = STORM_WORKERS || undefined;
  try {
    let c = await startCollectorProc(dir, { workers });
    let restarted: CollectorProc | null = null;
    try {
      // 1. Every agent enrolled and connected.
      let connectedAll!: () => void;
      const allConnected = new Promise<void>((r) => (connectedAll = r));
      const holding = startLoadgen(
        ['--data', dir, '--agents', String(STORM_AGENTS), '--until-drained', '--hold', '3600', '--connect-rate', String(CONNECT_RATE), '--state', stateFile, '--enrol-concurrency', '24'],
        (p) => {
          if (p.connected === STORM_AGENTS) connectedAll();
        },
      );
      await withTimeout(Promise.race([allConnected, holding.done.then(() => Promise.reject(new Error('holding loadgen ended early')))]), 900_000, 'storm set-up', holding.stop);
      // 2. Crash with every session open.
      await c.kill();
      holding.stop();
      await holding.done;
      // 3. Agents (same identities) with K attestations each that could not be delivered, backing off. The
      // restart waits until every agent has its spool signed and has failed to connect at least once, as a
      // fleet has by the time its collector comes back: the load generator signing 30,000 envelopes is
      // not part of the collector's recovery.
      let inBackoff!: () => void;
      const spooledAndRefused = new Promise<void>((r) => (inBackoff = r));
      const refusals = (p: LoadgenProgress) => Object.values(p.errors).reduce((n, k) => n + k, 0);
      let restartAt = 0;
      let loadgenLagMaxMs = 0; // after the restart only: signing the spools before it stalls the loop too
      const procs = STORM_PROCS ? ['--procs', String(STORM_PROCS)] : [];
      const storm = startLoadgen(['--data', dir, '--agents', String(STORM_AGENTS), '--spool', String(STORM_SPOOL), '--state', stateFile, '--until-drained', ...procs], (p) => {
        if (p.spooled === STORM_AGENTS * STORM_SPOOL && refusals(p) >= STORM_AGENTS) inBackoff();
        if (restartAt) loadgenLagMaxMs = Math.max(loadgenLagMaxMs, p.lagMaxMs);
      });
      await withTimeout(Promise.race([spooledAndRefused, storm.done.then(() => Promise.reject(new Error('storm loadgen ended early')))]), 600_000, 'storm spooling', storm.stop);
      await sleep(5000);
      // 4. Restart on the same port.
      const checkpointsBefore = db === 'pg' ? await pgCheckpoints(dir) : null;
      restartAt = Date.now();
      restarted = await startCollectorProc(dir, { workers });
      const s = await withTimeout(storm.done, 600_000, 'storm recovery', storm.stop);
      const expected = STORM_AGENTS * STORM_SPOOL;
      const stored = await countStored(dir);
      const checkpointsAfter = db === 'pg' ? await pgCheckpoints(dir) : null;
      return {
        db,
        checkpointsDuringRecovery:
          checkpointsBefore && checkpointsAfter
            ? { timed: checkpointsAfter.timed - checkpointsBefore.timed, requested: checkpointsAfter.requested - checkpointsBefore.requested }
            : null,
        collectorProcesses: (workers ?? 0) + 1,
        agents: STORM_AGENTS,
        spoolPerAgent: STORM_SPOOL,
        expected,
        acked: s.acked + s.confirmedByWelcome,
        stored: stored.rows,
        lost: Math.max(0, expected - stored.rows) + s.lost,
        storedDuplicates: stored.rows - stored.distinct,
        duplicateAcks: s.duplicates,
        collectorRestartSeconds: Number(((restarted.listeningAt - restartAt) / 1000).toFixed(1)),
        recoverySeconds: s.allDrainedAt ? Number(((s.allDrainedAt - restartAt) / 1000).toFixed(1)) : null,
        errors: s.errors,
        loadgenLagMaxMs,
      };
    } finally {
      await (restarted ?? c).stop();
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** One real check cycle in a child process; peak RSS from /proc (VmHWM), sampled until exit. */
function benchAgentCycle(): Promise<{ wallMs: number; peakRssMb: number }> {
  return new Promise((resolveRun, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [join(dist, 'agent', 'bin.js'), 'check', '--json'], { stdio: ['ignore', 'ignore', 'ignore'] });
    let hwmKb = 0;
    const sample = setInterval(() => {
      try {
        const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
        if (m) hwmKb = Math.max(hwmKb, Number(m[1]));
      } catch {
        /* exited between samples */
      }
    }, 20);
    child.on('error', reject);
    child.on('exit', () => {
      clearInterval(sample);
      resolveRun({ wallMs: Math.round(performance.now() - started), peakRssMb: Math.round(hwmKb / 1024) });
    });
  });
}

// ---------------------------------------------------------------- report

async function openFileLimit(): Promise<number | null> {
  try {
    const m = /Max open files\s+(\d+)/.exec(await readFile('/proc/self/limits', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

const show = (p: unknown, fn: (v: never) => unknown): unknown => (p === undefined ? 'skipped' : failed(p as Part<unknown>) ? `FAILED: ${(p as { error: string }).error}` : fn(p as never));

async function main() {
  // Other work on the machine skews every figure: recorded so a reader can tell.
  const loadAverageAtStart = loadavg().map((x) => Number(x.toFixed(1)));
  log('collecting this machine\'s real check facts for a realistic payload…');
  const results = await runChecks(checksFor(process.platform), { run: createRunner(), files: nodeFiles, now: () => Date.now() }, DEFAULT_POLICY, 'workstation');
  const checks = results.map((r) => ({ id: r.id, status: r.status, facts: r.facts ?? null, evidence: r.evidence, ...(r.reason ? { reason: r.reason } : {}) }));

  const verifyR = await part('verify', () => benchVerify(checks));
  const envelopeBytes = verifyR && !failed(verifyR) ? verifyR.envelopeBytes : 6000;
  const ws = await part('ws', () => benchWebSocket(envelopeBytes));
  const sessionFloor = await part('floor', () => benchSessionFloor(envelopeBytes));
  const db = wants('db') ? await benchDb(envelopeBytes) : undefined;
  const inprocess = await part('inprocess', () => benchInProcess(checks));
  const ingestSqlite = await part('ingest', () => benchIngest('sqlite'));
  const ingestPg = await part('ingest', () => benchIngest('pg'));
  const two = await part('two', () => benchTwoCollectors());
  const storm = await part('storm', () => benchStorm());
  const connections = await part('connections', () => benchConnections());
  const agent = await part('agent', async () => {
    const cycles = [await benchAgentCycle(), await benchAgentCycle(), await benchAgentCycle()];
    return { cycleMsMedian: cycles.map((c) => c.wallMs).sort((a, b) => a - b)[1]!, peakRssMb: Math.max(...cycles.map((c) => c.peakRssMb)) };
  });
  await pgCluster?.stop();

  const verifyRate = verifyR && !failed(verifyR) ? verifyR.perSecond : null;
  const ratio = (r: Part<IngestResult> | undefined) => (verifyRate && r && !failed(r) ? Number((r.perSecond / verifyRate).toFixed(3)) : null);
  const targets = [
    { name: 'ingest ÷ bare verify, SQLite', target: '≥ 0.5', measured: ratio(ingestSqlite), met: (ratio(ingestSqlite) ?? 0) >= 0.5 },
    { name: 'ingest ÷ bare verify, PostgreSQL', target: '≥ 0.5', measured: ratio(ingestPg), met: (ratio(ingestPg) ?? 0) >= 0.5 },
    {
      name: `sessions held, RSS (all collector processes)`,
      target: '50,000 with ≤ 1 GB',
      measured: connections && !failed(connections) ? `${connections.connected} with ${connections.rssMb} MB` : null,
      met: Boolean(connections && !failed(connections) && connections.connected >= 50_000 && connections.rssMb <= 1000),
    },
    {
      name: 'reconnect storm: all acked, none lost or duplicated',
      target: '10,000 agents, ≤ 60 s',
      measured: storm && !failed(storm) ? `${storm.agents} agents, ${storm.recoverySeconds ?? 'never'} s, lost ${storm.lost}, duplicated ${storm.storedDuplicates}` : null,
      met: Boolean(storm && !failed(storm) && storm.agents >= 10_000 && storm.recoverySeconds !== null && storm.recoverySeconds <= 60 && storm.lost === 0 && storm.storedDuplicates === 0),
    },
    { name: 'two collectors ÷ one, PostgreSQL', target: '≥ 1.6', measured: two && !failed(two) ? two.ratio : null, met: Boolean(two && !failed(two) && two.ratio >= 1.6) },
  ];
  const out = {
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? null, node: process.version, openFileLimit: await openFileLimit(), loadAverageAtStart, loadAverageAtEnd: loadavg().map((x) => Number(x.toFixed(1))) },
    verify: verifyR,
    ws,
    sessionFloor,
    db,
    inprocess,
    ingest: { sqlite: ingestSqlite, pg: ingestPg, verifyRatio: { sqlite: ratio(ingestSqlite), pg: ratio(ingestPg) } },
    two,
    connections,
    storm,
    agent,
    targets,
  };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  const ing = (r: Part<IngestResult> | undefined, label: string) => [
    [`collector ingest / s, ${label} (${INGEST_AGENTS} agents × ${INGEST_PER_AGENT}, CLI collector ${INGEST_WORKERS ? `${INGEST_WORKERS} workers` : '1 process'}, loadgen process)`, show(r, (v: IngestResult) => `${v.perSecond} (${v.stored} stored)`)],
    [`  ack latency p50 / p99 (ms), ${label}`, show(r, (v: IngestResult) => `${v.ackP50Ms} / ${v.ackP99Ms}`)],
    [`  ingest ÷ bare verify, ${label}`, show(r, () => ratio(r))],
  ];
  type Conn = Exclude<typeof connections, { error: string } | undefined>;
  type Storm = Exclude<typeof storm, { error: string } | undefined>;
  type Two = Exclude<typeof two, { error: string } | undefined>;
  type Floor = Exclude<typeof sessionFloor, { error: string } | undefined>;
  const rows: unknown[][] = [
    ['machine', `${out.machine.cpus} × ${out.machine.cpuModel}, node ${out.machine.node}, open files ${out.machine.openFileLimit}`],
    ['load average (1/5/15 min) at start / end, other work included', `${loadAverageAtStart.join(' ')} / ${out.machine.loadAverageAtEnd.join(' ')}`],
    ['envelope size (bytes, simulated fleet: what loadgen sends)', show(verifyR, (v: { envelopeBytes: number }) => v.envelopeBytes)],
    ['bare ES256 verifies / s (1 core, that envelope)', show(verifyR, (v: { perSecond: number }) => v.perSecond)],
    ["bare ES256 verifies / s (1 core, this machine's real facts)", show(verifyR, (v: { realFacts: { perSecond: number; envelopeBytes: number } }) => `${v.realFacts.perSecond} (${v.realFacts.envelopeBytes} bytes)`)],
    ['bare parse / s (1 core, that envelope: frame, envelope and statement JSON, base64, SHA-256)', show(verifyR, (v: { parse: { perSecond: number } }) => v.parse.perSecond)],
    ['bare TLS WebSocket messages / s (envelope-sized, acked, loopback)', show(ws, (v: { messagesPerSecond: number }) => v.messagesPerSecond)],
    ['bare TLS WebSocket session RSS (KB each, idle / after one envelope; process holding only them)', show(sessionFloor, (v: Floor) => `${v.idleKbPerSession} / ${v.afterOneFrameKbPerSession} (${v.sessions} sessions)`)],
    ['  50,000 such idle sessions, transport alone (MB)', show(sessionFloor, (v: Floor) => v.projected50kIdleMb)],
    [`bare inserts / s, SQLite (envelope rows, ${MAX_BATCH} per transaction)`, show(db?.sqlite, (v: { insertsPerSecond: number }) => v.insertsPerSecond)],
    [`bare inserts / s, PostgreSQL (durable, ${MAX_BATCH} per transaction)`, show(db?.pg, (v: { insertsPerSecond: number }) => v.insertsPerSecond)],
    [`in-process ingest / s (${DEVICES} agents, SQLite)`, show(inprocess, (v: { perSecond: number; ackP50Ms: number; ackP99Ms: number }) => `${v.perSecond} (p50 ${v.ackP50Ms} ms, p99 ${v.ackP99Ms} ms)`)],
    ...ing(ingestSqlite, 'SQLite'),
    ...ing(ingestPg, 'PostgreSQL'),
    ['ingest / s, one collector process on PostgreSQL (2 loadgens)', show(two, (v: Two) => v.one.perSecond)],
    ['ingest / s, two collector processes on one PostgreSQL', show(two, (v: Two) => v.two.perSecond)],
    ['  two ÷ one', show(two, (v: Two) => v.ratio)],
    [`sessions held by one collector (${CONN_WORKERS} workers + primary)`, show(connections, (v: Conn) => `${v.connected} of ${v.target}`)],
    ['  collector RSS, sum of all its processes (MB)', show(connections, (v: Conn) => `${v.rssMb} (idle ${v.rssIdleMb}; per process ${v.rssPerProcessMb.join(' + ')})`)],
    ['  RSS per session (KB, above idle)', show(connections, (v: Conn) => v.rssPerConnectionKb)],
    ['  time to enrol and connect all (s)', show(connections, (v: Conn) => v.secondsToConnectAll)],
    [`reconnect storm: agents × spooled (${STORM_DB}, ${STORM_WORKERS || 1} collector process(es))`, show(storm, (v: Storm) => `${v.agents} × ${v.spoolPerAgent} = ${v.expected}`)],
    ['  collector restart → listening (s)', show(storm, (v: Storm) => v.collectorRestartSeconds)],
    ['  restart → every spooled attestation acked (s)', show(storm, (v: Storm) => v.recoverySeconds ?? 'not all acked')],
    ['  stored / lost / duplicated rows / duplicate acks', show(storm, (v: Storm) => `${v.stored} / ${v.lost} / ${v.storedDuplicates} / ${v.duplicateAcks}`)],
    ['  load generator: longest event-loop stall after the restart (ms)', show(storm, (v: Storm) => v.loadgenLagMaxMs)],
    ['  PostgreSQL checkpoints during recovery (timed / requested)', show(storm, (v: Storm) => (v.checkpointsDuringRecovery ? `${v.checkpointsDuringRecovery.timed} / ${v.checkpointsDuringRecovery.requested}` : 'n/a'))],
    ['agent check cycle, wall (ms, median of 3)', show(agent, (v: { cycleMsMedian: number }) => v.cycleMsMedian)],
    ['agent check cycle, peak RSS (MB)', show(agent, (v: { peakRssMb: number }) => v.peakRssMb)],
  ];
  console.log(renderTable(['MEASURE', 'VALUE'], rows, 110));
  console.log();
  console.log(renderTable(['TARGET', 'WANTED', 'MEASURED', 'MET'], targets.map((t) => [t.name, t.target, t.measured ?? 'not measured', t.met ? 'yes' : 'NO']), 90));
}

main().catch(async (err) => {
  console.error(err);
  await pgCluster?.stop().catch(() => undefined);
  process.exit(1);
});
