// npm run bench:alerts [-- --devices 1000 --seconds 5 --json]
//
// Ingest → webhook delivered, measured per device: a real collector (TLS, SQLite file in WAL mode, its
// alert outbox and delivery worker) and a loopback HTTP receiver that checks every HMAC. Each of N
// devices (its own P-256 key) first attests with every check passing; then each sends a signed
// attestation with the firewall failing. The clock starts when the attestation is handed to ingest
// (signature verification, evaluation, storage, alert detection in the same transaction) and stops when
// the receiver has the notification. Two arrival patterns: paced (N spread over --seconds) and burst (N at
// once). Storm grouping is set above N here so every device gets its own notification: the figure is
// the latency of one notification under load. Signing happens before the clock starts.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { enrolDevicesRepo } from '../collector/enrolment/repo.js';
import { initDataDir, startCollector } from '../collector/server.js';
import { renderTable } from '../protocol/table.js';
import { SIM_CHECKS, checkEntry, predicateFor, rng, signedEnvelope, simDevice, type SimDevice } from './fleet-sim.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : def;
};
const json = process.argv.includes('--json');
const N = Number(arg('--devices', '1000'));
const SECONDS = Number(arg('--seconds', '5'));
const SECRET = 'bench-alerts-secret-0123456789abcdef';
const log = (s: string) => {
  if (!json) console.error(s);
};

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function receiver() {
  const got = new Map<string, number>();
  const keys = new Set<string>();
  let duplicates = 0;
  let badSignatures = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      const body = Buffer.concat(chunks).toString('utf8');
      const expected = createHmac('sha256', SECRET).update(`${req.headers['x-vigil-timestamp']}.${body}`).digest();
      const sig = Buffer.from(String(req.headers['x-vigil-signature'] ?? '').replace(/^v1=/, ''), 'hex');
      if (sig.length !== expected.length || !timingSafeEqual(sig, expected)) badSignatures++;
      const key = String(req.headers['idempotency-key']);
      if (keys.has(key)) duplicates++;
      keys.add(key);
      const n = JSON.parse(body) as { event: string; alert?: { deviceId: string } };
      if (n.alert) got.set(`${n.event}:${n.alert.deviceId}`, at);
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`, got, stats: () => ({ duplicates, badSignatures, received: keys.size }), close: () => new Promise<void>((r) => server.close(() => r())) };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-bench-alerts-'));
  const hook = await receiver();
  try {
    const init = await initDataDir(dir, { host: '127.0.0.1', port: 0 });
    await writeFile(
      join(init.dir.root, 'alerts.yaml'),
      `channels:\n  oncall: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\nroutes:\n  - match: { kind: [check_fail] }\n    channels: [oncall]\nstorm: { threshold: 1000000 }\nflap: { maxOpens: 100 }\n`,
    );
    const c = await startCollector(dir);
    log(`bench: ${N} devices, keys and enrolment…`);
    const devices: { sim: SimDevice; id: string; seq: number; last: string }[] = [];
    const token = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 3_600_000, maxUses: N, actor: 'bench' });
    await c.db.tx(async (q) => {
      for (let i = 0; i < N; i++) {
        const sim = simDevice(i);
        const id = `dev_${String(i).padStart(32, '0')}`;
        await enrolDevicesRepo.insert(q, {
          id, publicKeyPem: sim.publicKeyPem, keyDigest: sim.digest, role: 'workstation', site: null, hostname: sim.facts.hostname, osPlatform: sim.facts.os.platform,
          osName: sim.facts.os.name, osVersion: sim.facts.os.version, arch: sim.facts.arch, serial: sim.facts.serial ?? null, model: sim.facts.model ?? null,
          agentVersion: '0.1.0', tokenId: token.id, enrolledAt: new Date().toISOString(),
        });
        devices.push({ sim, id, seq: 0, last: sim.digest });
      }
    });
    const r = rng(7);
    const envelopeFor = (d: (typeof devices)[number], firewall: 'pass' | 'fail') => {
      const at = new Date().toISOString();
      const checks = SIM_CHECKS.map((id) => checkEntry(id, id === 'firewall' ? firewall : 'pass', d.sim.platform, at, r));
      const text = signedEnvelope(d.sim, predicateFor(d.sim, d.seq + 1, d.last, at, checks));
      return text;
    };
    const ingest = async (d: (typeof devices)[number], text: string) => {
      const row = (await c.services.ingest.device(d.id))!;
      await c.services.ingest.ingest(row, d.seq + 1, text, 'bench');
      d.seq++;
      d.last = (await import('node:crypto')).createHash('sha256').update(text).digest('hex');
    };
    // Baseline: everything passes, nothing is sent.
    await Promise.all(devices.map((d) => ingest(d, envelopeFor(d, 'pass'))));

    const scenario = async (name: string, event: 'opened' | 'resolved', firewall: 'pass' | 'fail', spreadMs: number) => {
      const texts = devices.map((d) => envelopeFor(d, firewall));
      log(`bench: ${name}: ${N} attestations (${event}) over ${spreadMs} ms…`);
      const started = new Map<string, number>();
      hook.got.clear();
      const wall = new Map<string, number>();
      const stored = new Map<string, number>();
      const t0 = performance.now();
      await Promise.all(
        devices.map(async (d, i) => {
          const due = t0 + (spreadMs * i) / N;
          const wait = due - performance.now();
          if (wait > 0) await new Promise((res) => setTimeout(res, wait));
          started.set(d.id, performance.now());
          wall.set(d.id, Date.now());
          await ingest(d, texts[i]!);
          stored.set(d.id, Date.now());
        }),
      );
      const deadline = Date.now() + 120_000;
      while (devices.some((d) => !hook.got.has(`${event}:${d.id}`))) {
        if (Date.now() > deadline) throw new Error(`${name}: only ${devices.filter((d) => hook.got.has(`${event}:${d.id}`)).length}/${N} delivered in 120 s`);
        await new Promise((res) => setTimeout(res, 20));
      }
      const lat = devices.map((d) => hook.got.get(`${event}:${d.id}`)! - started.get(d.id)!).sort((a, b) => a - b);
      const q = await c.db.all<{ created_at: string; delivered_at: string; device: string }>("SELECT o.created_at, o.delivered_at, a.device_id AS device FROM alert_outbox o JOIN alerts a ON a.id = o.alert_id WHERE o.event = ? ORDER BY o.id DESC LIMIT ?", [event, N]);
      const det = q.map((x) => Date.parse(x.created_at) - wall.get(x.device)!).sort((a, b) => a - b);
      const st = devices.map((d) => stored.get(d.id)! - wall.get(d.id)!).sort((a, b) => a - b);
      const stages = {
        storedP50Ms: percentile(st, 50),
        storedP99Ms: percentile(st, 99),
        outboxRowP50Ms: percentile(det, 50),
        outboxRowP99Ms: percentile(det, 99),
      };
      const queued = q.map((x) => Date.parse(x.delivered_at) - Date.parse(x.created_at)).sort((a, b) => a - b);
      Object.assign(stages, { outboxToDeliveredP50Ms: percentile(queued, 50), outboxToDeliveredP99Ms: percentile(queued, 99) });
      return { name, devices: N, spreadMs, stages: stages as typeof stages & { outboxToDeliveredP50Ms: number; outboxToDeliveredP99Ms: number }, p50Ms: Math.round(percentile(lat, 50)), p99Ms: Math.round(percentile(lat, 99)), maxMs: Math.round(lat.at(-1)!), wallMs: Math.round(performance.now() - t0) };
    };

    const paced = await scenario('paced', 'opened', 'fail', SECONDS * 1000);
    await scenario('recover (not reported)', 'resolved', 'pass', SECONDS * 1000);
    const burst = await scenario('burst', 'opened', 'fail', 0);
    const outbox = await c.db.get<{ delivered: number; other: number }>("SELECT SUM(status = 'delivered') AS delivered, SUM(status <> 'delivered') AS other FROM alert_outbox");
    await c.close();
    const stats = hook.stats();
    const out = { machine: { cpus: cpus().length, node: process.version }, devices: N, paced, burst, webhooks: stats, outbox, targetP99Ms: 1000 };
    if (json) {
      console.log(JSON.stringify(out));
      return;
    }
    console.log(
      renderTable(
        ['SCENARIO', 'DEVICES', 'ARRIVALS', 'P50 (ms)', 'P99 (ms)', 'MAX (ms)'],
        [
          ['ingest → webhook delivered, paced', N, `${N} over ${SECONDS} s`, paced.p50Ms, paced.p99Ms, paced.maxMs],
          ['ingest → webhook delivered, burst', N, `${N} at once`, burst.p50Ms, burst.p99Ms, burst.maxMs],
          ['  of which ingest → stored (ack), paced', '', '', paced.stages.storedP50Ms, paced.stages.storedP99Ms, ''],
          ['  of which outbox row → delivered, paced', '', '', paced.stages.outboxToDeliveredP50Ms, paced.stages.outboxToDeliveredP99Ms, ''],
          ['  of which ingest → stored (ack), burst', '', '', burst.stages.storedP50Ms, burst.stages.storedP99Ms, ''],
          ['  of which outbox row → delivered, burst', '', '', burst.stages.outboxToDeliveredP50Ms, burst.stages.outboxToDeliveredP99Ms, ''],
        ],
      ),
    );
    console.log(`webhooks received ${stats.received} (bad HMAC ${stats.badSignatures}, duplicate keys ${stats.duplicates}); outbox delivered ${outbox?.delivered ?? 0}, not delivered ${outbox?.other ?? 0}; target p99 ≤ 1000 ms`);
  } finally {
    await hook.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
