// The durable outbox and the periodic jobs, with a clock the test moves: a collector that dies between
// detection and delivery (or in the middle of a send) neither loses nor duplicates a notification, and
// stale devices are found per role.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildServices } from '../../collector/app.js';
import { AlertsConfigStore } from '../../collector/alerts/config.js';
import { DeliveryWorker, retryDelayMs } from '../../collector/alerts/worker.js';
import { versionBelow } from '../../collector/alerts/service.js';
import { initDataDir } from '../../collector/server.js';
import { deliver, enrolTestDevice, fullChecks, tempDir } from '../helpers/collector.js';
import { webhookReceiver } from '../helpers/receivers.js';
import { dbOverrides } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';

const SECRET = 'outbox-test-secret-0123456789';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function dataDir(yaml: string) {
  const dir = await tempDir('vigil-outbox-');
  cleanups.push(dir.cleanup);
  const init = await initDataDir(dir.path, { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
  await writeFile(join(init.dir.root, 'alerts.yaml'), yaml);
  return init;
}

/** One collector "process": database, services and a delivery worker over the data directory. */
async function open(init: Awaited<ReturnType<typeof initDataDir>>, clock: { now: Date }, send?: ConstructorParameters<typeof DeliveryWorker>[3]) {
  const db = await openDatabase(init.dir, init.config);
  const store = new AlertsConfigStore(join(init.dir.root, 'alerts.yaml'));
  await store.load();
  const services = buildServices(db, init.config, { dataRoot: init.dir.root, now: () => clock.now, alertsConfig: () => store.current() });
  const worker = new DeliveryWorker(db, () => clock.now, () => store.current(), { pollMs: 50, ...send });
  return { db, services, worker };
}

const step = async (at: Date, outcomes: Record<string, 'pass' | 'fail'> = {}) => ({ collectedAt: at.toISOString(), checks: await fullChecks(outcomes, at.toISOString()) });

describe('durable outbox', () => {
  it('killed after detection, before delivery: the next start delivers it exactly once', async () => {
    const hook = await webhookReceiver(SECRET);
    cleanups.push(hook.close);
    const init = await dataDir(`channels:\n  hook: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\nroutes:\n  - match: { kind: [check_fail] }\n    channels: [hook]\n`);
    const clock = { now: new Date() };
    const a = await open(init, clock);
    const d = await enrolTestDevice(a);
    await deliver(a, d, [await step(clock.now), await step(clock.now, { firewall: 'fail' })]);
    // The process dies here: the alert and its delivery are committed, nothing was sent.
    await a.db.close();
    expect(hook.requests()).toBe(0);

    const b = await open(init, clock);
    await b.worker.drain();
    await b.worker.drain();
    expect(hook.received).toHaveLength(1);
    const row = await b.db.get<{ idempotency_key: string; status: string; attempts: number }>('SELECT idempotency_key, status, attempts FROM alert_outbox');
    expect(row).toMatchObject({ status: 'delivered', attempts: 1 });
    expect(hook.received[0]!.headers['idempotency-key']).toBe(row!.idempotency_key);
    expect(hook.received[0]!.signatureValid).toBe(true);
    await b.db.close();
  });

  it('killed in the middle of a send: after the lease expires the same delivery is sent with the same key', async () => {
    const hook = await webhookReceiver(SECRET);
    cleanups.push(hook.close);
    const init = await dataDir(`channels:\n  hook: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\nroutes:\n  - match: { kind: [check_fail] }\n    channels: [hook]\n`);
    const clock = { now: new Date() };
    let claimedKey = '';
    // A send that never finishes: the process is killed while it is on the wire.
    const a = await open(init, clock, { send: async (_c, n) => void (claimedKey = n.id) || new Promise<void>(() => undefined) });
    const d = await enrolTestDevice(a);
    await deliver(a, d, [await step(clock.now), await step(clock.now, { firewall: 'fail' })]);
    a.worker.start();
    const { until } = await import('../helpers/processes.js');
    await until(async () => claimedKey !== '', 5000, 'claim');
    expect(await a.db.get('SELECT status, attempts FROM alert_outbox')).toEqual({ status: 'sending', attempts: 1 });
    await a.db.close();

    const b = await open(init, clock);
    await b.worker.drain();
    expect(hook.requests()).toBe(0); // the lease still holds: another collector may be sending it
    clock.now = new Date(clock.now.getTime() + 61_000);
    await b.worker.drain();
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.headers['idempotency-key']).toBe(claimedKey);
    expect(await b.db.get('SELECT status, attempts FROM alert_outbox')).toEqual({ status: 'delivered', attempts: 2 });
    await b.db.close();
  });

  it('Slack- and Teams-compatible bodies are signed the same way and carry the readable text', async () => {
    const { sendNotification } = await import('../../collector/alerts/channels.js');
    const hook = await webhookReceiver(SECRET);
    cleanups.push(hook.close);
    const n = { v: 1 as const, id: 'ntf_0123456789abcdef', event: 'opened' as const, at: new Date().toISOString(), severity: 'high' as const, title: 'Host firewall failing on ws-17' };
    await sendNotification({ type: 'webhook', url: hook.url, secret: SECRET, format: 'slack' }, n);
    await sendNotification({ type: 'webhook', url: hook.url, secret: SECRET, format: 'teams' }, n);
    expect(hook.received.map((r) => r.signatureValid)).toEqual([true, true]);
    expect(hook.received[0]!.json.text).toMatch(/^\[Vigil\] Host firewall failing on ws-17\n/);
    expect(hook.received[1]!.json).toMatchObject({ '@type': 'MessageCard', title: '[Vigil] Host firewall failing on ws-17' });
    expect(hook.received.map((r) => r.headers['idempotency-key'])).toEqual([n.id, n.id]);
  });

  it('retry delays grow exponentially with jitter, capped', () => {
    const cfg = { maxAttempts: 8, backoffSeconds: 5, maxBackoffSeconds: 60 };
    expect([1, 2, 3, 4, 5, 6].map((n) => retryDelayMs(cfg, n, () => 0.5))).toEqual([5000, 10000, 20000, 40000, 60000, 60000]);
    expect(retryDelayMs(cfg, 1, () => 0)).toBe(4000);
    expect(retryDelayMs(cfg, 1, () => 1)).toBe(6000);
  });
});

describe('periodic and per-attestation detection', () => {
  it('stale devices: N intervals per role, one alert each, resolved when the device attests again', async () => {
    const init = await dataDir('stale: { intervals: 3, roles: { gateway: 1 } }\n');
    const clock = { now: new Date('2026-03-01T12:00:00.000Z') };
    const s = await open(init, clock);
    const ws = await enrolTestDevice(s, 'workstation');
    const gw = await enrolTestDevice(s, 'gateway');
    await deliver(s, ws, [await step(clock.now)]);
    await deliver(s, gw, [await step(clock.now)]);
    const interval = init.config.intervalSeconds * 1000;
    clock.now = new Date(clock.now.getTime() + interval + 60_000);
    expect(await s.services.alerts.scanStale()).toBe(1);
    clock.now = new Date(clock.now.getTime() + 2 * interval);
    expect(await s.services.alerts.scanStale()).toBe(1);
    expect(await s.services.alerts.scanStale()).toBe(0);
    const open1 = await s.services.alerts.list({ kind: 'stale' });
    expect(open1.map((a) => a.device_id).sort()).toEqual([ws.id, gw.id].sort());
    await deliver(s, gw, [await step(clock.now)]);
    const after = await s.services.alerts.list({ kind: 'stale', state: 'all' });
    expect(after.find((a) => a.device_id === gw.id)).toMatchObject({ state: 'resolved', resolved_by: 'collector' });
    expect(after.find((a) => a.device_id === ws.id)).toMatchObject({ state: 'open', severity: 'medium' });
    await s.db.close();
  });

  it('fail → unknown keeps the alert open; unknown → pass resolves it', async () => {
    const init = await dataDir('');
    const clock = { now: new Date() };
    const s = await open(init, clock);
    const d = await enrolTestDevice(s);
    const { firewallUnknown } = await import('../helpers/collector.js');
    const unknown = async () => ({ collectedAt: clock.now.toISOString(), checks: (await fullChecks({}, clock.now.toISOString())).map((c) => (c.id === 'firewall' ? firewallUnknown() : c)) });
    await deliver(s, d, [await step(clock.now), await step(clock.now, { firewall: 'fail' }), await unknown()]);
    expect((await s.services.alerts.list({ kind: 'check_fail' })).map((a) => a.state)).toEqual(['open']);
    await deliver(s, d, [await step(clock.now)]);
    expect((await s.services.alerts.list({ kind: 'check_fail', state: 'all' })).map((a) => a.state)).toEqual(['resolved']);
    await s.db.close();
  });

  it('an outdated or unknown agent build raises agent_build; severity follows alerts.yaml', async () => {
    const init = await dataDir('agents: { minimumVersion: 9.0.0 }\nseverity: { kinds: { agent_build: critical } }\n');
    const clock = { now: new Date() };
    const s = await open(init, clock);
    const d = await enrolTestDevice(s);
    await deliver(s, d, [await step(clock.now), await step(clock.now)]);
    const rows = await s.services.alerts.list({ kind: 'agent_build' });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ severity: 'critical', device_id: d.id, state: 'open' });
    expect(rows[0]!.title).toMatch(/version test is older than 9\.0\.0/);
    await s.db.close();

    // A build registry (known-builds.json): a binary not on it raises agent_build too.
    const init2 = await dataDir('');
    await writeFile(join(init2.dir.root, 'known-builds.json'), JSON.stringify({ builds: [{ sha256: 'b'.repeat(64), version: '0.1.0', target: 'linux-x64', addedAt: new Date().toISOString() }] }));
    const s2 = await open(init2, clock);
    const d2 = await enrolTestDevice(s2);
    await deliver(s2, d2, [await step(clock.now)]);
    const rows2 = await s2.services.alerts.list({ kind: 'agent_build' });
    expect(rows2.map((a) => a.title)).toEqual([`agent build not allowed on test-host: binary (not reported) is not in known-builds.json`]);
    await s2.db.close();
    expect(versionBelow('0.10.0', '0.9.1')).toBe(false);
    expect(versionBelow('0.9.0', '0.9.1')).toBe(true);
    expect(versionBelow('1.2.3-rc1', '1.2.3')).toBe(false);
  });
});
