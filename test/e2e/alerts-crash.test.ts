// The outbox across a real crash: a collector process is retrying a notification its receiver refuses,
// is killed with SIGKILL, and on restart delivers it exactly once, with the idempotency key every earlier
// attempt carried. Evidence is stored through the collector's ingest in this process, on the same
// SQLite file (WAL), as a second collector sharing the database would.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../collector/app.js';
import { AlertsConfigStore } from '../../collector/alerts/config.js';
import type { Db } from '../../collector/db/types.js';
import { initDataDir } from '../../collector/server.js';
import { deliver, enrolTestDevice, fullChecks, tempDir } from '../helpers/collector.js';
import { COLLECTOR_CLI, start, until, type Child } from '../helpers/processes.js';
import { webhookReceiver } from '../helpers/receivers.js';
import { dbOverrides } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';

const SECRET = 'crash-test-secret-0123456789abcdef';
let dir: { path: string; cleanup(): Promise<void> };
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let db: Db;
let collector: Child | null = null;

beforeAll(async () => {
  dir = await tempDir('vigil-alerts-crash-');
  hook = await webhookReceiver(SECRET);
});
afterAll(async () => {
  collector?.proc.kill('SIGKILL');
  await db?.close();
  await hook?.close();
  await dir?.cleanup();
});

describe('outbox across a SIGKILL', () => {
  it('a notification being retried when the collector is killed is delivered once after the restart', async () => {
    const init = await initDataDir(join(dir.path, 'data'), { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
    await writeFile(join(init.dir.root, 'alerts.yaml'), `channels:\n  hook: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\nroutes:\n  - match: { kind: [check_fail] }\n    channels: [hook]\ndelivery: { maxAttempts: 20, backoffSeconds: 0.5, maxBackoffSeconds: 1 }\n`);
    hook.respondWith(() => 503);
    collector = start(COLLECTOR_CLI, ['start', '--data', init.dir.root]);
    await collector.waitFor(/listening on https:\/\//);

    db = await openDatabase(init.dir, init.config);
    const store = new AlertsConfigStore(join(init.dir.root, 'alerts.yaml'));
    await store.load();
    const services = buildServices(db, init.config, { dataRoot: init.dir.root, alertsConfig: () => store.current() });
    const d = await enrolTestDevice({ services });
    const at = () => new Date().toISOString();
    await deliver({ services }, d, [{ collectedAt: at(), checks: await fullChecks({}, at()) }, { collectedAt: at(), checks: await fullChecks({ firewall: 'fail' }, at()) }]);

    // The running collector picks the delivery up and retries it against the refusing receiver.
    await until(async () => hook.requests() >= 2, 20_000, 'two refused attempts');
    collector.proc.kill('SIGKILL');
    await collector.exited;
    const refused = hook.requests();
    const row = await db.get<{ status: string; attempts: number; idempotency_key: string }>('SELECT status, attempts, idempotency_key FROM alert_outbox');
    expect(['pending', 'sending']).toContain(row!.status);
    expect(hook.received).toHaveLength(0);

    hook.respondWith(() => 200);
    collector = start(COLLECTOR_CLI, ['start', '--data', init.dir.root]);
    await collector.waitFor(/listening on https:\/\//);
    await hook.waitFor((r) => r.length >= 1, 90_000);
    await until(async () => (await db.get<{ status: string }>('SELECT status FROM alert_outbox'))!.status === 'delivered', 10_000, 'delivered');
    await new Promise((r) => setTimeout(r, 1500));
    expect(hook.received).toHaveLength(1);
    expect(hook.received[0]!.signatureValid).toBe(true);
    expect(hook.received[0]!.headers['idempotency-key']).toBe(row!.idempotency_key);
    expect(new Set(hook.keys)).toEqual(new Set([row!.idempotency_key]));
    const final = await db.get<{ attempts: number }>('SELECT attempts FROM alert_outbox');
    expect(final!.attempts).toBeGreaterThan(refused - 1);
    console.log(`delivered once after SIGKILL: ${refused} refused attempt(s) before the kill, ${final!.attempts} attempts in all, one key`);
  }, 150_000);
});
