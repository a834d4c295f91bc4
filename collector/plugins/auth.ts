// Bearer-token authentication for /api/v1 reads and writes (not for enrolment and the agent stream,
// which authenticate devices by their keys). Cross-cutting: routes of other plugins declare what they
// need with app.authorize('read' | 'export' | 'write'); the principal is on the request. The dashboard
// issue replaces tokens with users and sessions behind the same decorator.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { VigilError } from '../../protocol/errors.js';
import { may, type AuthService, type Permission, type Principal } from '../auth/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    authorize(permission: Permission): (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

async function authPlugin(app: FastifyInstance, opts: { service: AuthService }): Promise<void> {
  app.decorateRequest('principal', null);
  app.decorate('authorize', (permission: Permission) => async (req: FastifyRequest) => {
    const principal = await opts.service.authenticate(req.headers.authorization);
    if (!may(principal, permission)) throw new VigilError('E_FORBIDDEN', `role ${principal.role} may not ${permission}`);
    req.principal = principal;
  });
}

export default fp(authPlugin, { name: 'vigil-auth', dependencies: ['vigil-storage'] });
