// MDS2 baselines over the API: imported models, a model's form upload (CSV or XLSX as the raw body), a device's
// model, and the declared-versus-observed findings.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../protocol/errors.js';
import { makeParser } from '../../protocol/validate.js';
import { actorOf } from '../auth/service.js';
import type { Db } from '../db/types.js';
import { MAX_MDS2_BYTES } from '../mds2/parse.js';
import { Mds2Service } from '../mds2/service.js';

const DeviceId = Type.String({ pattern: '^dev_[0-9a-f]{32}$' });
const ModelParams = Type.Object({ model: Type.String({ minLength: 1, maxLength: 128 }) });
const UploadQuery = Type.Object({ filename: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) }, { additionalProperties: false });
const FindingsQuery = Type.Object({ device: Type.Optional(DeviceId), all: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, { additionalProperties: false });
const DeviceParams = Type.Object({ id: DeviceId });
const ModelBody = Type.Object({ model: Type.String({ minLength: 1, maxLength: 128 }) }, { additionalProperties: false });
const parseModel = makeParser(ModelParams, 'E_BAD_REQUEST', 'path');
const parseUpload = makeParser(UploadQuery, 'E_BAD_REQUEST', 'query');
const parseFindings = makeParser(FindingsQuery, 'E_BAD_REQUEST', 'query');
const parseDevice = makeParser(DeviceParams, 'E_BAD_REQUEST', 'path');
const parseModelBody = makeParser(ModelBody, 'E_BAD_REQUEST', 'body');

export default async function mds2Plugin(app: FastifyInstance, opts: { db: Db; now: () => Date }): Promise<void> {
  const s = new Mds2Service(opts.db, opts.now);
  // Encapsulated (no fastify-plugin): the form body parser stays inside these routes.
  app.addContentTypeParser(['text/csv', 'application/octet-stream', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'], { parseAs: 'buffer', bodyLimit: MAX_MDS2_BYTES }, (_req, body, done) => done(null, body));

  app.get('/api/v1/mds2/models', { preHandler: app.authorize('read') }, async () => ({ models: await s.models() }));
  app.put('/api/v1/mds2/models/:model', { preHandler: app.authorize('write'), bodyLimit: MAX_MDS2_BYTES }, async (req, reply) => {
    const { model } = parseModel(req.params);
    const { filename } = parseUpload(req.query);
    if (!Buffer.isBuffer(req.body)) throw new VigilError('E_BAD_REQUEST', 'send the MDS2 form as text/csv or as an XLSX file');
    return reply.status(201).send(await s.importForm(model, filename ?? `${model}.csv`, req.body, actorOf(req.principal!)));
  });
  app.get('/api/v1/mds2/mismatches', { preHandler: app.authorize('read') }, async (req) => {
    const q = parseFindings(req.query);
    return { findings: q.all === 'true' ? await s.findings({ deviceId: q.device }) : await s.mismatches({ deviceId: q.device }) };
  });
  app.put('/api/v1/devices/:id/model', { preHandler: app.authorize('write') }, async (req) => {
    const { id } = parseDevice(req.params);
    const { model } = parseModelBody(req.body);
    await s.setDeviceModel(id, model, actorOf(req.principal!));
    return { id, model };
  });
}
