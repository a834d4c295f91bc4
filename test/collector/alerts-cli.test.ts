// vigil-collector alerts … and channel test …, run as the real CLI process on a real data directory.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../collector/app.js';
import { AlertsConfigStore } from '../../collector/alerts/config.js';
import { DeliveryWorker } from '../../collector/alerts/worker.js';
import type { Db } from '../../collector/db/types.js';
import { initDataDir } from '../../collector/server.js';
import { deliver, enrolTestDevice, fullChecks, tempDir } from '../helpers/collector.js';
import { COLLECTOR_CLI, cli, freePort } from '../helpers/processes.js';
import { webhookReceiver } from '../helpers/receivers.js';
import { dbOverrides } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';

const SECRET = 'cli-test-secret-0123456789abcdef';
let dir: { path: string; cleanup(): Promise<void> };
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let db: Db;
let data: string;

beforeAll(async () => {
  dir = await tempDir('vigil-alerts-cli-');
  hook = await webhookReceiver(SECRET);
  const closed = await freePort();
  const init = await initDataDir(join(dir.path, 'data'), { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
  data = init.dir.root;
  await writeFile(
    join(data, 'alerts.yaml'),
    `channels:\n  hook: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\n  gone: { type: webhook, url: "http://127.0.0.1:${closed}/", secret: "${SECRET}", timeoutSeconds: 2 }\nroutes:\n  - match: { kind: [check_fail] }\n    channels: [hook, gone]\ndelivery: { maxAttempts: 1 }\n`,
  );
  db = await openDatabase(init.dir, init.config);
  const store = new AlertsConfigStore(join(data, 'alerts.yaml'));
  await store.load();
  const services = buildServices(db, init.config, { dataRoot: data, alertsConfig: () => store.current() });
  const d = await enrolTestDevice({ services });
  const at = () => new Date().toISOString();
  await deliver({ services }, d, [{ collectedAt: at(), checks: await fullChecks({}, at()) }, { collectedAt: at(), checks: await fullChecks({ firewall: 'fail' }, at()) }]);
  await new DeliveryWorker(db, () => new Date(), () => store.current()).drain();
}, 60_000);
afterAll(async () => {
  await db?.close();
  await hook?.close();
  await dir?.cleanup();
});

describe('vigil-collector alerts', () => {
  let alertId: string;

  it('list shows open alerts as a table and as JSON', async () => {
    const table = await cli(COLLECTOR_CLI, ['alerts', 'list', '--data', data]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/^ID\s+SEVERITY\s+KIND\s+STATE\s+OPENED\s+TITLE/);
    expect(table.stdout).toMatch(/alr_[0-9a-f]{16}\s+high\s+check_fail\s+open\s+\S+\s+Host firewall failing on test-host/);
    const rows = JSON.parse((await cli(COLLECTOR_CLI, ['alerts', 'list', '--data', data, '--kind', 'check_fail', '--json'])).stdout) as { id: string }[];
    expect(rows).toHaveLength(1);
    alertId = rows[0]!.id;
  });

  it('a delivery that failed every attempt is listed as a dead letter; retry queues it again', async () => {
    const dl = await cli(COLLECTOR_CLI, ['alerts', 'dead-letters', '--data', data]);
    expect(dl.code, dl.stderr).toBe(0);
    expect(dl.stdout).toMatch(/\d+\s+gone\s+opened\s+alr_[0-9a-f]{16}\s+1\s+\S+\s+webhook http:\/\/127\.0\.0\.1:\d+: /);
    expect(hook.received).toHaveLength(1);
    const retry = await cli(COLLECTOR_CLI, ['alerts', 'retry', '--all', '--data', data]);
    expect(retry.stdout).toMatch(/^queued 1 delivery\(ies\) again: \d+$/m);
    expect(JSON.parse((await cli(COLLECTOR_CLI, ['alerts', 'dead-letters', '--json', '--data', data])).stdout)).toEqual([]);
    const bad = await cli(COLLECTOR_CLI, ['alerts', 'retry', '999999', '--data', data]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error E_NOT_FOUND: /);
  });

  it('ack and resolve by the operator, in the audit log with the OS account', async () => {
    const ack = await cli(COLLECTOR_CLI, ['alerts', 'ack', alertId, '--data', data, '--note', 'looking']);
    expect(ack.stdout.trim()).toBe(`${alertId} acknowledged`);
    const again = await cli(COLLECTOR_CLI, ['alerts', 'ack', alertId, '--data', data]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error E_ALERT_STATE: /);
    const res = await cli(COLLECTOR_CLI, ['alerts', 'resolve', alertId, '--data', data, '--note', 'rule restored']);
    expect(res.stdout.trim()).toBe(`${alertId} resolved`);
    const show = await cli(COLLECTOR_CLI, ['alerts', 'show', alertId, '--data', data]);
    expect(show.stdout).toMatch(/resolved \S+ by cli:/);
    expect(show.stdout).toMatch(/hook\s+resolved\s+pending/);
    const audit = await db.all<{ action: string; actor: string }>('SELECT action, actor FROM audit_log WHERE subject = ? ORDER BY id', [alertId]);
    expect(audit.map((a) => a.action)).toEqual(['alert.ack', 'alert.resolve']);
    expect(audit[0]!.actor).toMatch(/^cli:/);
  });

  it('channel test delivers now or fails with E_CHANNEL; an unknown channel is E_NOT_FOUND', async () => {
    const ok = await cli(COLLECTOR_CLI, ['channel', 'test', 'hook', '--data', data]);
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/^channel hook: test notification \S+ delivered$/m);
    expect(hook.received.at(-1)!.json).toMatchObject({ event: 'test', severity: 'info' });
    expect(hook.received.at(-1)!.signatureValid).toBe(true);
    const down = await cli(COLLECTOR_CLI, ['channel', 'test', 'gone', '--data', data]);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^error E_CHANNEL: webhook http:\/\/127\.0\.0\.1:\d+: /);
    expect((await cli(COLLECTOR_CLI, ['channel', 'test', 'nope', '--data', data])).stderr).toMatch(/^error E_NOT_FOUND: /);
  });

  it('alerts check validates a file and names line and field of each problem', async () => {
    const good = await cli(COLLECTOR_CLI, ['alerts', 'check', '--data', data]);
    expect(good.stdout).toMatch(/valid; channels hook, gone; 1 route\(s\)/);
    const bad = join(dir.path, 'bad.yaml');
    await writeFile(bad, 'channels:\n  x: { type: syslog, transport: carrier-pigeon, host: h, port: 514 }\n');
    const r = await cli(COLLECTOR_CLI, ['alerts', 'check', '--file', bad, '--data', data]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2:\d+: channels\.x\.transport: /);
    expect(r.stderr).toMatch(/error E_ALERT_CONFIG: 1 problem\(s\)/);
  });
});
