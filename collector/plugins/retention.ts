// History retention: the prune job on a timer (one collector at a time, through the "retention" lease),
// its status and a manual run over the API. Off unless config.json sets "retention".
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { VigilError } from '../../protocol/errors.js';
import { actorOf } from '../auth/service.js';
import type { Db } from '../db/types.js';
import { holdsRepo, type RetentionService } from '../retention/service.js';
import { runOnce } from '../jobs/leases.js';

export interface RetentionPluginOptions {
  db: Db;
  service: RetentionService;
  now: () => Date;
  intervalMinutes: number | null;
  background?: boolean;
}

async function retentionPlugin(app: FastifyInstance, opts: RetentionPluginOptions): Promise<void> {
  const { service } = opts;
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<unknown> = Promise.resolve();
  if ((opts.background ?? true) && opts.intervalMinutes) {
    const periodMs = opts.intervalMinutes * 60_000;
    const tick = () => {
      running = runOnce(opts.db, 'retention', { now: opts.now, periodMs }, () => service.run())
        .catch((err: Error) => app.log.error({ err }, 'retention run failed'))
        .finally(() => {
          timer = setTimeout(tick, periodMs);
          timer.unref();
        });
    };
    app.addHook('onReady', async () => {
      timer = setTimeout(tick, 5_000);
      timer.unref();
    });
  }
  app.addHook('onClose', async () => {
    if (timer) clearTimeout(timer);
    await running;
  });

  app.get('/api/v1/retention', { preHandler: app.authorize('read') }, async () => {
    const c = await service.cutoff();
    return {
      enabled: c !== null,
      cutoff: c?.cutoff ?? null,
      holds: await holdsRepo.active(opts.db, opts.now().toISOString()),
      runs: await service.lastRuns(),
    };
  });
  app.post('/api/v1/retention/run', { preHandler: app.authorize('admin') }, async (req) => {
    // Not configured is the caller's mistake to learn about (400), not a server failure.
    if (!(await service.cutoff())) throw new VigilError('E_BAD_REQUEST', 'retention is not configured (config.json "retention": { "days": …, "auditWindowDays": … })');
    return { run: await service.run(actorOf(req.principal!)) };
  });
}

export default fp(retentionPlugin, { name: 'vigil-retention', dependencies: ['vigil-auth'] });
