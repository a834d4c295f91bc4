// Every /api/v1 operation in OPERATIONS and every dashboard page and form, called by every kind of caller:
// nobody, a malformed or unknown token, a revoked token, a device (its enrolment token as bearer), API
// tokens and dashboard sessions of each role, a session without or with a wrong CSRF token. Each call is
// allowed or refused exactly as the route's documented access says, with E_UNAUTHORIZED / E_FORBIDDEN /
// E_CSRF (or the login redirect on dashboard pages), never a 5xx; a refused state-changing call leaves
// the database as it was.
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { OPERATIONS, type Access } from '../../collector/openapi/spec.js';
import { daysAgo, deliver, enrolTestDevice, fullChecks, startTestCollector, type TestDevice } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let device: TestDevice;
let victimDevice: TestDevice;
let victimApiToken: string;
let victimEnrolToken: string;
let waiverId: string;
let enrolmentSecret: string;

type Role = 'admin' | 'operator' | 'auditor';
type Caller =
  | { name: string; kind: 'none' }
  | { name: string; kind: 'header'; authorization: string }
  | { name: string; kind: 'token'; role: Role; authorization: string }
  | { name: string; kind: 'session'; role: Role; user: string; password: string; csrf: 'right' | 'missing' | 'wrong' };

const PASSWORDS: Record<Role, string> = { admin: 'admin password 123', operator: 'operator password 1', auditor: 'auditor password 1' };
const callers: Caller[] = [];

const STATE_TABLES_SKIP = new Set(['rate_limits', 'job_leases', 'sqlite_sequence']);
let TABLES: string[] = [];

/** A digest of every table that holds state (an API token's last-used time excepted). */
async function stateDigest(): Promise<string> {
  const h = createHash('sha256');
  for (const t of TABLES) {
    const rows = await c.db.all<Record<string, unknown>>(`SELECT * FROM ${t}`);
    const clean = rows.map((r) => {
      const { last_used_at: _, ...rest } = r;
      return JSON.stringify(rest, (_k, v) => (Buffer.isBuffer(v) ? v.toString('hex') : v));
    });
    h.update(`${t}:${clean.sort().join('\n')}\n`);
  }
  return h.digest('hex');
}

beforeAll(async () => {
  c = await startTestCollector();
  TABLES = (await c.db.all<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")).map((t) => t.name).filter((t) => !STATE_TABLES_SKIP.has(t));
  const s = c.services;
  for (const role of ['admin', 'operator', 'auditor'] as Role[]) {
    await s.users.create({ username: `u-${role}`, role, password: PASSWORDS[role], actor: 'test' });
    const t = await s.auth.create({ name: `t-${role}`, role, actor: 'test' });
    callers.push({ name: `token:${role}`, kind: 'token', role, authorization: `Bearer ${t.token}` });
    callers.push({ name: `session:${role}`, kind: 'session', role, user: `u-${role}`, password: PASSWORDS[role], csrf: 'right' });
  }
  await s.users.create({ username: 'victim', role: 'operator', password: 'victim password 1', actor: 'test' });
  const revoked = await s.auth.create({ name: 'revoked', role: 'admin', actor: 'test' });
  await s.auth.revoke(revoked.id, 'test');
  victimApiToken = (await s.auth.create({ name: 'victim', role: 'auditor', actor: 'test' })).id;
  const et = await s.enrolment.createToken({ role: 'workstation', expiresInMs: 3_600_000, maxUses: 5, actor: 'test' });
  enrolmentSecret = et.token;
  victimEnrolToken = (await s.enrolment.createToken({ role: 'workstation', expiresInMs: 3_600_000, maxUses: 5, actor: 'test' })).id;
  device = await enrolTestDevice(c);
  victimDevice = await enrolTestDevice(c);
  await deliver(c, device, [{ collectedAt: daysAgo(1), checks: await fullChecks({ firewall: 'fail' }, daysAgo(1)) }]);
  waiverId = (await s.waivers.create({ deviceId: device.id, checkId: 'firewall', reason: 'test', approver: 'CISO', expires: new Date(Date.now() + 86_400_000).toISOString(), actor: 'test' })).id;

  callers.push(
    { name: 'nobody', kind: 'none' },
    { name: 'malformed', kind: 'header', authorization: 'Basic YWRtaW46YWRtaW4=' },
    { name: 'unknown-token', kind: 'header', authorization: `Bearer apt_0123456789abcdef.${'A'.repeat(43)}` },
    { name: 'revoked-token', kind: 'header', authorization: `Bearer ${revoked.token}` },
    { name: 'device', kind: 'header', authorization: `Bearer ${enrolmentSecret}` },
    { name: 'session:admin:no-csrf', kind: 'session', role: 'admin', user: 'u-admin', password: PASSWORDS.admin, csrf: 'missing' },
    { name: 'session:operator:wrong-csrf', kind: 'session', role: 'operator', user: 'u-operator', password: PASSWORDS.operator, csrf: 'wrong' },
  );
}, 60_000);
afterAll(async () => c.cleanup());

interface Req {
  method: string;
  url: string;
  payload?: string | Buffer | object;
  contentType?: string;
}

/** A well-formed request for each operation: it would change state if allowed. */
function apiRequest(key: string): Req {
  const [method, path] = key.split(' ') as [string, string];
  const fill = (p: string) =>
    p
      .replace('/devices/:id/revoke', `/devices/${victimDevice.id}/revoke`)
      .replace(':id/envelopes/:seq', `${device.id}/envelopes/1`)
      .replace('/devices/:id', `/devices/${device.id}`)
      .replace('/users/:username', '/users/victim')
      .replace('/api-tokens/:id', `/api-tokens/${victimApiToken}`)
      .replace('/enrolment-tokens/:id', `/enrolment-tokens/${victimEnrolToken}`)
      .replace('/waivers/:id', `/waivers/${waiverId}`)
      .replace('/soa/:control', '/soa/A.5.1')
      .replace('/evidence/:id', '/evidence/evd_0123456789abcdef')
      .replace('/dead-letters/:id', '/dead-letters/1')
      .replace('/alerts/:id', '/alerts/alr_0123456789abcdef')
      .replace('/channels/:name', '/channels/oncall')
      .replace('/mds2/models/:model', '/mds2/models/Model%20X');
  const url = fill(path);
  const bodies: Record<string, Req['payload']> = {
    'POST /api/v1/enrol/challenge': { v: 1, token: 'tok_0000000000000000.wrongwrongwrongwrong' },
    'POST /api/v1/enrol': { v: 1 },
    'POST /api/v1/session': { username: 'nobody', password: 'x' },
    'POST /api/v1/users': { username: `new-${Math.random().toString(36).slice(2, 8)}`, role: 'admin', password: 'a long enough password' },
    'POST /api/v1/api-tokens': { name: 'created in matrix', role: 'admin' },
    'POST /api/v1/devices/:id/revoke': { reason: 'matrix' },
    'PUT /api/v1/devices/:id/model': { model: 'Model X' },
    'POST /api/v1/waivers': { device: device.id, check: 'usb_storage', reason: 'matrix', approver: 'CISO', expires: '30d' },
    'POST /api/v1/waivers/:id/revoke': { reason: 'matrix' },
    'PUT /api/v1/soa/:control': { applicable: false, justification: 'matrix' },
    'POST /api/v1/enrolment-tokens': { role: 'workstation', expires: '1h', maxUses: 1 },
    'POST /api/v1/alerts/:id/ack': { note: 'matrix' },
    'POST /api/v1/alerts/:id/resolve': { note: 'matrix' },
  };
  const raw: Record<string, Req> = {
    'POST /api/v1/soa/:control/evidence': { method, url: `${url}?filename=policy.pdf&note=matrix`, payload: Buffer.from('%PDF-1.4 evidence'), contentType: 'application/octet-stream' },
    'PUT /api/v1/mds2/models/:model': { method, url, payload: 'question,answer\nMDS2 version,2019\n', contentType: 'text/csv' },
    'POST /api/v1/exports/verify': { method, url, payload: Buffer.from('not an archive'), contentType: 'application/octet-stream' },
    'GET /api/v1/export': { method, url: `${url}?from=${daysAgo(3)}&to=${new Date().toISOString()}` },
    'GET /api/v1/audit/export': { method, url: `${url}?format=json` },
  };
  if (raw[key]) return raw[key]!;
  const body = bodies[key];
  return body !== undefined ? { method, url, payload: body } : method === 'GET' || method === 'DELETE' ? { method, url } : { method, url, payload: {} };
}

interface Page {
  key: string;
  access: Access;
  req: Req;
}

/** The dashboard: pages (GET) and forms (POST, form-encoded with _csrf). */
function dashboardRoutes(): Page[] {
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const get = (url: string, access: Access = 'read'): Page => ({ key: `GET ${url}`, access, req: { method: 'GET', url } });
  const post = (url: string, access: Access, fields: Record<string, string> = {}): Page => ({ key: `POST ${url}`, access, req: { method: 'POST', url, payload: fields, contentType: 'application/x-www-form-urlencoded' } });
  void form;
  return [
    get('/login', 'public'),
    get('/'),
    get('/devices'),
    get(`/devices/${device.id}`),
    get('/controls'),
    get('/alerts'),
    get('/enrolment'),
    get('/exports'),
    get(`/exports/download?from=2026-01-01&to=2026-01-31`, 'export'),
    get('/audit'),
    get('/settings'),
    get('/gateways'),
    post(`/devices/${victimDevice.id}/revoke`, 'write', { reason: 'matrix' }),
    post('/devices/revoke', 'write', { device: victimDevice.id, reason: 'matrix' }),
    post('/alerts/alr_0123456789abcdef/ack', 'write'),
    post('/alerts/alr_0123456789abcdef/resolve', 'write'),
    post('/enrolment/tokens', 'write', { role: 'workstation', site: '', expires: '1h', maxUses: '1' }),
    post(`/enrolment/tokens/${victimEnrolToken}/revoke`, 'write'),
    post('/settings/users', 'admin', { username: 'formuser', role: 'auditor', password: 'a long enough password' }),
    post('/settings/users/victim/disable', 'admin'),
    post('/settings/api-tokens', 'admin', { name: 'form token', role: 'admin' }),
    post(`/settings/api-tokens/${victimApiToken}/revoke`, 'admin'),
    post('/settings/channels/test', 'write', { channel: 'oncall' }),
    post('/logout', 'read'),
  ];
}

type Outcome = 'allowed' | 'unauthenticated' | 'forbidden' | 'csrf';
const GRANTS: Record<Role, Access[]> = { admin: ['read', 'export', 'write', 'admin'], operator: ['read', 'export', 'write'], auditor: ['read', 'export'] };

function expected(access: Access, caller: Caller, method: string): Outcome {
  if (access === 'public' || access === 'device') return 'allowed';
  if (caller.kind === 'none' || caller.kind === 'header') return 'unauthenticated';
  if (caller.kind === 'session' && caller.csrf !== 'right' && method !== 'GET') return 'csrf';
  return GRANTS[caller.role].includes(access) ? 'allowed' : 'forbidden';
}

function outcomeOf(r: LightMyRequestResponse, dashboard: boolean): Outcome {
  const text = r.body;
  let code: string | undefined;
  try {
    code = (JSON.parse(text) as { code?: string }).code;
  } catch {
    code = /<code>(E_[A-Z_]+)<\/code>/.exec(text)?.[1];
  }
  if (r.statusCode === 401 && code === 'E_UNAUTHORIZED') return 'unauthenticated';
  if (dashboard && r.statusCode === 303 && String(r.headers.location).startsWith('/login?next=')) return 'unauthenticated';
  if (r.statusCode === 403 && code === 'E_FORBIDDEN') return 'forbidden';
  if (r.statusCode === 403 && code === 'E_CSRF') return 'csrf';
  return 'allowed';
}

const sessions = new Map<string, Awaited<ReturnType<Collector['services']['users']['login']>>>();

async function prepare(caller: Caller, req: Req, fresh: boolean): Promise<InjectOptions> {
  const headers: Record<string, string> = {};
  let payload = req.payload;
  if (req.contentType) headers['content-type'] = req.contentType;
  if (caller.kind === 'token' || caller.kind === 'header') headers.authorization = caller.authorization;
  let csrf = 'not-the-token';
  if (caller.kind === 'session') {
    // A fresh session for logouts, so the shared ones survive.
    let login = fresh ? undefined : sessions.get(caller.name);
    if (!login) {
      login = await c.services.users.login(caller.user, caller.password, '127.0.0.1');
      if (!fresh) sessions.set(caller.name, login);
    }
    headers.cookie = `vigil_session=${login.sessionId}`;
    if (caller.csrf === 'right') csrf = login.user.csrf;
    if (caller.csrf !== 'missing' && req.contentType !== 'application/x-www-form-urlencoded' && req.method !== 'GET') headers['x-csrf-token'] = csrf;
  }
  if (req.contentType === 'application/x-www-form-urlencoded') {
    const fields = { ...(payload as Record<string, string>) };
    if (!(caller.kind === 'session' && caller.csrf === 'missing')) fields._csrf = csrf;
    else fields._csrf = '';
    payload = new URLSearchParams(fields).toString();
  }
  return { method: req.method as InjectOptions['method'], url: req.url, headers, ...(payload !== undefined ? { payload } : {}) };
}

const LAST = new Set(['DELETE /api/v1/session', 'POST /logout']);

describe('role matrix', () => {
  it('covers every registered /api/v1 route (none is undocumented)', async () => {
    const doc = (await c.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json() as { paths: Record<string, Record<string, { summary: string }>> };
    const undocumented = Object.entries(doc.paths).flatMap(([p, ops]) => Object.entries(ops).filter(([, op]) => op.summary === 'undocumented').map(([m]) => `${m} ${p}`));
    expect(undocumented).toEqual([]);
    expect(Object.keys(OPERATIONS).length).toBeGreaterThanOrEqual(55);
  });

  /**
   * Calls one route as every caller: first those that must be refused (the database is compared before
   * and after them), then those that must be let through.
   */
  async function matrixRow(key: string, access: Access, req: Req, dashboard: boolean, mismatches: string[]): Promise<number> {
    const plan: { caller: Caller; want: Outcome; opts: InjectOptions }[] = [];
    for (const caller of callers) plan.push({ caller, want: expected(access, caller, req.method), opts: await prepare(caller, req, LAST.has(key)) });
    plan.sort((x, y) => Number(x.want === 'allowed') - Number(y.want === 'allowed'));
    const refusedCount = plan.filter((p) => p.want !== 'allowed').length;
    const before = req.method !== 'GET' && refusedCount ? await stateDigest() : null;
    let i = 0;
    for (const { caller, want, opts } of plan) {
      const r = await c.app.inject(opts);
      if (r.statusCode >= 500) mismatches.push(`${key} as ${caller.name}: ${r.statusCode} ${r.body.slice(0, 200)}`);
      const got = outcomeOf(r, dashboard);
      if (got !== want) mismatches.push(`${key} as ${caller.name}: expected ${want}, got ${got} (${r.statusCode} ${String(r.headers.location ?? '')} ${r.body.slice(0, 160)})`);
      if (!dashboard && got !== 'allowed') {
        expect(r.headers['content-type'], key).toMatch(/^application\/json/);
        if (got === 'unauthenticated') expect(r.headers['www-authenticate']).toBe('Bearer realm="vigil"');
      }
      if (++i === refusedCount && before !== null && before !== (await stateDigest())) {
        mismatches.push(`${key}: refused for ${plan.slice(0, refusedCount).map((p) => p.caller.name).join(', ')}, but the database changed`);
      }
    }
    return plan.length;
  }

  it('allows or refuses every API operation for every caller as documented, and a refusal changes nothing', async () => {
    const keys = Object.keys(OPERATIONS).sort((a, b) => Number(LAST.has(a)) - Number(LAST.has(b)));
    const mismatches: string[] = [];
    let cells = 0;
    for (const key of keys) cells += await matrixRow(key, OPERATIONS[key]!.access, apiRequest(key), false, mismatches);
    expect(mismatches).toEqual([]);
    expect(cells).toBe(Object.keys(OPERATIONS).length * callers.length);
  }, 60_000);

  it('allows or refuses every dashboard page and form for every caller, redirecting the unauthenticated to the login page', async () => {
    const routes = dashboardRoutes().sort((a, b) => Number(LAST.has(a.key)) - Number(LAST.has(b.key)));
    const mismatches: string[] = [];
    let cells = 0;
    for (const route of routes) cells += await matrixRow(route.key, route.access, route.req, true, mismatches);
    expect(mismatches).toEqual([]);
    expect(cells).toBe(routes.length * callers.length);
  }, 60_000);

  it('refuses a login form posted without its double-submit cookie (cross-site login)', async () => {
    const r = await c.app.inject({ method: 'POST', url: '/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=u-admin&password=admin+password+123&_csrf=guess&next=%2F' });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('E_CSRF');
    expect(r.headers['set-cookie'] ?? '').not.toMatch(/vigil_session=[A-Za-z0-9_-]+;/);
  });
});
