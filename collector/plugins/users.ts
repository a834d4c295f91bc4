// Users, sessions, API tokens and the audit log over the API. Logging in (POST /api/v1/session) sets
// the session cookie (HttpOnly, Secure, SameSite=Strict) and returns the CSRF token state-changing
// requests must carry. User and API-token administration needs the admin role; the audit log is
// readable by every role (auditors review it) and exportable as CSV or JSON.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import rateLimit from '@fastify/rate-limit';
import { databaseRateLimitStore } from '../jobs/rate-limit-store.js';
import { makeParser } from '../../protocol/validate.js';
import { actorOf } from '../auth/service.js';
import type { AuthService } from '../auth/service.js';
import type { DashboardService } from '../dashboard/service.js';
import type { UsersService } from '../users/service.js';
import { SESSION_TTL_MS } from '../users/service.js';
import { SESSION_COOKIE, cookieOf } from './auth.js';

export const LOGIN_RATE = 30;

export const LoginBody = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false });
export const NewUserBody = Type.Object(
  { username: Type.String({ minLength: 1, maxLength: 64 }), role: Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('auditor')]), password: Type.String({ minLength: 12, maxLength: 1024 }) },
  { additionalProperties: false },
);
export const NewApiTokenBody = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 100 }), role: Type.Union([Type.Literal('admin'), Type.Literal('operator'), Type.Literal('auditor')]) },
  { additionalProperties: false },
);
export const AuditQuery = Type.Object(
  {
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,15}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
    actor: Type.Optional(Type.String({ maxLength: 200 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
export const AuditExportQuery = Type.Object(
  { format: Type.Union([Type.Literal('csv'), Type.Literal('json')]), actor: Type.Optional(Type.String({ maxLength: 200 })), action: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
);
const UsernameParams = Type.Object({ username: Type.String({ minLength: 1, maxLength: 64 }) });
const TokenParams = Type.Object({ id: Type.String({ pattern: '^apt_[0-9a-f]{16}$' }) });
const parseLogin = makeParser(LoginBody, 'E_BAD_REQUEST', 'login');
const parseNewUser = makeParser(NewUserBody, 'E_BAD_REQUEST', 'user');
const parseNewToken = makeParser(NewApiTokenBody, 'E_BAD_REQUEST', 'API token');
const parseAudit = makeParser(AuditQuery, 'E_BAD_REQUEST', 'query');
const parseAuditExport = makeParser(AuditExportQuery, 'E_BAD_REQUEST', 'query');
const parseUsername = makeParser(UsernameParams, 'E_BAD_REQUEST', 'path');
const parseTokenId = makeParser(TokenParams, 'E_BAD_REQUEST', 'path');

export function setSessionCookie(reply: FastifyReply, sessionId: string): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=${sessionId}; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=${SESSION_TTL_MS / 1000}`);
}
export function clearSessionCookie(reply: FastifyReply): void {
  reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; Secure; SameSite=Strict; Max-Age=0`);
}

const csvCell = (v: unknown) => {
  const s = v === null || v === undefined ? '' : String(v);
  // A leading = + - @ would make a spreadsheet evaluate the cell: prefix it.
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};

export interface UsersOptions {
  users: UsersService;
  auth: AuthService;
  dashboard: DashboardService;
}

async function usersPlugin(app: FastifyInstance, opts: UsersOptions): Promise<void> {
  await app.register(async (scoped) => {
    // Password guessing: at most LOGIN_RATE attempts a minute per address (scrypt makes each one slow too).
    await scoped.register(rateLimit, { max: LOGIN_RATE, timeWindow: 60_000, store: databaseRateLimitStore(app.db, 'api-login') });
    scoped.post('/api/v1/session', async (req, reply) => {
      const b = parseLogin(req.body);
      const { sessionId, user } = await opts.users.login(b.username, b.password, req.ip);
      setSessionCookie(reply, sessionId);
      return reply.status(201).send({ username: user.username, role: user.role, csrf: user.csrf });
    });
  });
  app.delete('/api/v1/session', { preHandler: app.authorize('read') }, async (req, reply) => {
    if (req.principal!.kind === 'user') {
      const current = await opts.users.session(cookieOf(req, SESSION_COOKIE));
      if (current) await opts.users.logout(current);
    }
    clearSessionCookie(reply);
    return reply.status(204).send();
  });
  app.get('/api/v1/me', { preHandler: app.authorize('read') }, async (req) => {
    const p = req.principal!;
    return { kind: p.kind, id: p.id, name: p.name, role: p.role, csrf: p.csrf ?? null };
  });

  app.get('/api/v1/users', { preHandler: app.authorize('admin') }, async () => ({ users: await opts.users.list() }));
  app.post('/api/v1/users', { preHandler: app.authorize('admin') }, async (req, reply) => {
    const b = parseNewUser(req.body);
    return reply.status(201).send(await opts.users.create({ ...b, actor: actorOf(req.principal!) }));
  });
  app.post('/api/v1/users/:username/disable', { preHandler: app.authorize('admin') }, async (req) => {
    const { username } = parseUsername(req.params);
    await opts.users.disable(username, actorOf(req.principal!));
    return { username, disabled: true };
  });

  app.get('/api/v1/api-tokens', { preHandler: app.authorize('admin') }, async () => ({ tokens: await opts.auth.list() }));
  app.post('/api/v1/api-tokens', { preHandler: app.authorize('admin') }, async (req, reply) => {
    const b = parseNewToken(req.body);
    return reply.status(201).send(await opts.auth.create({ ...b, actor: actorOf(req.principal!) }));
  });
  app.post('/api/v1/api-tokens/:id/revoke', { preHandler: app.authorize('admin') }, async (req) => {
    const { id } = parseTokenId(req.params);
    await opts.auth.revoke(id, actorOf(req.principal!));
    return { id, revoked: true };
  });

  app.get('/api/v1/audit', { preHandler: app.authorize('read') }, async (req) => {
    const q = parseAudit(req.query);
    return opts.dashboard.audit({ before: q.before ? Number(q.before) : null, limit: q.limit ? Number(q.limit) : 100, actor: q.actor, action: q.action });
  });
  app.get('/api/v1/audit/export', { preHandler: app.authorize('export') }, async (req, reply) => {
    const q = parseAuditExport(req.query);
    const rows = [];
    let before: number | null = null;
    for (;;) {
      const page = await opts.dashboard.audit({ before, limit: 1000, actor: q.actor, action: q.action });
      rows.push(...page.entries);
      if (!page.next) break;
      before = Number(page.next);
    }
    reply.header('content-disposition', `attachment; filename="vigil-audit-log.${q.format}"`);
    if (q.format === 'json') return reply.type('application/json').send(JSON.stringify({ entries: rows }));
    const lines = ['id,at,actor,action,subject,detail', ...rows.map((r) => [r.id, r.at, r.actor, r.action, r.subject, r.detail].map(csvCell).join(','))];
    return reply.type('text/csv; charset=utf-8').send(`${lines.join('\r\n')}\r\n`);
  });
}

export default fp(usersPlugin, { name: 'vigil-users', dependencies: ['vigil-auth'] });
