// Storage: the database handle every feature's repositories use. The one cross-cutting decorator that
// escapes encapsulation, with the lifecycle of the app when the process owns the database.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../db/types.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
  }
}

async function storagePlugin(app: FastifyInstance, opts: { db: Db; closeOnShutdown: boolean }): Promise<void> {
  app.decorate('db', opts.db);
  if (opts.closeOnShutdown) app.addHook('onClose', async () => opts.db.close());
}

export default fp(storagePlugin, { name: 'vigil-storage' });
