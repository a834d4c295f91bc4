// Authentication for /api/v1 and the dashboard (not for enrolment and the agent stream, which
// authenticate devices by their keys). Cross-cutting: routes declare what they need with
// app.authorize('read' | 'export' | 'write' | 'admin'); the principal is on the request. Two ways in:
// a bearer API token (automation), or a dashboard session cookie. A cookie-authenticated request that
// changes state must also carry the session's CSRF token (header x-csrf-token or form field _csrf);
// SameSite=Strict already keeps other sites' forms out, the token covers older browsers and same-site
// subdomains.
import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { VigilError } from '../../protocol/errors.js';
import { may, type AuthService, type Permission, type Principal } from '../auth/service.js';
import type { UsersService } from '../users/service.js';

export const SESSION_COOKIE = 'vigil_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

declare module 'fastify' {
  interface FastifyInstance {
    authorize(permission: Permission): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export function cookieOf(req: FastifyRequest, name: string): string | undefined {
  const header = req.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i > 0 && part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return undefined;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function csrfOf(req: FastifyRequest): string {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | null | undefined;
  return body && typeof body === 'object' && typeof body._csrf === 'string' ? body._csrf : '';
}

async function authPlugin(app: FastifyInstance, opts: { service: AuthService; users: UsersService }): Promise<void> {
  app.decorateRequest('principal', null);

  const fromSession = async (req: FastifyRequest): Promise<Principal | null> => {
    const s = await opts.users.session(cookieOf(req, SESSION_COOKIE));
    return s ? { kind: 'user', id: s.userId, name: s.username, role: s.role, csrf: s.csrf } : null;
  };

  app.decorate('authorize', (permission: Permission) => async (req: FastifyRequest) => {
    let principal: Principal;
    if (req.headers.authorization !== undefined) principal = await opts.service.authenticate(req.headers.authorization);
    else {
      const p = await fromSession(req);
      if (!p) throw new VigilError('E_UNAUTHORIZED');
      if (!SAFE_METHODS.has(req.method) && !sameSecret(csrfOf(req), p.csrf!)) throw new VigilError('E_CSRF');
      principal = p;
    }
    if (!may(principal, permission)) throw new VigilError('E_FORBIDDEN', `role ${principal.role} may not ${permission}`);
    req.principal = principal;
  });
}

export default fp(authPlugin, { name: 'vigil-auth', dependencies: ['vigil-storage'] });
