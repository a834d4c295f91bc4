// Users, sessions, CSRF, roles, the device list and the HTML pages, against a real collector (real
// SQLite file, real TLS listener; requests through fastify inject).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, deliver, enrolTestDevice, fullChecks, startTestCollector, type TestDevice } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
const XSS = '<img src=x onerror=alert(1)>';
const devices: TestDevice[] = [];
let hostile: TestDevice;

interface Session {
  cookie: string;
  csrf: string;
}

async function login(username: string, password: string): Promise<Session> {
  const r = await c.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username, password } });
  expect(r.statusCode, r.body).toBe(201);
  const cookie = String(r.headers['set-cookie']).split(';')[0]!;
  return { cookie, csrf: r.json().csrf };
}

const as = (s: Session, method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object, csrf = true) =>
  c.app.inject({ method, url, headers: { cookie: s.cookie, ...(csrf && method !== 'GET' ? { 'x-csrf-token': s.csrf } : {}) }, ...(payload ? { payload } : {}) });

let admin: Session;
let operator: Session;
let auditor: Session;

beforeAll(async () => {
  c = await startTestCollector();
  await c.services.users.create({ username: 'alice', role: 'admin', password: 'correct horse battery', actor: 'test' });
  await c.services.users.create({ username: 'olga', role: 'operator', password: 'operator password 1', actor: 'test' });
  await c.services.users.create({ username: 'audrey', role: 'auditor', password: 'auditor password 1', actor: 'test' });
  for (let i = 0; i < 7; i++) {
    const d = await enrolTestDevice(c, i % 2 ? 'gateway' : 'workstation');
    await deliver(c, d, [
      { collectedAt: daysAgo(3), checks: await fullChecks({}, daysAgo(3)), device: { hostname: `ward-${i}` } },
      { collectedAt: daysAgo(1), checks: await fullChecks(i < 3 ? { firewall: 'fail' } : {}, daysAgo(1)), device: { hostname: `ward-${i}` } },
    ]);
    devices.push(d);
  }
  hostile = await enrolTestDevice(c);
  await deliver(c, hostile, [{ collectedAt: daysAgo(1), checks: await fullChecks({ usb_storage: 'fail' }, daysAgo(1)), device: { hostname: XSS } }]);
  admin = await login('alice', 'correct horse battery');
  operator = await login('olga', 'operator password 1');
  auditor = await login('audrey', 'auditor password 1');
}, 60_000);
afterAll(async () => c.cleanup());

describe('users and sessions', () => {
  it('stores passwords as scrypt hashes only', async () => {
    const rows = await c.db.all<{ password_hash: string }>('SELECT password_hash FROM users');
    expect(rows).toHaveLength(3);
    for (const r of rows) {
      expect(r.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
      expect(r.password_hash).not.toContain('password');
    }
  });

  it('sets an HttpOnly, Secure, SameSite=Strict session cookie', async () => {
    const r = await c.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'alice', password: 'correct horse battery' } });
    expect(String(r.headers['set-cookie'])).toMatch(/^vigil_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; Secure; SameSite=Strict; Max-Age=43200$/);
  });

  it('refuses a wrong password or unknown user with one code, and audits the refusal', async () => {
    for (const [u, p] of [['alice', 'wrong password!!'], ['nobody', 'correct horse battery']]) {
      const r = await c.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: u, password: p } });
      expect(r.statusCode).toBe(401);
      expect(r.json()).toMatchObject({ code: 'E_LOGIN_FAILED' });
    }
    const log = await c.db.all<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'login.refused' ORDER BY id");
    expect(log.map((l) => l.actor)).toEqual(['user:alice', 'user:nobody']);
  });

  it('refuses a weak password and a duplicate username with codes', async () => {
    expect((await as(admin, 'POST', '/api/v1/users', { username: 'bob', role: 'operator', password: 'short' })).json()).toMatchObject({ code: 'E_BAD_REQUEST' });
    expect((await as(admin, 'POST', '/api/v1/users', { username: 'olga', role: 'operator', password: 'long enough password' })).json()).toMatchObject({ code: 'E_CONFLICT' });
  });

  it('needs the CSRF token on state-changing requests from a session, not on reads', async () => {
    expect((await as(operator, 'GET', '/api/v1/overview')).statusCode).toBe(200);
    const body = { role: 'workstation', expires: '1h', maxUses: 1 };
    const missing = await as(operator, 'POST', '/api/v1/enrolment-tokens', body, false);
    expect(missing.statusCode).toBe(403);
    expect(missing.json()).toMatchObject({ code: 'E_CSRF' });
    const wrong = await c.app.inject({ method: 'POST', url: '/api/v1/enrolment-tokens', headers: { cookie: operator.cookie, 'x-csrf-token': admin.csrf }, payload: body });
    expect(wrong.json()).toMatchObject({ code: 'E_CSRF' });
    const ok = await as(operator, 'POST', '/api/v1/enrolment-tokens', body);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().enrolment).toMatch(/token=tok_[0-9a-f]{16}\./);
  });

  it('maps roles: auditor reads and exports only, operator cannot administer users or API tokens', async () => {
    const r = await as(auditor, 'POST', '/api/v1/enrolment-tokens', { role: 'workstation', expires: '1h', maxUses: 1 });
    expect(r.statusCode).toBe(403);
    expect(r.json()).toMatchObject({ code: 'E_FORBIDDEN' });
    expect((await as(auditor, 'GET', '/api/v1/audit/export?format=csv')).statusCode).toBe(200);
    expect((await as(operator, 'GET', '/api/v1/users')).json()).toMatchObject({ code: 'E_FORBIDDEN' });
    expect((await as(operator, 'POST', '/api/v1/api-tokens', { name: 'x', role: 'admin' })).json()).toMatchObject({ code: 'E_FORBIDDEN' });
  });

  it('API tokens with the operator role work as bearer tokens without CSRF', async () => {
    const t = (await as(admin, 'POST', '/api/v1/api-tokens', { name: 'ci pipeline', role: 'operator' })).json();
    const r = await c.app.inject({ method: 'POST', url: '/api/v1/enrolment-tokens', headers: { authorization: `Bearer ${t.token}` }, payload: { role: 'gateway', expires: '24h', maxUses: 5 } });
    expect(r.statusCode, r.body).toBe(201);
    const log = await c.db.get<{ actor: string }>("SELECT actor FROM audit_log WHERE action = 'token.create' ORDER BY id DESC LIMIT 1");
    expect(log!.actor).toBe(`api:ci pipeline (${t.id})`);
  });

  it('logging out ends the session; a disabled user loses theirs', async () => {
    const s = await login('olga', 'operator password 1');
    expect((await as(s, 'DELETE', '/api/v1/session')).statusCode).toBe(204);
    expect((await as(s, 'GET', '/api/v1/me')).json()).toMatchObject({ code: 'E_UNAUTHORIZED' });
    await c.services.users.create({ username: 'temp', role: 'operator', password: 'temporary password', actor: 'test' });
    const t = await login('temp', 'temporary password');
    expect((await as(admin, 'POST', '/api/v1/users/temp/disable')).statusCode).toBe(200);
    expect((await as(t, 'GET', '/api/v1/me')).statusCode).toBe(401);
  });
});

describe('audit log', () => {
  it('records who did what and when; exports CSV with formula-looking cells defused', async () => {
    const page = (await as(auditor, 'GET', '/api/v1/audit?limit=5')).json();
    expect(page.entries).toHaveLength(5);
    expect(page.next).toMatch(/^\d+$/);
    const older = (await as(auditor, 'GET', `/api/v1/audit?limit=5&before=${page.next}`)).json();
    expect(older.entries[0].id).toBeLessThan(page.entries[4].id);
    await c.services.users.create({ username: 'eve', role: 'auditor', password: 'auditor password 2', actor: '=HYPERLINK("x")' });
    const csv = (await as(auditor, 'GET', '/api/v1/audit/export?format=csv')).body;
    expect(csv.split('\r\n')[0]).toBe('id,at,actor,action,subject,detail');
    expect(csv).toContain(`"'=HYPERLINK(""x"")",user.create`);
    expect(csv).toMatch(/,user:alice,api-token\.create,apt_/);
  });
});

describe('device list', () => {
  it('filters by check status, role and search, and counts matches', async () => {
    const failing = (await as(auditor, 'GET', '/api/v1/devices?status=fail&check=firewall')).json();
    expect(failing.total).toBe(3);
    expect(failing.devices.map((d: { hostname: string }) => d.hostname).sort()).toEqual(['ward-0', 'ward-1', 'ward-2']);
    const gateways = (await as(auditor, 'GET', '/api/v1/devices?role=gateway')).json();
    expect(gateways.devices.every((d: { role: string }) => d.role === 'gateway')).toBe(true);
    expect(gateways.total).toBe(3);
    expect((await as(auditor, 'GET', '/api/v1/devices?q=ward-5')).json().devices.map((d: { id: string }) => d.id)).toEqual([devices[5]!.id]);
    expect((await as(auditor, 'GET', '/api/v1/devices?q=%25')).json().total).toBe(0);
  });

  it('pages with a cursor through every device exactly once, in each sort order', async () => {
    for (const sort of ['hostname', 'last_seen', 'failing']) {
      for (const order of ['asc', 'desc']) {
        const seen: string[] = [];
        let cursor = '';
        for (let i = 0; i < 10; i++) {
          const r = (await as(auditor, 'GET', `/api/v1/devices?limit=3&sort=${sort}&order=${order}${cursor ? `&cursor=${cursor}` : ''}`)).json();
          seen.push(...r.devices.map((d: { id: string }) => d.id));
          if (!r.next) break;
          cursor = r.next;
        }
        expect(new Set(seen).size, `${sort} ${order}`).toBe(8);
        expect(seen).toHaveLength(8);
      }
    }
    const bySort = (await as(auditor, 'GET', '/api/v1/devices?sort=failing&order=desc&limit=3')).json();
    expect(bySort.devices.map((d: { failing: number }) => d.failing)).toEqual([1, 1, 1]);
  });

  it('rejects unknown filters and foreign cursors with E_BAD_REQUEST', async () => {
    for (const q of ['status=broken', 'sort=serial', 'cursor=abc', 'check=nope', 'limit=0', 'colour=red']) {
      const r = await as(auditor, 'GET', `/api/v1/devices?${q}`);
      expect(r.statusCode, q).toBe(400);
      expect(r.json().code).toBe('E_BAD_REQUEST');
    }
  });
});

describe('overview, device detail and envelopes', () => {
  it('counts per check, per control and a daily trend', async () => {
    const o = (await as(auditor, 'GET', '/api/v1/overview')).json();
    expect(o.devices).toBe(8);
    expect(o.checks.find((x: { checkId: string }) => x.checkId === 'firewall')).toMatchObject({ fail: 3, pass: 5 });
    expect(o.controls.length).toBeGreaterThan(5);
    expect(o.trend).toHaveLength(91);
    const twoDaysAgo = o.trend[o.trend.length - 3];
    expect(twoDaysAgo).toMatchObject({ fail: 0 });
    expect(twoDaysAgo.pass).toBeGreaterThan(0);
    expect(o.trend[o.trend.length - 1].fail).toBe(4);
  });

  it('serves the signed envelopes verbatim', async () => {
    const d = devices[0]!;
    const list = (await as(auditor, 'GET', `/api/v1/devices/${d.id}/envelopes`)).json();
    expect(list.envelopes.map((e: { seq: number }) => e.seq)).toEqual([2, 1]);
    const one = await as(auditor, 'GET', `/api/v1/devices/${d.id}/envelopes/2`);
    expect(one.headers['content-disposition']).toContain(`${d.id}-2.dsse.json`);
    const stored = await c.db.get<{ bytes: Buffer }>('SELECT bytes FROM envelopes WHERE device_id = ? AND seq = 2', [d.id]);
    expect(one.rawPayload.equals(Buffer.from(stored!.bytes))).toBe(true);
    const all = (await as(auditor, 'GET', `/api/v1/devices/${d.id}/envelopes.jsonl`)).body.trim().split('\n');
    expect(all.map((l) => JSON.parse(l).payloadType)).toEqual(['application/vnd.in-toto+json', 'application/vnd.in-toto+json']);
    expect((await as(auditor, 'GET', `/api/v1/devices/${d.id}/envelopes/9`)).json()).toMatchObject({ code: 'E_NOT_FOUND' });
  });

  it('lists all 93 Annex A controls with crosswalk labels', async () => {
    const r = (await as(auditor, 'GET', '/api/v1/annex-a')).json();
    expect(r.controls).toHaveLength(93);
    const c824 = r.controls.find((x: { id: string }) => x.id === '8.24');
    expect(c824.checks.map((k: { checkId: string }) => k.checkId)).toContain('disk_encryption');
    expect(c824.crosswalk.hipaa.length).toBeGreaterThan(0);
  });
});

describe('export verification', () => {
  it('reports a file that is not an evidence archive, for any role that may export', async () => {
    const r = await c.app.inject({
      method: 'POST',
      url: '/api/v1/exports/verify',
      headers: { cookie: auditor.cookie, 'x-csrf-token': auditor.csrf, 'content-type': 'application/octet-stream' },
      payload: Buffer.from('this is not a tar.gz'),
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().ok).toBe(false);
    expect(r.json().problems.map((p: { code: string }) => p.code)).toContain('E_ARCHIVE');
  });
});

describe('HTML pages', () => {
  it('sends visitors without a session to the login page', async () => {
    const r = await c.app.inject({ method: 'GET', url: '/devices?status=fail' });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe('/login?next=%2Fdevices%3Fstatus%3Dfail');
    const page = await c.app.inject({ method: 'GET', url: '/login' });
    expect(page.headers['content-security-policy']).toContain("default-src 'none'");
    expect(String(page.headers['set-cookie'])).toMatch(/vigil_login_csrf=.*HttpOnly; Secure; SameSite=Strict/);
  });

  it('refuses a login form without its CSRF token', async () => {
    const r = await c.app.inject({ method: 'POST', url: '/login', payload: 'username=alice&password=correct+horse+battery&next=%2F&_csrf=forged', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('E_CSRF');
  });

  it('every page renders with a strict CSP, no inline script or style', async () => {
    for (const url of ['/', '/devices', `/devices/${devices[0]!.id}`, '/controls', '/alerts', '/enrolment', '/exports', '/audit', '/settings', '/docs']) {
      const r = await as(admin, 'GET', url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-security-policy'], url).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
      expect(r.body, url).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
      const tags = r.body.match(/<[a-z][^>]*>/gi) ?? [];
      expect(tags.filter((t) => /\sstyle=|\son[a-z]+=/i.test(t)), url).toEqual([]);
    }
  });

  it('shows an auditor no forms that change anything', async () => {
    for (const url of ['/enrolment', '/settings', `/devices/${devices[0]!.id}`, '/alerts']) {
      const r = await as(auditor, 'GET', url);
      expect(r.statusCode, url).toBe(200);
      const actions = [...r.body.matchAll(/<form[^>]*method="post"[^>]*action="([^"]+)"/g)].map((m) => m[1]);
      expect(actions, url).toEqual(['/logout']);
    }
    const r = await c.app.inject({ method: 'POST', url: '/enrolment/tokens', headers: { cookie: auditor.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: `role=workstation&site=&expires=1h&maxUses=1&_csrf=${auditor.csrf}` });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('E_FORBIDDEN');
  });

  it('escapes device-provided strings', async () => {
    for (const url of ['/devices', `/devices/${hostile.id}`, '/devices?status=fail&check=usb_storage']) {
      const body = (await as(admin, 'GET', url)).body;
      expect(body, url).not.toContain(XSS);
      expect(body, url).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });

  it('a state-changing form without the CSRF field is refused', async () => {
    const r = await c.app.inject({ method: 'POST', url: '/enrolment/tokens', headers: { cookie: operator.cookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'role=workstation&site=&expires=1h&maxUses=1&_csrf=' });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('E_CSRF');
  });
});

describe('OpenAPI', () => {
  it('describes every /api/v1 route the collector registers, with JSON error bodies', async () => {
    const doc = (await c.app.inject({ method: 'GET', url: '/docs/openapi.json' })).json();
    expect(doc.openapi).toBe('3.1.0');
    const ops = Object.entries(doc.paths as Record<string, Record<string, { summary: string }>>).flatMap(([p, m]) => Object.entries(m).map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })));
    const { OPERATIONS } = await import('../../collector/openapi/spec.js');
    const documented = Object.keys(OPERATIONS).map((k) => k.replace(/:(\w+)/g, '{$1}'));
    // Every documented operation is a real route (no stale entries), including those registered in
    // encapsulated scopes (rate-limited login, raw-body verify); a route without a description would
    // appear marked undocumented, and none does.
    for (const k of documented) expect(ops.map((o) => o.key), k).toContain(k);
    expect(ops.filter((o) => o.op.summary === 'undocumented').map((o) => o.key)).toEqual([]);
    expect(ops.find((o) => o.key === 'POST /api/v1/session')!.op.summary).toMatch(/^Log in/);
    expect(ops.find((o) => o.key === 'POST /api/v1/exports/verify')!.op.summary).toMatch(/^Verify/);
    expect(doc.paths['/api/v1/devices'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['q', 'status', 'cursor', 'limit']));
  });
});

describe('password guessing', () => {
  it('limits login attempts per address with E_RATE_LIMITED', async () => {
    let limited: { statusCode: number; json(): { code: string } } | null = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const r = await c.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'alice', password: `guess number ${i}` } });
      if (r.statusCode === 429) limited = r;
      else expect(r.json().code).toBe('E_LOGIN_FAILED');
    }
    expect(limited?.json().code).toBe('E_RATE_LIMITED');
  }, 60_000);
});
