// The health probe. The page at / is the dashboard (plugins/dashboard.ts), behind a login.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DevicesService } from '../devices/service.js';

export interface StatusOptions {
  devices: DevicesService;
  version: string;
  caSha256: string;
}

async function statusPlugin(app: FastifyInstance, opts: StatusOptions): Promise<void> {
  app.get('/healthz', async () => ({ ok: true, version: opts.version, connected: app.stream.connected() }));
}

export default fp(statusPlugin, { name: 'vigil-status', dependencies: ['vigil-stream', 'vigil-controls'] });
