// History and fleet state, now or as of any moment: /api/v1/fleet, /api/v1/devices/:id/{state,evaluations,controls},
// /api/v1/controls, /api/v1/policy. Read permission (admin and auditor tokens).
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { IsoTime } from '../../protocol/messages.js';
import { makeParser } from '../../protocol/validate.js';
import type { ControlsService } from '../controls/service.js';
import type { HistoryService } from '../history/service.js';
import { stateJson } from '../history/json.js';
import type { PolicyStore } from '../policy/store.js';
import { policyVersionsRepo } from '../policy/repo.js';

const DeviceParams = Type.Object({ id: Type.String({ pattern: '^dev_[0-9a-f]{32}$' }) });
const AsOfQuery = Type.Object({ asOf: Type.Optional(IsoTime) }, { additionalProperties: false });
const FleetQuery = Type.Object(
  {
    asOf: Type.Optional(IsoTime),
    after: Type.Optional(Type.String({ pattern: '^dev_[0-9a-f]{32}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })),
  },
  { additionalProperties: false },
);
const EvaluationsQuery = Type.Object(
  {
    check: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,63}$' })),
    from: Type.Optional(IsoTime),
    to: Type.Optional(IsoTime),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
  },
  { additionalProperties: false },
);
const parseDevice = makeParser(DeviceParams, 'E_BAD_REQUEST', 'path');
const parseAsOf = makeParser(AsOfQuery, 'E_BAD_REQUEST', 'query');
const parseFleet = makeParser(FleetQuery, 'E_BAD_REQUEST', 'query');
const parseEvaluations = makeParser(EvaluationsQuery, 'E_BAD_REQUEST', 'query');

export interface HistoryOptions {
  history: HistoryService;
  controls: ControlsService;
  policy: PolicyStore | null;
}

async function historyPlugin(app: FastifyInstance, opts: HistoryOptions): Promise<void> {
  const read = { preHandler: app.authorize('read') };

  app.get('/api/v1/fleet', read, async (req) => {
    const q = parseFleet(req.query);
    const page = await opts.history.page({ asOf: q.asOf ?? null, after: q.after, limit: q.limit ? Number(q.limit) : 100, withFacts: false });
    return { asOf: page.asOf, next: page.next, devices: page.devices.map(stateJson) };
  });

  app.get('/api/v1/devices/:id/state', read, async (req) => {
    const { id } = parseDevice(req.params);
    const { asOf } = parseAsOf(req.query);
    return stateJson(await opts.history.device(id, asOf ?? null));
  });

  app.get('/api/v1/devices/:id/evaluations', read, async (req) => {
    const { id } = parseDevice(req.params);
    const q = parseEvaluations(req.query);
    return { evaluations: await opts.history.evaluations(id, { checkId: q.check, from: q.from, to: q.to, limit: q.limit ? Number(q.limit) : undefined }) };
  });

  app.get('/api/v1/devices/:id/controls', read, async (req) => {
    const { id } = parseDevice(req.params);
    const { asOf } = parseAsOf(req.query);
    return { controls: await opts.controls.forDevice(id, asOf ?? null) };
  });

  app.get('/api/v1/controls', read, async (req) => {
    const { asOf } = parseAsOf(req.query);
    return { asOf: asOf ?? null, controls: await opts.controls.fleet(asOf ?? null) };
  });

  app.get('/api/v1/policy', read, async () => {
    const current = opts.policy?.current();
    return {
      version: current?.version ?? null,
      lastError: opts.policy?.lastError() ?? null,
      versions: await policyVersionsRepo.list(app.db),
    };
  });
}

export default fp(historyPlugin, { name: 'vigil-history', dependencies: ['vigil-storage', 'vigil-auth'] });
