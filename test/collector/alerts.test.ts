// Alerts end to end inside one collector process: a real collector (SQLite file, TLS) and real receivers on
// loopback (HTTP with HMAC check, syslog over UDP/TCP/TLS parsed as RFC 5424, SMTP via smtp-server).
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCollector, initDataDir, type RunningCollector } from '../../collector/server.js';
import { generatedTlsFiles } from '../../collector/tls.js';
import { deliver, enrolTestDevice, envelopeFor, fullChecks, generateKeyPairSync, session, tempDir, type TestDevice } from '../helpers/collector.js';
import { smtpReceiver, syslogReceiver, webhookReceiver } from '../helpers/receivers.js';
import { dbOverrides } from '../helpers/db.js';

const SECRET = 'test-webhook-secret-0123456789';
type Collector = RunningCollector & { dataDir: string; cleanup(): Promise<void> };

async function collectorWith(alertsYaml: (dir: string) => string): Promise<Collector> {
  const dir = await tempDir('vigil-alerts-');
  const init = await initDataDir(dir.path, { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
  await writeFile(join(init.dir.root, 'alerts.yaml'), alertsYaml(init.dir.root), { mode: 0o600 });
  const c = await startCollector(dir.path);
  return Object.assign(c, {
    dataDir: dir.path,
    async cleanup() {
      await c.close();
      await dir.cleanup();
    },
  });
}

const now = () => new Date().toISOString();
const step = async (outcomes: Record<string, 'pass' | 'fail'> = {}) => ({ collectedAt: now(), checks: await fullChecks(outcomes, now()) });
/** Every queued notification delivered (or dead): nothing more will arrive. */
async function settled(c: Collector): Promise<void> {
  const { until } = await import('../helpers/processes.js');
  await until(async () => (await c.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM alert_outbox WHERE status IN ('pending', 'sending')"))!.n === 0, 15_000, 'outbox drained');
}
const alertRows = (c: Collector, kind: string) => c.db.all<{ id: string; state: string; device_id: string; check_id: string; flapping: number; group_id: string | null }>('SELECT * FROM alerts WHERE kind = ? ORDER BY opened_at', [kind]);

describe('alerts: detection, channels, routing', () => {
  let c: Collector;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  let udp: Awaited<ReturnType<typeof syslogReceiver>>;
  let tcp: Awaited<ReturnType<typeof syslogReceiver>>;
  let tls: Awaited<ReturnType<typeof syslogReceiver>>;
  let smtp: Awaited<ReturnType<typeof smtpReceiver>>;
  let flaky: Awaited<ReturnType<typeof webhookReceiver>>;
  let admin: string;
  let auditor: string;
  let d: TestDevice;
  let tlsDir: { path: string; cleanup(): Promise<void> };

  beforeAll(async () => {
    hook = await webhookReceiver(SECRET);
    flaky = await webhookReceiver(SECRET);
    udp = await syslogReceiver('udp');
    tcp = await syslogReceiver('tcp');
    smtp = await smtpReceiver({ user: 'vigil', password: 'mail-secret' });
    // The syslog TLS receiver uses a certificate from its own throwaway collector data directory.
    tlsDir = await tempDir();
    const tlsInit = await initDataDir(tlsDir.path, { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
    const files = generatedTlsFiles(tlsInit.dir.root);
    tls = await syslogReceiver('tls', { cert: readFileSync(files.cert, 'utf8'), key: readFileSync(files.key, 'utf8') });
    c = await collectorWith(() => `
channels:
  oncall: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }
  flaky: { type: webhook, url: "${flaky.url}", secret: "${SECRET}" }
  soc-udp: { type: syslog, transport: udp, host: 127.0.0.1, port: ${udp.port} }
  soc-tcp: { type: syslog, transport: tcp, host: 127.0.0.1, port: ${tcp.port} }
  soc-tls: { type: syslog, transport: tls, host: 127.0.0.1, port: ${tls.port}, ca: "${files.ca}" }
  it-mail: { type: email, host: 127.0.0.1, port: ${smtp.port}, user: vigil, password: mail-secret, from: vigil@hospital.test, to: [it@hospital.test] }
routes:
  - match: { kind: [check_fail], check: [firewall] }
    channels: [oncall, soc-tls]
  - match: { kind: [check_fail], check: [usb_storage] }
    channels: [it-mail]
  - match: { kind: [tamper] }
    channels: [soc-udp, oncall]
  - match: { kind: [device_enrolled, token_misuse] }
    channels: [soc-tcp]
  - match: { kind: [check_fail], check: [time_sync] }
    channels: [flaky]
delivery: { maxAttempts: 3, backoffSeconds: 0.05 }
`);
    admin = (await c.services.auth.create({ name: 'oncall', role: 'admin', actor: 'test' })).token;
    auditor = (await c.services.auth.create({ name: 'auditor', role: 'auditor', actor: 'test' })).token;
    d = await enrolTestDevice(c);
    await deliver(c, d, [await step()]);
  }, 60_000);
  afterAll(async () => {
    await c?.cleanup();
    await tlsDir?.cleanup();
    await Promise.all([hook, flaky, udp, tcp, tls, smtp].map((r) => r?.close()));
  });

  const api = (method: 'GET' | 'POST', url: string, token = admin, body?: object) =>
    c.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(body ? { payload: body } : {}) });

  it('a new device raises device_enrolled, sent as RFC 5424 over TCP', async () => {
    const [m] = await tcp.waitFor(1);
    expect(m!.msgId).toBe('alert.opened');
    expect(m!.severity).toBe(6);
    expect(m!.facility).toBe(16);
    expect(m!.sd['vigil@32473']).toMatchObject({ kind: 'device_enrolled', device: d.id, event: 'opened' });
    expect(m!.msg).toMatch(/new device enrolled: test-host \(workstation\)/);
    expect(tcp.errors).toEqual([]);
  });

  it('pass → fail opens one alert, delivered once as a signed webhook with an idempotency key, and over syslog TLS', async () => {
    await deliver(c, d, [await step({ firewall: 'fail' })]);
    const [w] = await hook.waitFor((r) => r.length >= 1);
    expect(w!.signatureValid).toBe(true);
    expect(w!.headers['idempotency-key']).toBe(w!.json.id);
    expect(w!.json).toMatchObject({ event: 'opened', severity: 'high', alert: { kind: 'check_fail', check: 'firewall', deviceId: d.id, hostname: 'test-host', state: 'open' } });
    const [s] = await tls.waitFor(1);
    expect(s!.severity).toBe(3);
    expect(s!.sd['vigil@32473']).toMatchObject({ kind: 'check_fail', check: 'firewall', key: expect.stringMatching(/^ntf_/) });
    // Still failing: the same alert, no new notification.
    await deliver(c, d, [await step({ firewall: 'fail' })]);
    await settled(c);
    expect(hook.received).toHaveLength(1);
    expect(await alertRows(c, 'check_fail')).toHaveLength(1);
  });

  it('a forged signature is a tamper alert (critical) on syslog UDP and the webhook; a wrong HMAC fails the receiver check', async () => {
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const row = (await c.services.ingest.device(d.id))!;
    await expect(c.services.ingest.ingest(row, row.last_seq + 1, envelopeFor(d, row.last_seq + 1, row.last_hash!, { key: other.privateKey }), '10.0.0.9')).rejects.toMatchObject({ code: 'E_BAD_SIGNATURE' });
    const [m] = await udp.waitFor(1);
    expect(m!.severity).toBe(2);
    expect(m!.sd['vigil@32473']).toMatchObject({ kind: 'tamper', device: d.id });
    const ws = await hook.waitFor((r) => r.some((x) => (x.json.alert as { kind?: string } | undefined)?.kind === 'tamper'));
    const t = ws.find((x) => (x.json.alert as { kind?: string }).kind === 'tamper')!;
    expect(t.json).toMatchObject({ severity: 'critical', alert: { detail: { code: 'E_BAD_SIGNATURE', remote: '10.0.0.9' } } });
    const { verifySignature } = await import('../helpers/receivers.js');
    expect(verifySignature('another-secret-0123456789', t.headers, t.body)).toBe(false);
    expect(verifySignature(SECRET, t.headers, t.body.replace('critical', 'low'))).toBe(false);
  });

  it('a clock skew at session start is a tamper alert; a second one bumps the same open alert', async () => {
    const skewed = await session(c, c.caPem, d, { time: new Date(Date.now() + 3_600_000).toISOString() });
    expect(skewed.welcome).toMatchObject({ type: 'error', code: 'E_CLOCK_SKEW' });
    const rows = await c.db.all<{ occurrences: number; detail: string }>("SELECT occurrences, detail FROM alerts WHERE kind = 'tamper' AND device_id = ?", [d.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.occurrences).toBe(2);
    expect(JSON.parse(rows[0]!.detail).code).toBe('E_CLOCK_SKEW');
  });

  it('fail → pass resolves the alert automatically and sends a resolved notification', async () => {
    await deliver(c, d, [await step()]);
    const ws = await hook.waitFor((r) => r.some((x) => x.json.event === 'resolved'));
    const resolved = ws.find((x) => x.json.event === 'resolved')!;
    expect(resolved.signatureValid).toBe(true);
    expect(resolved.json).toMatchObject({ alert: { check: 'firewall', state: 'resolved' }, title: expect.stringMatching(/^resolved: /) });
    const [a] = await alertRows(c, 'check_fail');
    expect(a).toMatchObject({ state: 'resolved' });
    expect((await c.db.get<{ open_key: string | null; resolved_by: string }>('SELECT open_key, resolved_by FROM alerts WHERE id = ?', [a!.id]))).toEqual({ open_key: null, resolved_by: 'collector' });
  });

  it('e-mail over SMTP with authentication and a readable body', async () => {
    await deliver(c, d, [await step({ usb_storage: 'fail' })]);
    const [mail] = await smtp.waitFor(1);
    expect(mail!.user).toBe('vigil');
    expect(mail!.to).toEqual(['it@hospital.test']);
    expect(mail!.raw).toMatch(/^Subject: \[Vigil\] USB storage failing on test-host/im);
    expect(mail!.text).toMatch(/^HIGH check_fail: USB storage failing on test-host$/m);
    expect(mail!.text).toMatch(/^  reason +USB mass storage is not blocked$/m);
    expect(mail!.text).toMatch(new RegExp(`device\\s+test-host \\(${d.id}\\) role workstation`));
    expect(mail!.raw).toMatch(/X-Vigil-Idempotency-Key: ntf_[0-9a-f]{16}/i);
  });

  it('retries with backoff, keeping the idempotency key, then delivers', async () => {
    flaky.respondWith((n) => (n <= 2 ? 503 : 200));
    await deliver(c, d, [await step({ time_sync: 'fail', usb_storage: 'fail' })]);
    const [w] = await flaky.waitFor((r) => r.length === 1);
    expect(flaky.requests()).toBe(3);
    const { until } = await import('../helpers/processes.js');
    const row = await until(() => c.db.get<{ status: string; attempts: number; idempotency_key: string }>("SELECT status, attempts, idempotency_key FROM alert_outbox WHERE channel = 'flaky' AND status = 'delivered'"), 5000, 'delivered');
    expect(row).toMatchObject({ status: 'delivered', attempts: 3 });
    expect(w!.headers['idempotency-key']).toBe(row!.idempotency_key);
  });

  it('after the last attempt a delivery is a dead letter, visible in the API, and retry delivers it', async () => {
    flaky.respondWith(() => 500);
    await deliver(c, d, [await step({ usb_storage: 'fail' })]);
    const dead = await (async () => {
      for (let i = 0; i < 100; i++) {
        const r = await api('GET', '/api/v1/alerts/dead-letters');
        const rows = r.json().deadLetters as { id: number; channel: string; attempts: number; last_error: string; event: string }[];
        if (rows.length) return rows;
        await new Promise((res) => setTimeout(res, 50));
      }
      throw new Error('no dead letter');
    })();
    expect(dead[0]).toMatchObject({ channel: 'flaky', attempts: 3, event: 'resolved', last_error: expect.stringMatching(/HTTP 500/) });
    expect((await api('POST', `/api/v1/alerts/dead-letters/${dead[0]!.id}/retry`, auditor)).statusCode).toBe(403);
    flaky.respondWith(() => 200);
    const r = await api('POST', `/api/v1/alerts/dead-letters/${dead[0]!.id}/retry`);
    expect(r.json()).toEqual({ retried: [dead[0]!.id] });
    await flaky.waitFor((x) => x.some((w) => w.json.event === 'resolved'));
    const audit = await c.db.all<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'alert.%' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['alert.delivery.dead', 'alert.delivery.retry']));
  });

  it('acknowledge and resolve through the API, recorded in the audit log, with stable error codes', async () => {
    const list = await api('GET', '/api/v1/alerts?state=open&kind=check_fail', auditor);
    expect(list.statusCode).toBe(200);
    const open = list.json().alerts as { id: string; check_id: string }[];
    const usb = open.find((a) => a.check_id === 'usb_storage')!;
    expect((await api('POST', `/api/v1/alerts/${usb.id}/ack`, auditor)).json()).toMatchObject({ code: 'E_FORBIDDEN' });
    expect((await api('POST', `/api/v1/alerts/${usb.id}/ack`, admin, { note: 'on it' })).json()).toMatchObject({ id: usb.id, state: 'acknowledged', acked_by: expect.stringMatching(/^api:oncall/) });
    expect((await api('POST', `/api/v1/alerts/${usb.id}/ack`)).json()).toMatchObject({ code: 'E_ALERT_STATE' });
    expect((await api('POST', `/api/v1/alerts/${usb.id}/resolve`, admin, { note: 'port blocked' })).json()).toMatchObject({ state: 'resolved', resolve_note: 'port blocked' });
    expect((await api('POST', `/api/v1/alerts/${usb.id}/resolve`)).statusCode).toBe(409);
    expect((await api('GET', '/api/v1/alerts/alr_0000000000000000')).json()).toMatchObject({ code: 'E_NOT_FOUND' });
    expect((await api('GET', '/api/v1/alerts/not-an-id')).json()).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect((await api('GET', '/api/v1/alerts?state=maybe')).json()).toMatchObject({ code: 'E_BAD_REQUEST' });
    const detail = (await api('GET', `/api/v1/alerts/${usb.id}`)).json();
    expect(detail.deliveries.map((x: { channel: string; event: string; status: string }) => `${x.channel}:${x.event}`)).toEqual(['it-mail:opened', 'it-mail:resolved']);
    const audit = await c.db.all<{ action: string; subject: string; actor: string }>("SELECT action, subject, actor FROM audit_log WHERE subject = ? ORDER BY id", [usb.id]);
    expect(audit.map((a) => a.action)).toEqual(['alert.ack', 'alert.resolve']);
    await smtp.waitFor(2);
    // Still failing after a manual resolve: the next attestation keeps the check failing, no transition, no new alert.
  });

  it('token misuse raises an alert', async () => {
    const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'test' });
    await c.services.enrolment.revokeToken(t.id, 'test');
    await expect(c.services.enrolment.challenge(t.token, '10.1.2.3')).rejects.toMatchObject({ code: 'E_TOKEN_REVOKED' });
    const msgs = await tcp.waitFor(2);
    expect(msgs[1]!.sd['vigil@32473']).toMatchObject({ kind: 'token_misuse', severity: 'high' });
    expect(msgs[1]!.msg).toContain(t.id);
  });

  it('an edited alerts.yaml is in force without a restart; a broken edit keeps the last good one', async () => {
    const { readFile } = await import('node:fs/promises');
    const file = join(c.dataDir, 'alerts.yaml');
    const original = await readFile(file, 'utf8');
    await writeFile(file, original.replace('channels: [soc-tcp]', 'channels: [soc-tcp, oncall]'));
    await new Promise((r) => setTimeout(r, 2500));
    await writeFile(file, original.replace('routes:', 'routes: [broken'));
    await new Promise((r) => setTimeout(r, 2500));
    const before = hook.received.length;
    const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'test' });
    await c.services.enrolment.revokeToken(t.id, 'test');
    await expect(c.services.enrolment.challenge(t.token, '10.1.2.4')).rejects.toMatchObject({ code: 'E_TOKEN_REVOKED' });
    const got = await hook.waitFor((r) => r.length > before);
    expect(got.at(-1)!.json).toMatchObject({ alert: { kind: 'token_misuse' } });
    await writeFile(file, original);
  });

  it('channel test sends through one channel now; an unknown channel is E_NOT_FOUND', async () => {
    const r = await api('POST', '/api/v1/alerts/channels/soc-tls/test');
    expect(r.json()).toMatchObject({ channel: 'soc-tls', delivered: true });
    const msgs = await tls.waitFor(2);
    expect(msgs.at(-1)!.msgId).toBe('alert.test');
    expect((await api('POST', '/api/v1/alerts/channels/nope/test')).json()).toMatchObject({ code: 'E_NOT_FOUND' });
  });
});

describe('alerts: storms and flapping', () => {
  let c: Collector;
  let hook: Awaited<ReturnType<typeof webhookReceiver>>;
  beforeAll(async () => {
    hook = await webhookReceiver(SECRET);
    c = await collectorWith(() => `
channels:
  oncall: { type: webhook, url: "${hook.url}", secret: "${SECRET}", format: vigil }
routes:
  - match: { kind: [check_fail] }
    channels: [oncall]
storm: { windowSeconds: 60, threshold: 3, holdSeconds: 1 }
flap: { windowSeconds: 600, maxOpens: 2 }
`);
  }, 60_000);
  afterAll(async () => {
    await c?.cleanup();
    await hook?.close();
  });

  it('12 devices failing one check: 3 single notifications, then one grouped notification; an alert per device', async () => {
    const devices: TestDevice[] = [];
    for (let i = 0; i < 12; i++) devices.push(await enrolTestDevice(c));
    for (const d of devices) await deliver(c, d, [await step()]);
    for (const d of devices) await deliver(c, d, [await step({ usb_storage: 'fail' })]);
    const got = await hook.waitFor((r) => r.some((x) => x.json.group), 15_000);
    await settled(c);
    expect(hook.received.filter((x) => x.json.alert)).toHaveLength(3);
    const groups = hook.received.filter((x) => x.json.group);
    expect(groups).toHaveLength(1);
    expect(groups[0]!.signatureValid).toBe(true);
    expect(groups[0]!.json).toMatchObject({ event: 'opened', title: 'USB storage failing on 9 devices (grouped)', group: { count: 9, check: 'usb_storage' } });
    expect((groups[0]!.json.group as { alerts: unknown[] }).alerts).toHaveLength(9);
    const rows = await alertRows(c, 'check_fail');
    expect(rows).toHaveLength(12);
    expect(rows.filter((r) => r.group_id)).toHaveLength(9);
    expect(got.length).toBeGreaterThan(0);
  });

  it('a flapping check is announced once and then recorded without notifications', async () => {
    const d = await enrolTestDevice(c);
    await deliver(c, d, [await step()]);
    const before = hook.received.length;
    for (let i = 0; i < 4; i++) {
      await deliver(c, d, [await step({ firewall: 'fail' })]);
      await deliver(c, d, [await step()]);
    }
    await settled(c);
    const mine = hook.received.slice(before).map((x) => x.json.event);
    // Two normal open/resolve pairs, then one "flapping" notice; the rest is quiet.
    expect(mine).toEqual(['opened', 'resolved', 'opened', 'resolved', 'flapping']);
    const rows = (await alertRows(c, 'check_fail')).filter((r) => r.device_id === d.id);
    expect(rows.map((r) => r.flapping)).toEqual([0, 0, 1, 1]);
  });
});

describe('alerts.yaml', () => {
  it('names line, column and field of every problem', async () => {
    const { parseAlertsConfig } = await import('../../collector/alerts/config.js');
    const text = ['channels:', '  hook: { type: webhook, url: ftp://x, secret: short }', 'routes:', '  - channels: [nope]', 'storm: { threshold: 0 }'].join('\n');
    let err: { code?: string; details?: string[] } = {};
    try {
      parseAlertsConfig(text, 'alerts.yaml');
    } catch (e) {
      err = e as typeof err;
    }
    expect(err.code).toBe('E_ALERT_CONFIG');
    expect(err.details!.join('\n')).toMatch(/alerts\.yaml:2:\d+: channels\.hook\.url: /);
    expect(err.details!.join('\n')).toMatch(/alerts\.yaml:5:\d+: storm\.threshold: /);
    expect(() => parseAlertsConfig('channels:\n  a: { type: webhook, url: "http://x", secret: "0123456789abcdef" }\nroutes:\n  - channels: [b]\n')).toThrow(/:4:\d+: routes\.0\.channels\.0: unknown channel "b"/);
    expect(() => parseAlertsConfig('storm: [\n')).toThrow(expect.objectContaining({ code: 'E_ALERT_CONFIG' }));
  });

  it('is reloaded without a restart; a bad edit keeps the last good configuration', async () => {
    const { AlertsConfigStore } = await import('../../collector/alerts/config.js');
    const dir = await tempDir();
    const file = join(dir.path, 'alerts.yaml');
    try {
      await writeFile(file, 'storm: { threshold: 5 }\n');
      const logs: string[] = [];
      const store = new AlertsConfigStore(file, (m) => logs.push(m), 0);
      expect((await store.load()).storm.threshold).toBe(5);
      await writeFile(file, 'storm: { threshold: 7, extra: 1 }\n');
      store.current();
      await new Promise((r) => setTimeout(r, 100));
      expect(store.current().storm.threshold).toBe(5);
      expect(store.lastError()?.code).toBe('E_ALERT_CONFIG');
      await writeFile(file, 'storm: { threshold: 9 }\n');
      store.current();
      await new Promise((r) => setTimeout(r, 100));
      expect(store.current().storm.threshold).toBe(9);
      expect(logs.join('\n')).toMatch(/keeping the previous alert configuration/);
    } finally {
      await dir.cleanup();
    }
  });
});
