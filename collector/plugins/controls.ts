// Controls: Annex A status per device and across the fleet, from the latest verified results. Read by
// the status page and the CLI; the authenticated API and dashboard build on the same service.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { ControlsService } from '../controls/service.js';

declare module 'fastify' {
  interface FastifyInstance {
    controls: ControlsService;
  }
}

async function controlsPlugin(app: FastifyInstance, opts: { service: ControlsService }): Promise<void> {
  app.decorate('controls', opts.service);
}

export default fp(controlsPlugin, { name: 'vigil-controls', dependencies: ['vigil-storage'] });
