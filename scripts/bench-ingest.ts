// npm run bench:ingest [-- --db sqlite|pg] [--devices 20] [--per-device 50] [--clients child|same] [--json]
// Collector ingest throughput against the bare single-core ES256 verify rate, measured in the same run:
// attestations per second verified, stored verbatim, evaluated and acked over real TLS WebSockets on
// loopback, with ack latency p50/p99. Payloads carry this machine's real check facts.
//
// --clients child (default): the agents run in a child process, as they would on other machines; the
//   collector process does only collector work (on a 2-core host the agents still share the machine).
// --clients same: the agents run in the collector's process, as scripts/bench.ts does.
// --db pg: a throwaway PostgreSQL cluster with durable defaults (scripts/pg-cluster.ts).
import { fork } from 'node:child_process';
import { createHash, createPrivateKey, verify } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { runChecks } from '../agent/cycle.js';
import { checksFor } from '../agent/checks/registry.js';
import { nodeFiles } from '../agent/files.js';
import { generateDeviceKey, type DeviceKey } from '../agent/keystore.js';
import { createRunner } from '../agent/runner.js';
import { saveConfig } from '../collector/config.js';
import { initDataDir, startCollector, type RunningCollector } from '../collector/server.js';
import { pae } from '../protocol/dsse.js';
import { ENROL_PROOF_TYPE, SESSION_PROOF_TYPE, signProof } from '../protocol/messages.js';
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { PAYLOAD_TYPE, type Predicate } from '../protocol/statement.js';
import { renderTable } from '../protocol/table.js';
import { startPgCluster, type PgCluster } from './pg-cluster.js';
import { BENCH_DEVICE, benchEnvelope, percentile } from './bench-envelope.js';

type Checks = Predicate['checks'];

const argv = process.argv.slice(2);
const flag = (name: string) => argv.includes(name);
const opt = (name: string, def: string) => {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : def;
};




function benchVerify(checks: Checks): { perSecond: number; perCpuSecond: number; envelopeBytes: number } {
  const key = generateDeviceKey();
  const text = benchEnvelope(key, 1, key.digest, checks);
  const env = JSON.parse(text);
  const message = pae(PAYLOAD_TYPE, Buffer.from(env.payload, 'base64'));
  const sig = Buffer.from(env.signatures[0].sig, 'base64');
  let n = 0;
  const start = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - start < 2000) {
    for (let i = 0; i < 100; i++) if (verify('sha256', message, key.publicKey, sig)) n++;
  }
  const cpu = process.cpuUsage(cpu0);
  return {
    perSecond: Math.round(n / ((performance.now() - start) / 1000)),
    perCpuSecond: Math.round(n / ((cpu.user + cpu.system) / 1e6)),
    envelopeBytes: text.length,
  };
}

// ---- the agents' side (in this process or in a child) ----

interface AgentSpec {
  id: string;
  privateKeyPem: string;
  digest: string;
  keyid: string;
}

interface Prepared {
  id: string;
  privateKey: DeviceKey['privateKey'];
  envelopes: string[];
}

function prepare(specs: AgentSpec[], perDevice: number, checks: Checks): Prepared[] {
  return specs.map((s) => {
    const key = { digest: s.digest, keyid: s.keyid, privateKey: createPrivateKey(s.privateKeyPem) };
    const out: string[] = [];
    let prev = s.digest;
    for (let seq = 1; seq <= perDevice; seq++) {
      const e = benchEnvelope(key, seq, prev, checks);
      out.push(e);
      prev = createHash('sha256').update(e).digest('hex');
    }
    return { id: s.id, privateKey: key.privateKey, envelopes: out };
  });
}

async function streamDevice(url: string, caPem: string, d: Prepared, latencies: number[]): Promise<void> {
  const ws = new WebSocket(url.replace('https', 'wss') + '/api/v1/stream', { ca: caPem });
  const sentAt = new Map<number, number>();
  let next = 0;
  let window = 16;
  await new Promise<void>((resolveDone, reject) => {
    ws.on('error', reject);
    const pump = () => {
      while (next < d.envelopes.length && sentAt.size < window) {
        const seq = ++next;
        sentAt.set(seq, performance.now());
        ws.send(JSON.stringify({ v: 1, type: 'attestation', seq, envelope: d.envelopes[seq - 1] }));
      }
    };
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'challenge') {
        const time = new Date().toISOString();
        ws.send(JSON.stringify({ v: 1, type: 'hello', deviceId: d.id, nonce: m.nonce, time, agentVersion: 'bench', proof: signProof(SESSION_PROOF_TYPE, { nonce: m.nonce, deviceId: d.id, time }, d.privateKey) }));
      } else if (m.type === 'welcome') {
        window = m.window;
        pump();
      } else if (m.type === 'ack') {
        latencies.push(performance.now() - sentAt.get(m.seq)!);
        sentAt.delete(m.seq);
        if (m.seq === d.envelopes.length) {
          ws.close();
          resolveDone();
        } else pump();
      } else if (m.type === 'error') reject(new Error(`${m.code} ${m.message}`));
    });
  });
}

async function runAgents(url: string, caPem: string, prepared: Prepared[]): Promise<{ seconds: number; latencies: number[] }> {
  const latencies: number[] = [];
  const start = performance.now();
  await Promise.all(prepared.map((d) => streamDevice(url, caPem, d, latencies)));
  return { seconds: (performance.now() - start) / 1000, latencies };
}

type ToChild = { type: 'prepare'; specs: AgentSpec[]; perDevice: number; checks: Checks } | { type: 'go'; url: string; caPem: string };
type FromChild = { type: 'prepared' } | { type: 'done'; seconds: number; latencies: number[]; cpuMs: number } | { type: 'failed'; error: string };

function childMain(): void {
  let prepared: Prepared[] = [];
  process.on('message', (m: ToChild) => {
    const reply = (r: FromChild) => process.send!(r);
    if (m.type === 'prepare') {
      prepared = prepare(m.specs, m.perDevice, m.checks);
      reply({ type: 'prepared' });
    } else {
      const cpu0 = process.cpuUsage();
      runAgents(m.url, m.caPem, prepared).then(
        (r) => {
          const cpu = process.cpuUsage(cpu0);
          reply({ type: 'done', ...r, cpuMs: (cpu.user + cpu.system) / 1000 });
          process.disconnect();
        },
        (err: Error) => {
          reply({ type: 'failed', error: err.message });
          process.disconnect();
        },
      );
    }
  });
}

function agentsInChild(specs: AgentSpec[], perDevice: number, checks: Checks) {
  const child = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const next = () =>
    new Promise<FromChild>((resolve, reject) => {
      child.once('message', (m: FromChild) => (m.type === 'failed' ? reject(new Error(m.error)) : resolve(m)));
      child.once('exit', (code) => reject(new Error(`agent process exited (${code})`)));
    });
  return {
    async prepare() {
      const ready = next();
      child.send({ type: 'prepare', specs, perDevice, checks } satisfies ToChild);
      await ready;
    },
    async run(url: string, caPem: string) {
      const done = next();
      child.send({ type: 'go', url, caPem } satisfies ToChild);
      return (await done) as { seconds: number; latencies: number[]; cpuMs: number };
    },
    kill: () => child.kill(),
  };
}

// ---- the collector's side ----

async function enrol(c: RunningCollector): Promise<AgentSpec> {
  const key = generateDeviceKey();
  const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'bench' });
  const ch = await c.services.enrolment.challenge(t.token, '127.0.0.1');
  const res = await c.services.enrolment.enrol(
    { v: 1, token: t.token, nonce: ch.nonce, publicKey: key.publicKeyPem, device: BENCH_DEVICE, agentVersion: 'bench', proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: key.publicKeyPem, token: t.token }, key.privateKey) },
    '127.0.0.1',
  );
  return { id: res.deviceId, privateKeyPem: key.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string, digest: key.digest, keyid: key.keyid };
}

async function benchIngest(opts: { db: 'sqlite' | 'pg'; devices: number; perDevice: number; clients: 'child' | 'same'; checks: Checks }) {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-ingest-'));
  let cluster: PgCluster | null = null;
  try {
    const init = await initDataDir(dir, { host: '127.0.0.1', port: 0 });
    if (opts.db === 'pg') {
      cluster = await startPgCluster();
      const url = await cluster.createDatabase('vigil_bench');
      await saveConfig(init.dir, { ...init.config, database: { url } });
    }
    const c = await startCollector(dir);
    try {
      const specs: AgentSpec[] = [];
      for (let i = 0; i < opts.devices; i++) specs.push(await enrol(c));
      const child = opts.clients === 'child' ? agentsInChild(specs, opts.perDevice, opts.checks) : null;
      try {
        let run: { seconds: number; latencies: number[]; cpuMs?: number };
        let cpu: NodeJS.CpuUsage;
        if (child) {
          await child.prepare();
          const cpu0 = process.cpuUsage();
          run = await child.run(c.url, c.caPem);
          cpu = process.cpuUsage(cpu0);
        } else {
          const prepared = prepare(specs, opts.perDevice, opts.checks);
          const cpu0 = process.cpuUsage();
          run = await runAgents(c.url, c.caPem, prepared);
          cpu = process.cpuUsage(cpu0);
        }
        const stored = (await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes'))!.n;
        const latencies = run.latencies.sort((a, b) => a - b);
        return {
          db: opts.db,
          clients: opts.clients,
          devices: opts.devices,
          attestations: stored,
          seconds: Number(run.seconds.toFixed(2)),
          perSecond: Math.round(stored / run.seconds),
          ackP50Ms: Number(percentile(latencies, 50).toFixed(1)),
          ackP99Ms: Number(percentile(latencies, 99).toFixed(1)),
          /** CPU time of this process (all threads) per stored attestation: steadier than rates on a busy host. */
          cpuMsPerAttestation: Number(((cpu.user + cpu.system) / 1000 / stored).toFixed(3)),
          /** The agents' process (--clients child): TLS, framing and JSON on the sending side. */
          agentsCpuMsPerAttestation: run.cpuMs === undefined ? null : Number((run.cpuMs / stored).toFixed(3)),
        };
      } finally {
        child?.kill();
      }
    } finally {
      await c.close();
    }
  } finally {
    await cluster?.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const json = flag('--json');
  const log = (s: string) => {
    if (!json) console.error(s);
  };
  const db = opt('--db', 'sqlite');
  const clients = opt('--clients', 'child');
  if (db !== 'sqlite' && db !== 'pg') throw new Error('--db must be sqlite or pg');
  if (clients !== 'child' && clients !== 'same') throw new Error('--clients must be child or same');
  const devices = Number(opt('--devices', '20'));
  const perDevice = Number(opt('--per-device', '50'));

  log("collecting this machine's real check facts for a realistic payload…");
  const results = await runChecks(checksFor(process.platform), { run: createRunner(), files: nodeFiles, now: () => Date.now() }, DEFAULT_POLICY, 'workstation');
  const checks: Checks = results.map((r) => ({ id: r.id, status: r.status, facts: r.facts ?? null, evidence: r.evidence, ...(r.reason ? { reason: r.reason } : {}) }));
  log('bare verify…');
  const v = benchVerify(checks);
  log(`ingest: ${devices} agents × ${perDevice} attestations into ${db}, agents in ${clients === 'child' ? 'a child process' : 'the collector process'}…`);
  const ingest = await benchIngest({ db, devices, perDevice, clients, checks });
  const ratio = Number((ingest.perSecond / v.perSecond).toFixed(3));
  // Per CPU second on both sides: what one core of collector work buys against one core of bare verify.
  const cpuRatio = Number((1000 / ingest.cpuMsPerAttestation / v.perCpuSecond).toFixed(3));
  const out = { machine: { cpus: cpus().length, node: process.version }, verify: v, ingest, ingestToVerifyRatio: ratio, perCpuRatio: cpuRatio };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(
    renderTable(
      ['MEASURE', 'VALUE'],
      [
        ['envelope size (bytes, real facts)', v.envelopeBytes],
        ['bare ES256 verifies / s (1 core)', v.perSecond],
        [`collector ingest / s (${ingest.devices} agents, TLS WS, ${db === 'pg' ? 'PostgreSQL' : 'SQLite'})`, ingest.perSecond],
        ['ingest ÷ bare verify', ratio],
        ['bare ES256 verifies / CPU second', v.perCpuSecond],
        ['ack latency p50 (ms)', ingest.ackP50Ms],
        ['ack latency p99 (ms)', ingest.ackP99Ms],
        [clients === 'child' ? 'collector process CPU per attestation (ms)' : 'process CPU per attestation (ms, agents included)', ingest.cpuMsPerAttestation],
        ['ingest per CPU second ÷ verifies per CPU second', cpuRatio],
        ['agents process CPU per attestation (ms)', ingest.agentsCpuMsPerAttestation ?? '-'],
        ['attestations stored', ingest.attestations],
      ],
    ),
  );
}

if (flag('--child')) childMain();
else
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
