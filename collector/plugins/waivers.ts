// Waivers over the API: list (read), create and revoke (write; recorded in the audit log).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IsoTime } from '../../protocol/messages.js';
import { makeParser } from '../../protocol/validate.js';
import { actorOf } from '../auth/service.js';
import { parseExpiry, type WaiversService } from '../waivers/service.js';

const NewWaiverBody = Type.Object(
  {
    device: Type.Optional(Type.String({ pattern: '^dev_[0-9a-f]{32}$' })),
    check: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' })),
    control: Type.Optional(Type.String({ maxLength: 16 })),
    reason: Type.String({ minLength: 1, maxLength: 2000 }),
    approver: Type.String({ minLength: 1, maxLength: 200 }),
    /** An ISO time, or a duration from now such as 30d. */
    expires: Type.Union([IsoTime, Type.String({ pattern: '^\\d+\\s*[smhdw]$' })]),
  },
  { additionalProperties: false },
);
const RevokeBody = Type.Object({ reason: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false });
const IdParams = Type.Object({ id: Type.String({ pattern: '^wvr_[0-9a-f]{16}$' }) });
const ListQuery = Type.Object({ all: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, { additionalProperties: false });
const parseNew = makeParser(NewWaiverBody, 'E_BAD_REQUEST', 'waiver');
const parseRevoke = makeParser(RevokeBody, 'E_BAD_REQUEST', 'revocation');
const parseId = makeParser(IdParams, 'E_BAD_REQUEST', 'path');
const parseList = makeParser(ListQuery, 'E_BAD_REQUEST', 'query');

async function waiversPlugin(app: FastifyInstance, opts: { service: WaiversService }): Promise<void> {
  app.get('/api/v1/waivers', { preHandler: app.authorize('read') }, async (req) => {
    const q = parseList(req.query);
    return { waivers: await opts.service.list({ all: q.all === 'true' }) };
  });
  app.post('/api/v1/waivers', { preHandler: app.authorize('write') }, async (req, reply) => {
    const b = parseNew(req.body);
    const w = await opts.service.create({
      deviceId: b.device,
      checkId: b.check,
      control: b.control,
      reason: b.reason,
      approver: b.approver,
      expires: parseExpiry(b.expires),
      actor: actorOf(req.principal!),
    });
    return reply.status(201).send(w);
  });
  app.post('/api/v1/waivers/:id/revoke', { preHandler: app.authorize('write') }, async (req) => {
    const { id } = parseId(req.params);
    const { reason } = parseRevoke(req.body);
    await opts.service.revoke(id, actorOf(req.principal!), reason);
    return { id, revoked: true };
  });
}

export default fp(waiversPlugin, { name: 'vigil-waivers', dependencies: ['vigil-auth'] });
