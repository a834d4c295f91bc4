// Injection attempts against a real collector: SQL in every filter, cursor and id; path traversal in
// every name or id that could reach the file system; script in every device-sent string on every
// dashboard page; and cross-site form posts.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysAgo, deliver, enrolTestDevice, firewallCheck, fullChecks, startTestCollector, type TestDevice } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;
let admin: string;
let cookie: string;
let csrf: string;
let ws: TestDevice;
let gw: TestDevice;

const XSS = [`<img src=x onerror=alert(1)>`, `"><script>alert(2)</script>`, `'><svg onload=alert(3)>`, `javascript:alert(4)`] as const;
const RAW_MARKERS = ['<img src=x', '<script>alert', '<svg onload', 'href="javascript:'];
const SQLI = [
  "' OR '1'='1",
  "' OR 1=1 --",
  '" OR ""="',
  "'; DROP TABLE devices; --",
  "x' UNION SELECT id, secret_sha256, role, name, created_by, created_at, revoked_at, last_used_at FROM api_tokens --",
  "%' OR hostname LIKE '%",
  '1; SELECT pg_sleep(5)',
  "\\' OR 1=1 #",
  '*/ OR /*',
  "dev_' OR 'a'='a",
  '\u0000',
];

beforeAll(async () => {
  c = await startTestCollector();
  admin = `Bearer ${(await c.services.auth.create({ name: 'inj', role: 'admin', actor: 'test' })).token}`;
  await c.services.users.create({ username: 'alice', role: 'admin', password: 'correct horse battery', actor: 'test' });
  const login = await c.services.users.login('alice', 'correct horse battery', '127.0.0.1');
  cookie = `vigil_session=${login.sessionId}`;
  csrf = login.user.csrf;

  // A workstation whose every string is hostile, and a failing check so alerts carry it too.
  ws = await enrolTestDevice(c);
  const checks = await fullChecks({ firewall: 'fail' }, daysAgo(1));
  const hostileChecks = checks.map((ch) => (ch.id === 'firewall' ? { ...firewallCheck('fail'), reason: XSS[1], facts: { backends: [{ name: XSS[2], active: false, inboundDefault: null, detail: XSS[0] }] } } : ch));
  await deliver(c, ws, [
    { collectedAt: daysAgo(2), checks: await fullChecks({}, daysAgo(2)), device: { hostname: XSS[0], serial: XSS[1], model: XSS[2], os: { platform: 'linux', name: XSS[3], version: XSS[0] } } },
    { collectedAt: daysAgo(1), checks: hostileChecks, device: { hostname: XSS[0], serial: XSS[1], model: XSS[2], os: { platform: 'linux', name: XSS[3], version: XSS[0] } } },
  ]);
  // A gateway reporting hostile neighbour host names.
  gw = await enrolTestDevice(c, 'gateway');
  const neighbours = [
    { ip: '10.20.0.5', mac: '00:1b:63:84:45:e6', state: 'reachable', interface: XSS[1], hostname: XSS[0], seenIn: 'both' },
    { ip: XSS[2].slice(0, 60), mac: '00:1b:63:84:45:e7', state: XSS[3], interface: null, hostname: XSS[1], seenIn: 'lease' },
  ];
  await deliver(c, gw, [
    {
      collectedAt: daysAgo(1),
      device: { hostname: XSS[1] },
      checks: [{ id: 'neighbour_inventory', status: 'pass', facts: { source: XSS[0], neighbours, leases: [{ path: XSS[2], format: 'dnsmasq', entries: 1 }] }, evidence: [{ source: XSS[3], exitCode: 0 }] }],
    },
  ]);
  // Operator-entered strings too: a waiver reason and an SoA justification.
  await c.services.waivers.create({ deviceId: ws.id, checkId: 'usb_storage', reason: XSS[0], approver: XSS[1], expires: new Date(Date.now() + 86_400_000).toISOString(), actor: 'test' });
}, 60_000);
afterAll(async () => c.cleanup());

const api = (url: string, init: { method?: string; payload?: unknown; headers?: Record<string, string> } = {}) =>
  c.app.inject({ method: (init.method ?? 'GET') as 'GET', url, headers: { authorization: admin, ...init.headers }, ...(init.payload !== undefined ? { payload: init.payload as string } : {}) });
const page = (url: string) => c.app.inject({ method: 'GET', url, headers: { cookie } });
const q = (s: string) => encodeURIComponent(s);

describe('SQL injection', () => {
  const FILTERS: [string, string[]][] = [
    ['/api/v1/devices', ['q', 'role', 'site', 'os', 'status', 'check', 'sort', 'order', 'cursor', 'limit']],
    ['/api/v1/alerts', ['state', 'kind', 'device', 'limit']],
    ['/api/v1/audit', ['actor', 'action', 'before', 'limit']],
    ['/api/v1/audit/export', ['actor', 'action']],
    ['/api/v1/fleet', ['asOf', 'after', 'limit']],
    ['/api/v1/waivers', ['all']],
    ['/api/v1/inventory', ['gateway', 'all']],
    ['/api/v1/inventory/events', ['gateway', 'limit']],
    ['/api/v1/mds2/mismatches', ['device', 'all']],
    ['/devices', ['q', 'role', 'site', 'os', 'status', 'check', 'sort', 'cursor']],
    ['/audit', ['actor', 'action', 'before']],
    ['/alerts', ['state']],
  ];

  it('answers every hostile filter, cursor and limit with normal results or 400, never 500, never leaking rows', async () => {
    const problems: string[] = [];
    let calls = 0;
    for (const [path, params] of FILTERS) {
      for (const p of params) {
        for (const s of SQLI) {
          const extra = path.endsWith('/audit/export') ? '&format=json' : '';
          const url = `${path}?${p}=${q(s)}${extra}`;
          const r = path.startsWith('/api/') ? await api(url) : await page(url);
          calls++;
          if (r.statusCode >= 500) problems.push(`${url}: ${r.statusCode}`);
          if (r.statusCode !== 200 && r.statusCode !== 400) problems.push(`${url}: unexpected ${r.statusCode}`);
          if (r.statusCode === 400 && path.startsWith('/api/')) expect(r.json().code).toBe('E_BAD_REQUEST');
          if (/[0-9a-f]{64}/.test(r.body) && /secret_sha256|api_tokens/.test(r.body) === false && r.body.includes('apt_')) problems.push(`${url}: token material in the answer`);
          if (r.statusCode === 200 && path === '/api/v1/devices' && ['q', 'role', 'site', 'os'].includes(p)) {
            const body = r.json() as { total: number; devices: unknown[] };
            if (body.total !== 0 || body.devices.length !== 0) problems.push(`${url}: matched ${body.total} devices`);
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(calls).toBeGreaterThan(400);
    // Everything is still there.
    expect((await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM devices'))!.n).toBe(2);
    expect((await api('/api/v1/devices')).json().total).toBe(2);
  }, 60_000);

  it('finds a device by a quote-laden search literally, not as SQL', async () => {
    const r = (await api(`/api/v1/devices?q=${q('"><script>')}`)).json() as { total: number; devices: { id: string }[] };
    // Both hold it (the gateway's host name, the workstation's serial number), and nothing else matches.
    expect(r.total).toBe(2);
    expect(r.devices.map((d) => d.id).sort()).toEqual([ws.id, gw.id].sort());
    const like = (await api(`/api/v1/devices?q=${q('%')}`)).json() as { total: number };
    expect(like.total).toBe(0);
    // "r_o" as a LIKE pattern would match the "rro" of "onerror" in a host name.
    const underscore = (await api(`/api/v1/devices?q=${q('r_o')}`)).json() as { total: number };
    expect(underscore.total).toBe(0);
  });

  it('refuses hostile ids in paths with 400 or 404 and a code', async () => {
    for (const s of SQLI) {
      for (const url of [`/api/v1/devices/${q(s)}`, `/api/v1/devices/${q(s)}/state`, `/api/v1/alerts/${q(s)}`, `/api/v1/waivers/${q(s)}/revoke`, `/api/v1/soa/${q(s)}/history`, `/devices/${q(s)}`]) {
        const r = url.startsWith('/api/') ? await api(url, url.endsWith('revoke') ? { method: 'POST', payload: { reason: 'x' } } : {}) : await page(url);
        expect([400, 404, 414], `${url}: ${r.statusCode} ${r.body.slice(0, 200)}`).toContain(r.statusCode);
      }
    }
  });
});

describe('path traversal', () => {
  const TRAVERSAL = ['../../../../etc/passwd', '..%2F..%2F..%2Fetc%2Fpasswd', '..\\..\\config.json', '%2e%2e%2f%2e%2e%2fconfig.json', '....//....//config.json', '/etc/passwd', 'export-key.pem', '../export-key.pem', 'C:\\Windows\\win.ini', 'x%00.pem'];

  it('refuses traversal in every route that names a file, envelope, export or model', async () => {
    for (const t of TRAVERSAL) {
      const enc = q(t);
      for (const url of [
        `/api/v1/evidence/${enc}`,
        `/api/v1/evidence/${t}`,
        `/api/v1/devices/${ws.id}/envelopes/${enc}`,
        `/api/v1/devices/${enc}/envelopes/1`,
        `/api/v1/devices/${enc}/envelopes.jsonl`,
        `/api/v1/export?from=${enc}&to=${enc}`,
        `/exports/download?from=${enc}&to=${enc}`,
        `/assets/${enc}`,
        `/docs/${enc}`,
      ]) {
        const r = url.startsWith('/api/') ? await api(url) : await page(url);
        expect([400, 404], `${url}: ${r.statusCode}`).toContain(r.statusCode);
        expect(r.body).not.toContain('root:x:0:0');
        expect(r.body).not.toContain('BEGIN PRIVATE KEY');
        expect(r.body).not.toContain('"insecureHttp"');
      }
    }
  });

  it('keeps uploaded file names and MDS2 model names out of the file system', async () => {
    const before = await readdir(c.dataDir, { recursive: true });
    for (const t of TRAVERSAL) {
      const up = await api(`/api/v1/soa/A.5.1/evidence?filename=${q(t)}&note=traversal`, { method: 'POST', payload: Buffer.from(`evidence ${t}`) as unknown as string, headers: { 'content-type': 'application/octet-stream' } });
      expect(up.statusCode, up.body).toBe(201);
      const id = (up.json() as { id: string }).id;
      const down = await api(`/api/v1/evidence/${id}`);
      expect(down.statusCode).toBe(200);
      expect(String(down.headers['content-disposition'])).toMatch(/^attachment; filename="[\w.-]+"$/);
      expect(String(down.headers['content-disposition'])).not.toContain('/');
      const mds = await api(`/api/v1/mds2/models/${q(t)}`, { method: 'PUT', payload: 'question,answer\n', headers: { 'content-type': 'text/csv' } });
      expect(mds.statusCode).toBeLessThan(500);
    }
    expect(existsSync('/etc/passwd.evidence')).toBe(false);
    const after = await readdir(c.dataDir, { recursive: true });
    // New files only under evidence/, named by their sha256.
    const added = after.filter((f) => !before.includes(f));
    for (const f of added) expect(f, f).toMatch(/^evidence(\/[0-9a-f]{2})*(\/[0-9a-f]{64})?$|^vigil\.sqlite(-wal|-shm)?$|^evidence\/[0-9a-f]{2}$/);
    expect(existsSync(join(c.dataDir, '..', 'config.json'))).toBe(false);
  });
});

describe('cross-site scripting', () => {
  const PAGES = () => ['/', '/devices', `/devices?q=${q(XSS[0]!)}`, `/devices/${ws.id}`, `/devices/${gw.id}`, '/controls', '/alerts?state=all', '/enrolment', '/exports', '/audit', '/settings', '/gateways', `/login?next=${q(XSS[1]!)}`];

  it('shows every device-sent and operator-entered string as text on every page', async () => {
    for (const url of PAGES()) {
      const r = url.startsWith('/login') ? await c.app.inject({ method: 'GET', url }) : await page(url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-security-policy'], url).toMatch(/default-src 'none'/);
      for (const m of RAW_MARKERS) expect(r.body.includes(m), `${url} contains raw ${m}`).toBe(false);
    }
    // The hostile strings are there, escaped, where they belong.
    expect((await page('/devices')).body).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const detail = (await page(`/devices/${ws.id}`)).body;
    expect(detail).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(detail).toMatch(/&quot;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;|&#34;&gt;&lt;script&gt;alert\(2\)&lt;\/script&gt;/);
    const gateways = (await page('/gateways')).body;
    expect(gateways).toContain('&lt;img src=x onerror=alert(1)&gt;');
    const alerts = (await page('/alerts?state=all')).body;
    expect(alerts).toContain('&lt;img src=x onerror=alert(1)&gt;');
  });

  it('serves API answers holding hostile strings as JSON, never as HTML', async () => {
    for (const url of [`/api/v1/devices/${ws.id}`, '/api/v1/devices', '/api/v1/inventory', '/api/v1/alerts?state=all', `/api/v1/devices/${ws.id}/envelopes/1`]) {
      const r = await api(url);
      expect(r.statusCode, url).toBe(200);
      expect(r.headers['content-type'], url).toMatch(/^application\/json/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('keeps the login redirect on this site', async () => {
    for (const next of ['//evil.example/', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)', '/%0d%0aSet-Cookie:x=1']) {
      const form = await c.app.inject({ method: 'GET', url: `/login?next=${q(next)}` });
      const loginCsrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1]!;
      const r = await c.app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `vigil_login_csrf=${loginCsrf}` },
        payload: new URLSearchParams({ _csrf: loginCsrf, next, username: 'alice', password: 'correct horse battery' }).toString(),
      });
      expect(r.statusCode).toBe(303);
      expect(String(r.headers.location)).toMatch(/^\/(?![/\\])/);
      expect(String(r.headers.location)).not.toMatch(/[\r\n]/);
    }
  });
});

describe('cross-site request forgery', () => {
  const EVIL = { origin: 'https://evil.example', referer: 'https://evil.example/page' };

  it('refuses cross-site form posts that carry the session cookie but not its CSRF token', async () => {
    const before = (await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM enrolment_tokens'))!.n;
    const forms: [string, Record<string, string>][] = [
      ['/enrolment/tokens', { role: 'workstation', site: '', expires: '1h', maxUses: '1' }],
      [`/devices/${ws.id}/revoke`, { reason: 'csrf' }],
      ['/settings/users', { username: 'mallory', role: 'admin', password: 'mallory password 1' }],
      ['/settings/api-tokens', { name: 'mallory', role: 'admin' }],
    ];
    for (const [url, fields] of forms) {
      for (const token of [undefined, '', 'guess', csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A')]) {
        const body = new URLSearchParams({ ...fields, ...(token !== undefined ? { _csrf: token } : {}) }).toString();
        const r = await c.app.inject({ method: 'POST', url, headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', ...EVIL }, payload: body });
        expect([400, 403], `${url} with ${token}: ${r.statusCode}`).toContain(r.statusCode);
        if (token !== undefined) expect(r.body).toContain('E_CSRF');
      }
    }
    expect((await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM enrolment_tokens'))!.n).toBe(before);
    expect((await c.services.devices.get(ws.id)).revoked_at).toBeNull();
    expect((await c.services.users.list()).map((u) => u.username)).not.toContain('mallory');
  });

  it('refuses cookie-authenticated API writes without x-csrf-token, whatever the content type', async () => {
    for (const [type, payload] of [
      ['application/json', JSON.stringify({ name: 'mallory', role: 'admin' })],
      ['text/plain', JSON.stringify({ name: 'mallory', role: 'admin' })],
      ['application/x-www-form-urlencoded', 'name=mallory&role=admin'],
    ] as const) {
      const r = await c.app.inject({ method: 'POST', url: '/api/v1/api-tokens', headers: { cookie, 'content-type': type, ...EVIL }, payload });
      expect([403, 415], `${type}: ${r.statusCode}`).toContain(r.statusCode);
      expect(r.json().code).toMatch(/^E_(CSRF|BAD_REQUEST)$/);
      expect(r.headers['access-control-allow-origin']).toBeUndefined();
    }
    expect((await c.services.auth.list()).map((t) => t.name)).not.toContain('mallory');
  });

  it('sends the session cookie only SameSite=Strict, and never allows another origin to read answers', async () => {
    const r = await c.app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'alice', password: 'correct horse battery' } });
    expect(String(r.headers['set-cookie'])).toMatch(/HttpOnly; Secure; SameSite=Strict/);
    const pre = await c.app.inject({ method: 'OPTIONS', url: '/api/v1/me', headers: { ...EVIL, 'access-control-request-method': 'GET' } });
    expect(pre.headers['access-control-allow-origin']).toBeUndefined();
  });
});
