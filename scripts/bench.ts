// npm run bench [-- --json]: figures measured in one run on this machine.
//  - bare ES256 verifies per second over a realistic attestation (facts from this machine's real checks);
//  - collector ingest: attestations per second verified, stored verbatim, evaluated and acked over real
//    TLS WebSockets on loopback into SQLite, and ack latency p50/p99;
//  - agent: wall time and peak RSS of one real check cycle (`vigil-agent check`).
import { spawn } from 'node:child_process';
import { createHash, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { runChecks } from '../agent/cycle.js';
import { checksFor } from '../agent/checks/registry.js';
import { nodeFiles } from '../agent/files.js';
import { generateDeviceKey, type DeviceKey } from '../agent/keystore.js';
import { createRunner } from '../agent/runner.js';
import { initDataDir, startCollector, type RunningCollector } from '../collector/server.js';
import { saveConfig } from '../collector/config.js';
import { pae, signEnvelope } from '../protocol/dsse.js';
import { canonicalBytes } from '../protocol/jcs.js';
import { ENROL_PROOF_TYPE, SESSION_PROOF_TYPE, signProof, type DeviceFacts } from '../protocol/messages.js';
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../protocol/statement.js';
import { renderTable } from '../protocol/table.js';

const json = process.argv.includes('--json');
const arg = (name: string, def: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const DEVICES = arg('--devices', 20);
const PER_DEVICE = arg('--per-device', 50);
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s: string) => {
  if (!json) console.error(s);
};

const DEVICE: DeviceFacts = { hostname: 'bench', os: { platform: 'linux', name: 'Debian GNU/Linux', version: '12' }, arch: 'x64' };

function envelope(key: DeviceKey, seq: number, previous: string, checks: Predicate['checks']): string {
  const st = buildStatement(key.digest, 'device:hostname:bench', {
    sequence: seq,
    previous,
    collectedAt: new Date().toISOString(),
    agent: { version: 'bench' },
    device: { ...DEVICE, role: 'workstation' },
    checks,
  });
  return JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(st), key.privateKey, key.keyid));
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : NaN;
}

async function benchVerify(checks: Predicate['checks']): Promise<{ perSecond: number; envelopeBytes: number }> {
  const key = generateDeviceKey();
  const env = JSON.parse(envelope(key, 1, key.digest, checks));
  const body = Buffer.from(env.payload, 'base64');
  const sig = Buffer.from(env.signatures[0].sig, 'base64');
  const message = pae(PAYLOAD_TYPE, body);
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 2000) {
    for (let i = 0; i < 100; i++) if (verify('sha256', message, key.publicKey, sig)) n++;
  }
  return { perSecond: Math.round(n / ((performance.now() - start) / 1000)), envelopeBytes: JSON.stringify(env).length };
}

async function enrolDevice(c: RunningCollector): Promise<{ key: DeviceKey; id: string }> {
  const key = generateDeviceKey();
  const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'bench' });
  const ch = await c.services.enrolment.challenge(t.token, '127.0.0.1');
  const res = await c.services.enrolment.enrol(
    { v: 1, token: t.token, nonce: ch.nonce, publicKey: key.publicKeyPem, device: DEVICE, agentVersion: 'bench', proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: key.publicKeyPem, token: t.token }, key.privateKey) },
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

async function benchIngest(checks: Predicate['checks']) {
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
          const e = envelope(key, s, prev, checks);
          out.push(e);
          prev = createHash('sha256').update(e).digest('hex');
        }
        return { key, id, envelopes: out };
      });
      const latencies: number[] = [];
      const rssBefore = process.memoryUsage().rss;
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
        rssGrowthMb: Math.round((process.memoryUsage().rss - rssBefore) / 1e6),
      };
    } finally {
      await c.close();
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

async function main() {
  log('collecting this machine\'s real check facts for a realistic payload…');
  const results = await runChecks(checksFor(process.platform), { run: createRunner(), files: nodeFiles, now: () => Date.now() }, DEFAULT_POLICY, 'workstation');
  const checks = results.map((r) => ({ id: r.id, status: r.status, facts: r.facts ?? null, evidence: r.evidence, ...(r.reason ? { reason: r.reason } : {}) }));
  log('bare verify…');
  const v = await benchVerify(checks);
  log(`ingest: ${DEVICES} devices × ${PER_DEVICE} attestations…`);
  const ingest = await benchIngest(checks);
  log('agent check cycle (3 runs)…');
  const cycles = process.argv.includes('--no-agent') ? [{ wallMs: NaN, peakRssMb: NaN }] : [await benchAgentCycle(), await benchAgentCycle(), await benchAgentCycle()];
  const agent = {
    cycleMsMedian: cycles.map((c) => c.wallMs).sort((a, b) => a - b)[Math.floor(cycles.length / 2)]!,
    peakRssMb: Math.max(...cycles.map((c) => c.peakRssMb)),
  };
  const out = { machine: { cpus: (await import('node:os')).cpus().length, node: process.version }, verify: v, ingest, agent, ingestToVerifyRatio: Number((ingest.perSecond / v.perSecond).toFixed(3)) };
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
        [`collector ingest / s (${ingest.devices} agents, TLS WS, SQLite)`, ingest.perSecond],
        ['ingest ÷ bare verify', out.ingestToVerifyRatio],
        ['ack latency p50 (ms)', ingest.ackP50Ms],
        ['ack latency p99 (ms)', ingest.ackP99Ms],
        ['attestations stored', ingest.attestations],
        ['agent check cycle, wall (ms, median of 3)', agent.cycleMsMedian],
        ['agent check cycle, peak RSS (MB)', agent.peakRssMb],
      ],
    ),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
