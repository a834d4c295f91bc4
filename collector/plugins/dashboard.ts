// The dashboard: server-rendered pages behind a login, with forms that post back here (CSRF token in
// every form) and answer with a redirect or the page showing the result. Assets come from /assets;
// the Content-Security-Policy allows nothing else (no inline script or style, no other origin).
import { randomBytes } from 'node:crypto';
import { Type, type TProperties, type TString } from '@sinclair/typebox';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { VigilError, isErrorCode, ERRORS } from '../../protocol/errors.js';
import { parseDuration } from '../../protocol/table.js';
import { makeParser } from '../../protocol/validate.js';
import type { CollectorServices } from '../app.js';
import { actorOf, may } from '../auth/service.js';
import { apiTokenCreatedPage, auditPage, enrolmentPage, errorBody, exportsPage, loginPage, settingsPage, tokenCreatedPage } from '../dashboard/admin-pages.js';
import { CSS, JS } from '../dashboard/assets.js';
import { h, type Html } from '../dashboard/html.js';
import { bare, page, type PageContext } from '../dashboard/layout.js';
import { controlsPage, devicePage, devicesPage, overviewPage } from '../dashboard/pages.js';
import type { PolicyStore } from '../policy/store.js';
import { policyVersionsRepo } from '../policy/repo.js';
import { cookieOf } from './auth.js';
import { collectorUrlOf, deviceQueryOf, parseDeviceList } from './fleet.js';
import { LOGIN_RATE, clearSessionCookie, setSessionCookie } from './users.js';
import rateLimit from '@fastify/rate-limit';
import { databaseRateLimitStore } from '../jobs/rate-limit-store.js';

export const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
const LOGIN_CSRF_COOKIE = 'vigil_login_csrf';
/** active: open or acknowledged. */
const ALERT_TABS = ['active', 'open', 'acknowledged', 'resolved', 'all'];

/** What the alerts page and the channel test need; absent until alerts are part of the collector. */
export interface DashboardAlerts {
  list(opts: { deviceId?: string; state?: string; limit?: number }): Promise<{ id: string; kind: string; severity: string; device_id: string | null; hostname: string | null; state: string; summary: string; opened_at: string }[]>;
  acknowledge(id: string, actor: string): Promise<unknown>;
  resolve(id: string, actor: string): Promise<unknown>;
  channels(): Promise<{ name: string; kind: string }[]>;
  testChannel(name: string, actor: string): Promise<unknown>;
}

export interface DashboardOptions {
  services: CollectorServices;
  policy: PolicyStore | null;
  caSha256: string;
  publicUrl: string | null;
  version: string;
  alerts?: DashboardAlerts | null;
}

const Form = <T extends TProperties>(fields: T) => Type.Object({ _csrf: Type.String(), ...fields } as T & { _csrf: TString }, { additionalProperties: false });
const parseLogin = makeParser(Type.Object({ _csrf: Type.String(), next: Type.String({ maxLength: 500 }), username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }), 'E_BAD_REQUEST', 'form');
const parseRevoke = makeParser(Form({ reason: Type.String({ minLength: 1, maxLength: 500 }) }), 'E_BAD_REQUEST', 'form');
const parseRevokeById = makeParser(Form({ device: Type.String({ pattern: '^dev_[0-9a-f]{32}$' }), reason: Type.String({ minLength: 1, maxLength: 500 }) }), 'E_BAD_REQUEST', 'form');
const parseToken = makeParser(Form({ role: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }), site: Type.String({ maxLength: 100 }), expires: Type.String({ pattern: '^\\d+[smhdw]$' }), maxUses: Type.String({ pattern: '^[1-9][0-9]{0,5}$' }) }), 'E_BAD_REQUEST', 'form');
const parseUser = makeParser(Form({ username: Type.String({ minLength: 1, maxLength: 64 }), role: Type.String(), password: Type.String({ maxLength: 1024 }) }), 'E_BAD_REQUEST', 'form');
const parseApiToken = makeParser(Form({ name: Type.String({ minLength: 1, maxLength: 100 }), role: Type.String() }), 'E_BAD_REQUEST', 'form');
const parseCsrfOnly = makeParser(Form({}), 'E_BAD_REQUEST', 'form');
const parseChannel = makeParser(Form({ channel: Type.String({ minLength: 1, maxLength: 100 }) }), 'E_BAD_REQUEST', 'form');
const parseId = makeParser(Type.Object({ id: Type.String({ pattern: '^(dev_[0-9a-f]{32}|tok_[0-9a-f]{16}|apt_[0-9a-f]{16}|[A-Za-z0-9_-]{1,64})$' }) }), 'E_BAD_REQUEST', 'path');
const parseUsername = makeParser(Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) }), 'E_BAD_REQUEST', 'path');
const parseExportForm = makeParser(
  Type.Object({ from: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), to: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), envelopes: Type.Optional(Type.Union([Type.Literal('cited'), Type.Literal('period')])) }, { additionalProperties: false }),
  'E_BAD_REQUEST',
  'query',
);
const parseAuditQuery = makeParser(Type.Object({ before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })), actor: Type.Optional(Type.String({ maxLength: 200 })), action: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }), 'E_BAD_REQUEST', 'query');
const parseNext = (v: unknown) => (typeof v === 'string' && /^\/(?![/\\])[\x21-\x7e]*$/.test(v) && v.length <= 500 ? v : '/');

function send(reply: FastifyReply, html: Html, status = 200): FastifyReply {
  return reply.status(status).type('text/html; charset=utf-8').send(html.value);
}

async function dashboardPlugin(app: FastifyInstance, opts: DashboardOptions): Promise<void> {
  const s = opts.services;
  const alerts = opts.alerts ?? null;
  const read = { preHandler: app.authorize('read') };
  const write = { preHandler: app.authorize('write') };
  const admin = { preHandler: app.authorize('admin') };
  const ctxOf = (req: FastifyRequest): PageContext => ({ principal: req.principal!, version: opts.version, path: req.url.split('?')[0]! });
  const render = (req: FastifyRequest, reply: FastifyReply, title: string, body: Html, status = 200) => send(reply, page(ctxOf(req), title, body), status);

  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('x-frame-options', 'DENY')
      .header('referrer-policy', 'no-referrer')
      .header('cross-origin-opener-policy', 'same-origin');
    if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.setErrorHandler((err: FastifyError | VigilError, req, reply) => {
    const code = err instanceof VigilError ? err.code : err.statusCode === 429 ? 'E_RATE_LIMITED' : err.statusCode && err.statusCode < 500 ? 'E_BAD_REQUEST' : 'E_INTERNAL';
    if (code === 'E_UNAUTHORIZED') return reply.redirect(`/login?next=${encodeURIComponent(req.method === 'GET' ? req.url : '/')}`, 303);
    const status = err instanceof VigilError ? err.status : code === 'E_INTERNAL' ? 500 : (err as FastifyError).statusCode ?? 400;
    const message = status >= 500 ? ERRORS.E_INTERNAL.text : err.message;
    if (status >= 500) req.log.error({ err }, 'dashboard request failed');
    const body = errorBody(status, isErrorCode(code) ? code : 'E_INTERNAL', message);
    return req.principal ? render(req, reply, 'Error', body, status) : send(reply, bare('Error', body), status);
  });

  app.get('/assets/dashboard.css', async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/css; charset=utf-8').send(CSS));
  app.get('/assets/dashboard.js', async (_req, reply) => reply.header('cache-control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(JS));

  // Login: a double-submit token (cookie + form field) keeps other sites from logging a browser in.
  app.get('/login', async (req, reply) => {
    const csrf = randomBytes(18).toString('base64url');
    reply.header('set-cookie', `${LOGIN_CSRF_COOKIE}=${csrf}; Path=/login; HttpOnly; Secure; SameSite=Strict; Max-Age=3600`);
    return send(reply, bare('Log in', loginPage(csrf, parseNext((req.query as Record<string, unknown>).next), false)));
  });
  await app.register(rateLimit, { max: LOGIN_RATE, timeWindow: 60_000, store: databaseRateLimitStore(app.db, 'login'), allowList: (req) => !(req.method === 'POST' && req.url === '/login') });
  app.post('/login', async (req, reply) => {
    const f = parseLogin(req.body);
    const cookie = cookieOf(req, LOGIN_CSRF_COOKIE);
    if (!cookie || cookie !== f._csrf) throw new VigilError('E_CSRF', 'the login form has expired: reload the page and try again');
    try {
      const { sessionId } = await s.users.login(f.username, f.password, req.ip);
      setSessionCookie(reply, sessionId);
      return reply.redirect(parseNext(f.next), 303);
    } catch (err) {
      if (!(err instanceof VigilError) || err.code !== 'E_LOGIN_FAILED') throw err;
      return send(reply, bare('Log in', loginPage(f._csrf, parseNext(f.next), true)), 401);
    }
  });
  app.post('/logout', read, async (req, reply) => {
    parseCsrfOnly(req.body);
    const current = await s.users.session(cookieOf(req, 'vigil_session'));
    if (current) await s.users.logout(current);
    clearSessionCookie(reply);
    return reply.redirect('/login', 303);
  });

  app.get('/', read, async (req, reply) => render(req, reply, 'Fleet overview', overviewPage(await s.dashboard.overview())));

  app.get('/devices', read, async (req, reply) => {
    const q = parseDeviceList(req.query);
    const query = deviceQueryOf(q, 50);
    const [result, total, facets] = await Promise.all([s.dashboard.devices(query), s.dashboard.countDevices(query.filter), s.dashboard.facets()]);
    const params = { q: q.q ?? '', status: q.status ?? '', role: q.role ?? '', site: q.site ?? '', os: q.os ?? '', check: q.check ?? '', sort: query.sort, order: query.desc ? ('desc' as const) : ('asc' as const), cursor: q.cursor ?? '' };
    return render(req, reply, 'Devices', devicesPage(params, result, total, facets, new Date()));
  });

  app.get('/devices/:id', read, async (req, reply) => {
    const { id } = parseId(req.params);
    const d = await s.devices.get(id);
    const detail = await s.dashboard.device(id);
    const list = alerts ? await alerts.list({ deviceId: id, limit: 50 }) : null;
    const alertsHtml = list === null ? h`<p class="muted">Alerts are not enabled on this collector.</p>` : list.length ? alertTable(req, list, may(req.principal!, 'write')) : h`<p>No alerts for this device.</p>`;
    return render(req, reply, d.hostname, devicePage(ctxOf(req), d, detail, alertsHtml, may(req.principal!, 'write'), new Date()));
  });
  app.post('/devices/:id/revoke', write, async (req, reply) => {
    const { id } = parseId(req.params);
    const f = parseRevoke(req.body);
    await s.devices.revoke(id, actorOf(req.principal!), f.reason);
    return reply.redirect(`/devices/${id}`, 303);
  });
  app.post('/devices/revoke', write, async (req, reply) => {
    const f = parseRevokeById(req.body);
    await s.devices.revoke(f.device, actorOf(req.principal!), f.reason);
    return reply.redirect(`/devices/${f.device}`, 303);
  });

  app.get('/controls', read, async (req, reply) => render(req, reply, 'Annex A controls', controlsPage(await s.dashboard.controls())));

  app.get('/alerts', read, async (req, reply) => {
    if (!alerts) return render(req, reply, 'Alerts', h`<p>Alerts are not enabled on this collector.</p>`);
    const asked = (req.query as Record<string, unknown>).state;
    const state = typeof asked === 'string' && ALERT_TABS.includes(asked) ? asked : 'active';
    const list = await alerts.list({ state, limit: 200 });
    return render(req, reply, 'Alerts', h`<nav aria-label="Alert states" class="pager">${ALERT_TABS.map((st) => h`<a href="/alerts?state=${st}"${st === state ? h` aria-current="true"` : ''}>${st}</a>`)}</nav>
${list.length ? alertTable(req, list, may(req.principal!, 'write')) : h`<p>No ${state} alerts.</p>`}`);
  });
  app.post('/alerts/:id/ack', write, async (req, reply) => {
    if (!alerts) throw new VigilError('E_NOT_FOUND', 'alerts are not enabled on this collector');
    const { id } = parseId(req.params);
    parseCsrfOnly(req.body);
    await alerts.acknowledge(id, actorOf(req.principal!));
    return reply.redirect('/alerts?state=acknowledged', 303);
  });
  app.post('/alerts/:id/resolve', write, async (req, reply) => {
    if (!alerts) throw new VigilError('E_NOT_FOUND', 'alerts are not enabled on this collector');
    const { id } = parseId(req.params);
    parseCsrfOnly(req.body);
    await alerts.resolve(id, actorOf(req.principal!));
    return reply.redirect('/alerts?state=resolved', 303);
  });

  app.get('/enrolment', read, async (req, reply) =>
    render(req, reply, 'Enrolment', enrolmentPage(ctxOf(req), await s.enrolment.listTokens(), may(req.principal!, 'write'), new Date())),
  );
  app.post('/enrolment/tokens', write, async (req, reply) => {
    const f = parseToken(req.body);
    const expiresInMs = parseDuration(f.expires);
    if (expiresInMs === null || expiresInMs > 366 * 86_400_000) throw new VigilError('E_BAD_REQUEST', 'expires: a duration up to 366 days');
    const t = await s.enrolment.createToken({ role: f.role, site: f.site.trim() || undefined, expiresInMs, maxUses: Number(f.maxUses), actor: actorOf(req.principal!) });
    const enrolment = formatEnrolmentString({ url: collectorUrlOf(req, opts.publicUrl), token: t.token, caSha256: opts.caSha256 });
    return render(req, reply, 'Enrolment token created', tokenCreatedPage(t, enrolment), 201);
  });
  app.post('/enrolment/tokens/:id/revoke', write, async (req, reply) => {
    const { id } = parseId(req.params);
    parseCsrfOnly(req.body);
    await s.enrolment.revokeToken(id, actorOf(req.principal!));
    return reply.redirect('/enrolment', 303);
  });

  app.get('/exports', read, async (req, reply) => render(req, reply, 'Evidence exports', exportsPage(ctxOf(req), new Date())));
  app.get('/exports/download', { preHandler: app.authorize('export') }, async (req, reply) => {
    const q = parseExportForm(req.query);
    if (q.from > q.to) throw new VigilError('E_BAD_REQUEST', `the period starts (${q.from}) after it ends (${q.to})`);
    const url = `/api/v1/export?from=${q.from}T00:00:00.000Z&to=${q.to}T23:59:59.999Z${q.envelopes ? `&envelopes=${q.envelopes}` : ''}`;
    return reply.redirect(url, 303);
  });

  app.get('/audit', read, async (req, reply) => {
    const q = parseAuditQuery(req.query);
    const r = await s.dashboard.audit({ before: q.before ? Number(q.before) : null, limit: 100, actor: q.actor || undefined, action: q.action || undefined });
    return render(req, reply, 'Audit log', auditPage(r.entries, r.next, { actor: q.actor ?? '', action: q.action ?? '' }, new Date()));
  });

  const settings = async (req: FastifyRequest, reply: FastifyReply, notice?: Html) => {
    const isAdmin = may(req.principal!, 'admin');
    const current = opts.policy?.current() ?? null;
    const channels = alerts ? await alerts.channels() : null;
    const channelsHtml =
      channels === null
        ? h`<p class="muted">Alerts are not enabled on this collector.</p>`
        : channels.length
          ? h`<ul>${channels.map((c) => h`<li>${c.name} (${c.kind}) ${may(req.principal!, 'write') ? h`<form method="post" action="/settings/channels/test" class="inline"><input type="hidden" name="_csrf" value="${req.principal!.csrf ?? ''}"><input type="hidden" name="channel" value="${c.name}"><button type="submit" aria-label="Send a test notification to ${c.name}">Send test</button></form>` : ''}</li>`)}</ul>`
          : h`<p>No notification channels configured.</p>`;
    const body = settingsPage(ctxOf(req), {
      policyVersion: current?.version ?? null,
      policySource: current?.source ?? null,
      policyError: opts.policy?.lastError()?.message ?? null,
      versions: await policyVersionsRepo.list(app.db),
      users: isAdmin ? await s.users.list() : null,
      tokens: isAdmin ? await s.auth.list() : null,
      channels: channelsHtml,
    });
    return render(req, reply, 'Settings', notice ? h`${notice}${body}` : body);
  };
  app.get('/settings', read, async (req, reply) => settings(req, reply));
  app.post('/settings/users', admin, async (req, reply) => {
    const f = parseUser(req.body);
    await s.users.create({ username: f.username, role: f.role, password: f.password, actor: actorOf(req.principal!) });
    return reply.redirect('/settings', 303);
  });
  app.post('/settings/users/:username/disable', admin, async (req, reply) => {
    const { username } = parseUsername(req.params);
    parseCsrfOnly(req.body);
    await s.users.disable(username, actorOf(req.principal!));
    return reply.redirect('/settings', 303);
  });
  app.post('/settings/api-tokens', admin, async (req, reply) => {
    const f = parseApiToken(req.body);
    const t = await s.auth.create({ name: f.name, role: f.role, actor: actorOf(req.principal!) });
    return render(req, reply, 'API token created', apiTokenCreatedPage(t), 201);
  });
  app.post('/settings/api-tokens/:id/revoke', admin, async (req, reply) => {
    const { id } = parseId(req.params);
    parseCsrfOnly(req.body);
    await s.auth.revoke(id, actorOf(req.principal!));
    return reply.redirect('/settings', 303);
  });
  app.post('/settings/channels/test', write, async (req, reply) => {
    if (!alerts) throw new VigilError('E_NOT_FOUND', 'alerts are not enabled on this collector');
    const f = parseChannel(req.body);
    try {
      await alerts.testChannel(f.channel, actorOf(req.principal!));
      return settings(req, reply, h`<p role="status">Test notification sent to ${f.channel}.</p>`);
    } catch (err) {
      if (!(err instanceof VigilError)) throw err;
      return settings(req, reply, h`<p role="alert" class="bad">Test to ${f.channel} failed: ${err.code} ${err.message}</p>`);
    }
  });

  function alertTable(req: FastifyRequest, list: Awaited<ReturnType<DashboardAlerts['list']>>, canWrite: boolean): Html {
    const csrf = req.principal!.csrf ?? '';
    return h`<table><thead><tr><th scope="col">Opened</th><th scope="col">Severity</th><th scope="col">Kind</th><th scope="col">Device</th><th scope="col">Summary</th><th scope="col">State</th><th scope="col"><span class="sr">Actions</span></th></tr></thead>
<tbody>${list.map((a) => h`<tr><td>${a.opened_at}</td><td>${a.severity}</td><td>${a.kind}</td><td>${a.device_id ? h`<a href="/devices/${a.device_id}">${a.hostname ?? a.device_id}</a>` : ''}</td><td>${a.summary}</td><td>${a.state}</td>
<td>${canWrite && a.state === 'open' ? h`<form method="post" action="/alerts/${a.id}/ack"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" aria-label="Acknowledge alert ${a.id}">Acknowledge</button></form>` : ''}
${canWrite && a.state !== 'resolved' ? h`<form method="post" action="/alerts/${a.id}/resolve"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" aria-label="Resolve alert ${a.id}">Resolve</button></form>` : ''}</td></tr>`)}</tbody></table>`;
  }
}

export default dashboardPlugin;
