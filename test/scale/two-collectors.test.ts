// Two collector processes on one PostgreSQL database, as behind a load balancer: devices move between
// them and keep their sequence and chain; a drift alert is delivered once although both collectors run a
// delivery worker; the stale scan runs under one lease; a device sending the same attestation to both at
// once ends up stored once. (Project "pg" only: scale-out is the PostgreSQL path.)
import { cp, readFile, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../collector/app.js';
import { dataDir, loadConfig, saveConfig } from '../../collector/config.js';
import { openDatabase } from '../../collector/db/open.js';
import type { Db } from '../../collector/db/types.js';
import type { RunningCollector } from '../../collector/server.js';
import { connect, enrolTestDevice, envelopeFor, fullChecks, session, sha256, tempDir, type TestDevice } from '../helpers/collector.js';
import { dbInitArgs } from '../helpers/db.js';
import { LOGIN_RATE } from '../../collector/plugins/users.js';
import { COLLECTOR_CLI, cli, freePort, start, until, type Child } from '../helpers/processes.js';
import { webhookReceiver } from '../helpers/receivers.js';
import { recordReliability } from '../../scripts/reliability-record.js';

const SECRET = 'two-collectors-secret-0123456789';
let dir: { path: string; cleanup(): Promise<void> };
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let db: Db;
let caPem: string;
const procs: Child[] = [];
const urls: string[] = [];
let services: ReturnType<typeof buildServices>;

const at = () => new Date().toISOString();
const target = (i: number) => ({ url: urls[i]! }) as RunningCollector;

beforeAll(async () => {
  dir = await tempDir('vigil-two-');
  hook = await webhookReceiver(SECRET);
  const a = join(dir.path, 'a');
  const b = join(dir.path, 'b');
  const [pa, pb] = [await freePort(), await freePort()];
  const init = await cli(COLLECTOR_CLI, ['init', '--data', a, '--host', '127.0.0.1', '--port', String(pa), '--interval', '10', ...(await dbInitArgs())]);
  expect(init.code, init.stderr).toBe(0);
  expect(init.stdout).toMatch(/database\s+PostgreSQL postgres:\/\//);
  await writeFile(
    join(a, 'alerts.yaml'),
    `channels:\n  hook: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\nroutes:\n  - match: { kind: [check_fail, stale] }\n    channels: [hook]\nstale: { intervals: 1, scanSeconds: 5 }\n`,
  );
  // The second collector is a copy of the first one's directory (same CA, export key, policy and alert
  // files, same database) listening on another port: what an operator deploys behind a load balancer.
  await cp(a, b, { recursive: true });
  const cb = await loadConfig(dataDir(b));
  await saveConfig(dataDir(b), { ...cb, port: pb });
  for (const d of [a, b]) {
    const p = start(COLLECTOR_CLI, ['start', '--data', d]);
    procs.push(p);
    urls.push((await p.waitFor(/listening on (https:\/\/\S+)/))[1]!);
  }
  caPem = await readFile(join(a, 'tls', 'ca.pem'), 'utf8');
  const config = await loadConfig(dataDir(a));
  db = await openDatabase(dataDir(a), config);
  services = buildServices(db, config, { dataRoot: a });
}, 120_000);

afterAll(async () => {
  for (const p of procs) p.proc.kill('SIGTERM');
  await Promise.all(procs.map((p) => p.exited));
  await db?.close();
  await hook?.close();
  await dir?.cleanup();
});

async function send(i: number, d: TestDevice, seq: number, previous: string, outcomes: Record<string, 'pass' | 'fail'> = {}) {
  const s = await session(target(i), caPem, d);
  expect(s.welcome.type, JSON.stringify(s.welcome)).toBe('welcome');
  const text = envelopeFor(d, seq, previous, { collectedAt: at(), checks: await fullChecks(outcomes, at()) });
  s.send({ v: 1, type: 'attestation', seq, envelope: text });
  const ack = await s.next('ack', 10_000);
  s.ws.close();
  return { text, ack, welcome: s.welcome };
}

describe('two collectors on one PostgreSQL', () => {
  it('a device moving between collectors keeps its sequence and chain; its drift alert is delivered once', async () => {
    expect(urls[0]).not.toBe(urls[1]);
    const d = await enrolTestDevice({ services });
    let previous = d.digest;
    for (let seq = 1; seq <= 4; seq++) {
      // Alternate: 1 → A, 2 → B, 3 → A, 4 → B (fails the firewall check).
      const r = await send((seq - 1) % 2, d, seq, previous, seq === 4 ? { firewall: 'fail' } : {});
      expect(r.welcome.lastSeq).toBe(seq - 1);
      expect(r.ack.seq).toBe(seq);
      previous = sha256(r.text);
    }
    const rows = await db.all<{ seq: number }>('SELECT seq FROM envelopes WHERE device_id = ? ORDER BY seq', [d.id]);
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4]);
    expect(await db.all('SELECT code FROM tamper_events WHERE device_id = ?', [d.id])).toEqual([]);

    // Both collectors poll the outbox; the notification is sent once.
    await hook.waitFor((r) => r.some((x) => (x.json as { alert?: { deviceId?: string } }).alert?.deviceId === d.id), 20_000);
    await new Promise((r) => setTimeout(r, 3000));
    // (Its stale alert may follow once it has been silent for an interval: only the drift alert counts here.)
    const opened = hook.received.filter((x) => {
      const alert = (x.json as { alert?: { deviceId?: string; kind?: string } }).alert;
      return alert?.deviceId === d.id && alert.kind === 'check_fail';
    });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.signatureValid).toBe(true);
    expect(new Set(hook.keys).size).toBe(hook.keys.length);
    recordReliability({ name: 'two-collectors-moving-device', category: 'load', scenario: 'one device alternating between two collectors on one PostgreSQL; its drift alert sent by one of them', sent: 4, stored: rows.length, lost: 4 - rows.length, duplicated: opened.length - 1, passed: true });
  }, 60_000);

  it('the same attestation sent to both collectors at once is stored once', async () => {
    const d = await enrolTestDevice({ services });
    const text = envelopeFor(d, 1, d.digest, { collectedAt: at(), checks: await fullChecks({}, at()) });
    const [sa, sb] = await Promise.all([session(target(0), caPem, d), session(target(1), caPem, d)]);
    sa.send({ v: 1, type: 'attestation', seq: 1, envelope: text });
    sb.send({ v: 1, type: 'attestation', seq: 1, envelope: text });
    const replies = await Promise.all([sa.next(undefined, 10_000).then(() => sa.next(undefined, 10_000)), sb.next(undefined, 10_000).then(() => sb.next(undefined, 10_000))]).catch(() => null);
    // Whatever each connection was told (ack, or ack as duplicate), the database holds the one envelope.
    void replies;
    sa.ws.close();
    sb.ws.close();
    await until(async () => ((await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE device_id = ?', [d.id]))!.n === 1 ? true : null), 5000, 'one envelope');
    const dev = await db.get<{ last_seq: number; last_hash: string }>('SELECT last_seq, last_hash FROM devices WHERE id = ?', [d.id]);
    expect(dev).toEqual({ last_seq: 1, last_hash: sha256(text) });
    // The device goes on from either collector.
    const next = await send(1, d, 2, sha256(text));
    expect(next.ack.seq).toBe(2);
    recordReliability({ name: 'two-collectors-same-attestation', category: 'fault', scenario: 'a device sends the same attestation to two collectors at the same moment', sent: 1, stored: 1, lost: 0, duplicated: 0, passed: true });
  }, 60_000);

  it('the stale scan runs under one lease: a silent device raises one stale alert', async () => {
    const d = await enrolTestDevice({ services });
    await hook.waitFor((r) => r.some((x) => (x.json as { alert?: { deviceId?: string; kind?: string } }).alert?.deviceId === d.id), 45_000);
    await new Promise((r) => setTimeout(r, 6000));
    const stale = hook.received.filter((x) => (x.json as { alert?: { deviceId?: string; kind?: string } }).alert?.deviceId === d.id);
    expect(stale).toHaveLength(1);
    expect((stale[0]!.json as { alert: { kind: string } }).alert.kind).toBe('stale');
    const lease = await db.get<{ holder: string }>("SELECT holder FROM job_leases WHERE name = 'stale-scan'");
    expect(lease?.holder).toMatch(/:\d+:/);
    expect((await db.get<{ n: number }>("SELECT COUNT(*) AS n FROM alerts WHERE kind = 'stale' AND device_id = ?", [d.id]))!.n).toBe(1);
  }, 90_000);

  it('neither collector keeps device state in memory: both report the same fleet', async () => {
    const fetchJson = async (i: number) => {
      const r = await cli(COLLECTOR_CLI, ['devices', '--data', join(dir.path, i === 0 ? 'a' : 'b'), '--json']);
      return r;
    };
    const [ra, rb] = await Promise.all([fetchJson(0), fetchJson(1)]);
    expect(ra.code, ra.stderr).toBe(0);
    expect(ra.stdout).toBe(rb.stdout);
    expect(ra.stdout.length).toBeGreaterThan(10);
  });

  it('login attempts are counted across both collectors: alternating between them does not double the limit', async () => {
    const login = (i: number, n: number) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ username: 'nobody', password: `guess number ${n}` });
        const req = request(`${urls[i]}/api/v1/session`, { method: 'POST', ca: caPem, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode!));
        });
        req.on('error', reject);
        req.end(body);
      });
    const codes: number[] = [];
    for (let n = 0; n < LOGIN_RATE + 4; n++) codes.push(await login(n % 2, n));
    expect(codes.slice(0, LOGIN_RATE).every((c) => c === 401)).toBe(true);
    expect(codes.slice(LOGIN_RATE)).toEqual([429, 429, 429, 429]);
  }, 60_000);
});
