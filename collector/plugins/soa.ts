// Statement of Applicability over the API: the view (read), applicability decisions and manual evidence
// uploads (write; raw file body, recorded in the audit log), evidence downloads (read).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IsoTime } from '../../protocol/messages.js';
import { makeParser } from '../../protocol/validate.js';
import { actorOf } from '../auth/service.js';
import type { SoaService } from '../soa/service.js';

export const MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

const ControlParams = Type.Object({ control: Type.String({ maxLength: 16 }) });
const DecisionBody = Type.Object(
  { applicable: Type.Boolean(), justification: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
const EvidenceQuery = Type.Object(
  { filename: Type.String({ minLength: 1, maxLength: 255 }), note: Type.String({ minLength: 1, maxLength: 4000 }) },
  { additionalProperties: false },
);
const EvidenceParams = Type.Object({ id: Type.String({ pattern: '^evd_[0-9a-f]{16}$' }) });
const AsOfQuery = Type.Object({ asOf: Type.Optional(IsoTime) }, { additionalProperties: false });
const parseControl = makeParser(ControlParams, 'E_BAD_REQUEST', 'path');
const parseDecision = makeParser(DecisionBody, 'E_BAD_REQUEST', 'decision');
const parseEvidenceQuery = makeParser(EvidenceQuery, 'E_BAD_REQUEST', 'query');
const parseEvidenceId = makeParser(EvidenceParams, 'E_BAD_REQUEST', 'path');
const parseAsOf = makeParser(AsOfQuery, 'E_BAD_REQUEST', 'query');

async function soaPlugin(app: FastifyInstance, opts: { service: SoaService }): Promise<void> {
  await app.register(async (scoped) => {
    // Evidence files arrive as the raw request body; only in this scope.
    scoped.addContentTypeParser('application/octet-stream', { parseAs: 'buffer', bodyLimit: MAX_UPLOAD_BYTES }, (_req, body, done) => done(null, body));

    scoped.get('/api/v1/soa', { preHandler: scoped.authorize('read') }, async (req) => {
      const { asOf } = parseAsOf(req.query);
      return { asOf: asOf ?? null, controls: await opts.service.view(asOf ?? null) };
    });
    scoped.put('/api/v1/soa/:control', { preHandler: scoped.authorize('write') }, async (req) => {
      const { control } = parseControl(req.params);
      const body = parseDecision(req.body);
      return opts.service.decide({ control, applicable: body.applicable, justification: body.justification, actor: actorOf(req.principal!) });
    });
    scoped.get('/api/v1/soa/:control/history', { preHandler: scoped.authorize('read') }, async (req) => {
      const { control } = parseControl(req.params);
      return { decisions: await opts.service.decisionHistory(control) };
    });
    scoped.post('/api/v1/soa/:control/evidence', { preHandler: scoped.authorize('write'), bodyLimit: MAX_UPLOAD_BYTES }, async (req, reply) => {
      const { control } = parseControl(req.params);
      const q = parseEvidenceQuery(req.query);
      const content = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      const row = await opts.service.addEvidence({ control, content, filename: q.filename, note: q.note, actor: actorOf(req.principal!) });
      return reply.status(201).send(row);
    });
    scoped.get('/api/v1/evidence/:id', { preHandler: scoped.authorize('read') }, async (req, reply) => {
      const { id } = parseEvidenceId(req.params);
      const { row, stream } = await opts.service.evidenceFile(id);
      return reply
        .header('content-disposition', `attachment; filename="${row.filename.replace(/[^\w.-]/g, '_')}"`)
        .header('x-content-sha256', row.sha256)
        .type('application/octet-stream')
        .send(stream);
    });
  });
}

export default fp(soaPlugin, { name: 'vigil-soa', dependencies: ['vigil-auth'] });
