// Alerts over the API, the delivery worker and the stale-device scan. Reads need 'read'; acknowledge,
// resolve, retry and channel tests need 'write' and are recorded in the audit log.
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runOnce } from '../jobs/leases.js';
import { VigilError } from '../../protocol/errors.js';
import { makeParser } from '../../protocol/validate.js';
import { actorOf } from '../auth/service.js';
import { audit } from '../audit.js';
import type { AlertsService } from '../alerts/service.js';
import { DeliveryWorker } from '../alerts/worker.js';
import { sendNotification, type Notification } from '../alerts/channels.js';
import { KINDS, type AlertsConfigStore } from '../alerts/config.js';

const ListQuery = Type.Object(
  {
    state: Type.Optional(Type.Union(['active', 'open', 'acknowledged', 'resolved', 'all'].map((s) => Type.Literal(s)))),
    kind: Type.Optional(Type.Union(KINDS.map((k) => Type.Literal(k)))),
    device: Type.Optional(Type.String({ pattern: '^dev_[0-9a-f]{32}$' })),
    limit: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,4}$' })),
  },
  { additionalProperties: false },
);
const AlertParams = Type.Object({ id: Type.String({ pattern: '^alr_[0-9a-f]{16}$' }) });
const DeliveryParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,15}$' }) });
const ChannelParams = Type.Object({ name: Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' }) });
const NoteBody = Type.Union([Type.Null(), Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false })]);
const parseList = makeParser(ListQuery, 'E_BAD_REQUEST', 'query');
const parseAlert = makeParser(AlertParams, 'E_BAD_REQUEST', 'path');
const parseDelivery = makeParser(DeliveryParams, 'E_BAD_REQUEST', 'path');
const parseChannel = makeParser(ChannelParams, 'E_BAD_REQUEST', 'path');
const parseNote = makeParser(NoteBody, 'E_BAD_REQUEST', 'body');

/** A test notification for one channel, sent at once (not through the outbox). */
export async function testChannel(service: AlertsService, name: string, now: () => Date): Promise<Notification> {
  const channel = service.config().channels[name];
  if (!channel) throw new VigilError('E_NOT_FOUND', `channel ${name} is not configured in alerts.yaml`);
  const at = now().toISOString();
  const n: Notification = { v: 1, id: `test_${Date.now().toString(36)}`, event: 'test', at, severity: 'info', title: `test notification for channel ${name}` };
  await sendNotification(channel, n, now);
  return n;
}

export interface AlertsPluginOptions {
  service: AlertsService;
  now: () => Date;
  /** Start the worker and the stale scan when the app is ready (a process serving agents); tests may drive them. */
  background?: boolean;
  pollMs?: number;
  /** The alerts.yaml being followed: stops with the app. */
  configStore?: AlertsConfigStore;
}

async function alertsPlugin(app: FastifyInstance, opts: AlertsPluginOptions): Promise<void> {
  const { service } = opts;
  const worker = new DeliveryWorker(app.db, opts.now, service.config, { pollMs: opts.pollMs, log: (m) => app.log.warn(m) });
  service.onEnqueue = () => worker.kick();
  let staleTimer: NodeJS.Timeout | null = null;
  let scanning: Promise<unknown> = Promise.resolve();
  const scheduleStale = () => {
    staleTimer = setTimeout(() => {
      // One collector scans per period (the "stale-scan" lease), so collectors sharing a database never
      // race to open the same stale alert.
      const periodMs = service.config().stale.scanSeconds * 1000;
      scanning = runOnce(app.db, 'stale-scan', { now: opts.now, periodMs: Math.max(1000, periodMs - 500) }, () => service.scanStale())
        .catch((err: Error) => app.log.error({ err }, 'stale scan failed'))
        .finally(scheduleStale);
    }, service.config().stale.scanSeconds * 1000);
    staleTimer.unref();
  };
  if (opts.background ?? true) {
    app.addHook('onReady', async () => {
      worker.start();
      scheduleStale();
    });
  }
  app.addHook('onClose', async () => {
    await opts.configStore?.close();
    if (staleTimer) clearTimeout(staleTimer);
    service.onEnqueue = null;
    await scanning;
    await worker.stop();
  });

  app.get('/api/v1/alerts', { preHandler: app.authorize('read') }, async (req) => {
    const q = parseList(req.query);
    return { alerts: await service.list({ state: q.state, kind: q.kind, deviceId: q.device, limit: q.limit ? Number(q.limit) : undefined }) };
  });
  app.get('/api/v1/alerts/dead-letters', { preHandler: app.authorize('read') }, async () => ({ deadLetters: await service.deadLetters() }));
  app.post('/api/v1/alerts/dead-letters/:id/retry', { preHandler: app.authorize('write') }, async (req) => {
    const { id } = parseDelivery(req.params);
    return { retried: await service.retry([Number(id)], actorOf(req.principal!)) };
  });
  app.post('/api/v1/alerts/dead-letters/retry', { preHandler: app.authorize('write') }, async (req) => ({ retried: await service.retry('all', actorOf(req.principal!)) }));
  app.get('/api/v1/alerts/:id', { preHandler: app.authorize('read') }, async (req) => service.get(parseAlert(req.params).id));
  app.post('/api/v1/alerts/:id/ack', { preHandler: app.authorize('write') }, async (req) => {
    const { id } = parseAlert(req.params);
    return service.ack(id, actorOf(req.principal!), parseNote(req.body ?? null)?.note);
  });
  app.post('/api/v1/alerts/:id/resolve', { preHandler: app.authorize('write') }, async (req) => {
    const { id } = parseAlert(req.params);
    return service.resolve(id, actorOf(req.principal!), parseNote(req.body ?? null)?.note);
  });
  app.post('/api/v1/alerts/channels/:name/test', { preHandler: app.authorize('write') }, async (req) => {
    const { name } = parseChannel(req.params);
    const actor = actorOf(req.principal!);
    try {
      const n = await testChannel(service, name, opts.now);
      await app.db.tx((q) => audit(q, opts.now(), actor, 'alert.channel.test', name, { ok: true }));
      return { channel: name, delivered: true, id: n.id };
    } catch (err) {
      if (err instanceof VigilError && err.code === 'E_CHANNEL') await app.db.tx((q) => audit(q, opts.now(), actor, 'alert.channel.test', name, { ok: false, error: err.message }));
      throw err;
    }
  });
}

export default fp(alertsPlugin, { name: 'vigil-alerts', dependencies: ['vigil-auth', 'vigil-storage'] });
