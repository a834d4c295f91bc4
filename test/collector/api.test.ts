// /api/v1 for audit evidence: bearer tokens (admin writes, auditor reads and exports), JSON errors with
// codes, every admin write in the audit log.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyArchive } from '../../collector/verify/verify.js';
import { daysAgo, deliver, enrolTestDevice, fullChecks, startTestCollector, type TestDevice } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let admin: string;
let auditor: string;
let device: TestDevice;

beforeAll(async () => {
  c = await startTestCollector();
  admin = (await c.services.auth.create({ name: 'ciso laptop', role: 'admin', actor: 'test' })).token;
  auditor = (await c.services.auth.create({ name: 'external auditor', role: 'auditor', actor: 'test' })).token;
  device = await enrolTestDevice(c);
  await deliver(c, device, [
    { collectedAt: daysAgo(3), checks: await fullChecks({}, daysAgo(3)) },
    { collectedAt: daysAgo(1), checks: await fullChecks({ usb_storage: 'fail' }, daysAgo(1)) },
  ]);
});
afterAll(async () => c.cleanup());

const call = (method: 'GET' | 'POST' | 'PUT', url: string, token?: string, body?: unknown, headers: Record<string, string> = {}) =>
  c.app.inject({
    method,
    url,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    ...(body === undefined ? {} : Buffer.isBuffer(body) ? { payload: body } : { payload: body as object }),
  });

describe('API authentication', () => {
  it('refuses requests without a valid token with E_UNAUTHORIZED and a Bearer challenge', async () => {
    for (const token of [undefined, 'apt_0000000000000000.wrongwrongwrongwrongwrong', admin.slice(0, -2) + 'xx']) {
      const r = await call('GET', '/api/v1/waivers', token);
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'E_UNAUTHORIZED' });
      expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    }
  });

  it('lets an auditor read and export but not write (E_FORBIDDEN)', async () => {
    expect((await call('GET', '/api/v1/soa', auditor)).statusCode).toBe(200);
    const w = await call('POST', '/api/v1/waivers', auditor, { check: 'usb_storage', reason: 'r', approver: 'a', expires: '7d' });
    expect(w.statusCode).toBe(403);
    expect(w.json()).toMatchObject({ code: 'E_FORBIDDEN' });
    expect((await call('PUT', '/api/v1/soa/5.1', auditor, { applicable: true, justification: 'x' })).statusCode).toBe(403);
  });

  it('a revoked token stops working at once', async () => {
    const t = await c.services.auth.create({ name: 'temp', role: 'admin', actor: 'test' });
    expect((await call('GET', '/api/v1/waivers', t.token)).statusCode).toBe(200);
    await c.services.auth.revoke(t.id, 'test');
    expect((await call('GET', '/api/v1/waivers', t.token)).statusCode).toBe(401);
  });

  it('tokens are stored only as hashes', async () => {
    const rows = await c.db.all<{ secret_sha256: string }>('SELECT secret_sha256 FROM api_tokens');
    for (const r of rows) expect(admin).not.toContain(r.secret_sha256);
    expect(rows.every((r) => /^[0-9a-f]{64}$/.test(r.secret_sha256))).toBe(true);
  });
});

describe('waivers and SoA over the API', () => {
  it('an admin creates and revokes a waiver; each write is in the audit log with the token that made it', async () => {
    const created = await call('POST', '/api/v1/waivers', admin, { device: device.id, check: 'usb_storage', reason: 'lab analyser needs USB', approver: 'CISO', expires: '30d' });
    expect(created.statusCode).toBe(201);
    const w = created.json();
    const state = (await call('GET', `/api/v1/devices/${device.id}/state`, auditor)).json();
    expect(state.checks.find((x: { checkId: string }) => x.checkId === 'usb_storage')).toMatchObject({ status: 'fail', effective: 'waived', waiver: { id: w.id } });
    expect((await call('POST', `/api/v1/waivers/${w.id}/revoke`, admin, { reason: 'replaced by encrypted USB' })).statusCode).toBe(200);
    const log = await c.db.all<{ actor: string; action: string }>("SELECT actor, action FROM audit_log WHERE subject = ? ORDER BY id", [w.id]);
    expect(log.map((l) => l.action)).toEqual(['waiver.create', 'waiver.revoke']);
    expect(log.every((l) => /^api:ciso laptop \(apt_[0-9a-f]{16}\)$/.test(l.actor))).toBe(true);
  });

  it('rejects malformed bodies with codes and every bad field', async () => {
    const r = await call('POST', '/api/v1/waivers', admin, { check: 'usb_storage', expires: 'soon', extra: 1 });
    expect(r.statusCode).toBe(400);
    expect(r.json().code).toBe('E_BAD_REQUEST');
    expect(r.json().details.join(' ')).toMatch(/reason/);
    expect((await call('PUT', '/api/v1/soa/99.1', admin, { applicable: true, justification: 'x' })).json()).toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('records applicability and manual evidence; evidence downloads byte for byte', async () => {
    const put = await call('PUT', '/api/v1/soa/A.7.4', admin, { applicable: false, justification: 'facilities department' });
    expect(put.statusCode).toBe(200);
    const file = Buffer.from('%PDF-1.7 access control procedure\n');
    const up = await call('POST', `/api/v1/soa/5.15/evidence?filename=${encodeURIComponent('access control.pdf')}&note=${encodeURIComponent('procedure v2')}`, admin, file, { 'content-type': 'application/octet-stream' });
    expect(up.statusCode).toBe(201);
    const e = up.json();
    expect(e).toMatchObject({ control_id: '5.15', size: file.length, filename: 'access control.pdf' });
    const down = await call('GET', `/api/v1/evidence/${e.id}`, auditor);
    expect(down.rawPayload).toEqual(file);
    expect(down.headers['x-content-sha256']).toBe(e.sha256);
    const soa = (await call('GET', '/api/v1/soa', auditor)).json().controls;
    expect(soa.find((s: { id: string }) => s.id === '7.4')).toMatchObject({ applicable: false });
    expect(soa.find((s: { id: string }) => s.id === '5.15').manualEvidence).toHaveLength(1);
    const actions = (await c.db.all<{ action: string }>("SELECT action FROM audit_log WHERE action LIKE 'soa.%'")).map((a) => a.action);
    expect(actions).toEqual(['soa.decide', 'soa.evidence.add']);
  });
});

describe('history over the API', () => {
  it('gives the fleet and a device as of a past moment, and every evaluation', async () => {
    const then = (await call('GET', `/api/v1/devices/${device.id}/state?asOf=${encodeURIComponent(daysAgo(2))}`, auditor)).json();
    expect(then.envelope.seq).toBe(1);
    expect(then.checks.find((x: { checkId: string }) => x.checkId === 'usb_storage').status).toBe('pass');
    const fleet = (await call('GET', `/api/v1/fleet?asOf=${encodeURIComponent(daysAgo(2))}&limit=10`, auditor)).json();
    expect(fleet.devices.map((d: { device: { id: string } }) => d.device.id)).toContain(device.id);
    const evals = (await call('GET', `/api/v1/devices/${device.id}/evaluations?check=usb_storage`, auditor)).json().evaluations;
    expect(evals.map((e: { seq: number; status: string }) => [e.seq, e.status])).toEqual([[2, 'fail'], [1, 'pass']]);
    const controls = (await call('GET', `/api/v1/controls?asOf=${encodeURIComponent(daysAgo(2))}`, auditor)).json().controls;
    expect(controls.find((x: { id: string }) => x.id === '7.10').counts.pass).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/api/v1/fleet?asOf=yesterday', auditor)).json()).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect((await call('GET', `/api/v1/devices/dev_${'0'.repeat(32)}/state`, auditor)).json()).toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('reports the policy version in force', async () => {
    const p = (await call('GET', '/api/v1/policy', auditor)).json();
    expect(p.version).toMatch(/^default@sha256:/);
    expect(p.lastError).toBeNull();
  });
});

describe('export over the API', () => {
  it('streams an archive an auditor token may fetch, which verifies offline', async () => {
    const r = await call('GET', `/api/v1/export?from=${encodeURIComponent(daysAgo(7))}&to=${encodeURIComponent(new Date().toISOString())}&envelopes=period`, auditor);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/gzip');
    const file = join(c.dataDir, 'api-export.tar.gz');
    await writeFile(file, r.rawPayload);
    const report = await verifyArchive(file);
    expect(report.problems).toEqual([]);
    expect(report.envelopes).toBe(2);
    const log = await c.db.get<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'export.create' ORDER BY id DESC LIMIT 1");
    expect(log!.actor).toMatch(/^api:external auditor/);
  });
});
