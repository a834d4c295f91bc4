// The devices behind the gateways over the API, and the end-of-life compensations in force. The inventory
// is kept up to date by a sync on a timer (new and vanished device events appear within a minute of the
// attestation) and before every read.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { VigilError } from '../../protocol/errors.js';
import { makeParser } from '../../protocol/validate.js';
import { VIGIL_VERSION } from '../../protocol/version.js';
import { page } from '../dashboard/layout.js';
import type { Db } from '../db/types.js';
import { gatewayRows, gatewaysPage } from '../inventory/pages.js';
import { InventoryService, type InventoryEventSink } from '../inventory/service.js';
import { Mds2Service } from '../mds2/service.js';
import { CompensationsService } from '../policy/compensations.js';
import { CSP } from './dashboard.js';

const DeviceId = Type.String({ pattern: '^dev_[0-9a-f]{32}$' });
const ListQuery = Type.Object({ gateway: Type.Optional(DeviceId), all: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')])) }, { additionalProperties: false });
const EventsQuery = Type.Object({ gateway: Type.Optional(DeviceId), limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,3}$' })) }, { additionalProperties: false });
const parseList = makeParser(ListQuery, 'E_BAD_REQUEST', 'query');
const parseEvents = makeParser(EventsQuery, 'E_BAD_REQUEST', 'query');

export interface InventoryPluginOptions {
  db: Db;
  now: () => Date;
  /** Sync on a timer (off in tests that drive sync themselves). */
  background?: boolean;
  intervalMs?: number;
  sink?: InventoryEventSink;
}

async function inventoryPlugin(app: FastifyInstance, opts: InventoryPluginOptions): Promise<void> {
  const inventory = new InventoryService(opts.db, opts.sink);
  const compensations = new CompensationsService(opts.db, opts.now);
  let running: Promise<unknown> | null = null;
  const sync = () => (running ??= inventory.sync().finally(() => (running = null)));

  if (opts.background ?? true) {
    const timer = setInterval(() => {
      sync().catch((err: unknown) => app.log.error({ err }, 'inventory sync failed'));
    }, opts.intervalMs ?? 30_000);
    timer.unref();
    app.addHook('onClose', async () => {
      clearInterval(timer);
      await running?.catch(() => undefined);
    });
  }

  app.get('/api/v1/inventory', { preHandler: app.authorize('read') }, async (req) => {
    const q = parseList(req.query);
    await sync();
    return { devices: await inventory.devices({ gatewayId: q.gateway, includeVanished: q.all === 'true' }) };
  });
  app.get('/api/v1/inventory/events', { preHandler: app.authorize('read') }, async (req) => {
    const q = parseEvents(req.query);
    await sync();
    return { events: await inventory.events({ gatewayId: q.gateway, limit: q.limit ? Number(q.limit) : undefined }) };
  });
  app.get('/api/v1/compensations', { preHandler: app.authorize('read') }, async () => ({
    compensations: await compensations.list(),
    results: await compensations.compensated(),
  }));

  // The dashboard page, in its own scope: the dashboard's headers, and a login redirect for a missing session.
  await app.register(async (scoped) => {
    scoped.addHook('onSend', async (_req, reply, payload) => {
      reply.header('content-security-policy', CSP).header('x-content-type-options', 'nosniff').header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
      return payload;
    });
    scoped.setErrorHandler(async (err, req, reply) => {
      if (err instanceof VigilError && err.code === 'E_UNAUTHORIZED') return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
      throw err;
    });
    scoped.get('/gateways', { preHandler: scoped.authorize('read') }, async (req, reply) => {
      await sync();
      const body = gatewaysPage({
        gateways: await gatewayRows(opts.db),
        devices: await inventory.devices({ includeVanished: true }),
        events: await inventory.events({ limit: 50 }),
        compensated: await compensations.compensated(),
        mismatches: await new Mds2Service(opts.db, opts.now).mismatches(),
      });
      return reply.type('text/html; charset=utf-8').send(page({ principal: req.principal!, version: VIGIL_VERSION, path: '/gateways' }, 'Gateways and medical devices', body).value);
    });
  });
}

export default fp(inventoryPlugin, { name: 'vigil-inventory', dependencies: ['vigil-auth'] });
