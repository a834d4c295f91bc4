// Evidence export over the API: GET /api/v1/export?from=&to= streams the archive as it is built
// (auditor tokens may export). The export is recorded in the audit log with the token that asked.
import { PassThrough } from 'node:stream';
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IsoTime } from '../../protocol/messages.js';
import { makeParser } from '../../protocol/validate.js';
import { actorOf } from '../auth/service.js';
import type { ExportService } from '../export/service.js';
import { normaliseMoment } from '../history/service.js';
import { VigilError } from '../../protocol/errors.js';

const ExportQuery = Type.Object(
  { from: IsoTime, to: IsoTime, envelopes: Type.Optional(Type.Union([Type.Literal('cited'), Type.Literal('period')])) },
  { additionalProperties: false },
);
const parseQuery = makeParser(ExportQuery, 'E_BAD_REQUEST', 'query');

async function exportPlugin(app: FastifyInstance, opts: { service: ExportService }): Promise<void> {
  app.get('/api/v1/export', { preHandler: app.authorize('export') }, async (req, reply) => {
    const q = parseQuery(req.query);
    const from = normaliseMoment(q.from);
    const to = normaliseMoment(q.to);
    if (from > to) throw new VigilError('E_BAD_REQUEST', `the period starts (${from}) after it ends (${to})`);
    const name = `vigil-evidence-${from.slice(0, 10)}-${to.slice(0, 10)}.tar.gz`;
    const body = new PassThrough();
    // Headers go out with the first bytes; a failure after that can only cut the stream short, which
    // the archive's missing manifest makes evident to verify.
    opts.service
      .export({ from, to, out: body, archiveName: name, actor: actorOf(req.principal!), envelopes: q.envelopes })
      .catch((err: unknown) => {
        req.log.error({ err }, 'export failed');
        body.destroy(err as Error);
      });
    return reply.header('content-disposition', `attachment; filename="${name}"`).type('application/gzip').send(body);
  });
}

export default fp(exportPlugin, { name: 'vigil-export', dependencies: ['vigil-auth'] });
