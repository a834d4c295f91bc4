// The fastify app factory: builds the collector from its plugins and injected services. It does not
// listen; server.ts does (tests use inject() or listen on an ephemeral port).
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { VigilError, ERRORS } from '../protocol/errors.js';
import { PROTOCOL_VERSION } from '../protocol/messages.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import { DEFAULT_POLICY, type Policy } from '../protocol/policy.js';
import type { Db } from './db/types.js';
import type { CollectorConfig } from './config.js';
import { EnrolmentService } from './enrolment/service.js';
import { IngestService } from './ingest/service.js';
import { DevicesService } from './devices/service.js';
import { ControlsService } from './controls/service.js';
import enrolmentPlugin from './plugins/enrolment.js';
import streamPlugin from './plugins/stream.js';
import statusPlugin from './plugins/status.js';
import storagePlugin from './plugins/storage.js';
import controlsPlugin from './plugins/controls.js';

export interface AppDeps {
  db: Db;
  config: CollectorConfig;
  caPem: string;
  caSha256: string;
  now?: () => Date;
  policy?: () => Policy;
  https?: { cert: string; key: string } | null;
  logger?: FastifyServerOptions['logger'];
  enrolRatePerMinute?: number;
  /** Close the database when the app closes (the process owns it); tests that share a db pass false. */
  closeDbOnShutdown?: boolean;
}

export interface CollectorServices {
  enrolment: EnrolmentService;
  ingest: IngestService;
  devices: DevicesService;
  controls: ControlsService;
}

export function buildServices(db: Db, config: CollectorConfig, now: () => Date = () => new Date(), policy: () => Policy = () => DEFAULT_POLICY): CollectorServices {
  return {
    enrolment: new EnrolmentService(db, now, config.intervalSeconds),
    ingest: new IngestService(db, now, { maxClockSkewMs: config.maxClockSkewMs, maxEvidenceAgeMs: config.maxEvidenceAgeMs }, policy),
    devices: new DevicesService(db, now),
    controls: new ControlsService(db),
  };
}

export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; services: CollectorServices }> {
  const now = deps.now ?? (() => new Date());
  const services = buildServices(deps.db, deps.config, now, deps.policy);
  const app = Fastify({
    logger: deps.logger ?? false,
    https: deps.https ?? null,
    bodyLimit: 64 * 1024,
    trustProxy: false,
  } as FastifyServerOptions) as unknown as FastifyInstance;

  // One error handler: codes for everything; 5xx bodies stay generic and details go to the log.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof VigilError) {
      return reply.status(err.status).send({ v: PROTOCOL_VERSION, code: err.code, message: err.message, details: err.details.length ? err.details : undefined });
    }
    if (err.statusCode === 429) {
      return reply.status(429).send({ v: PROTOCOL_VERSION, code: 'E_RATE_LIMITED', message: ERRORS.E_RATE_LIMITED.text });
    }
    if (err.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.status(413).send({ v: PROTOCOL_VERSION, code: 'E_FRAME_TOO_LARGE', message: 'request body is too large' });
    }
    if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
      return reply.status(err.statusCode).send({ v: PROTOCOL_VERSION, code: 'E_BAD_REQUEST', message: err.message });
    }
    req.log.error({ err }, 'request failed');
    return reply.status(500).send({ v: PROTOCOL_VERSION, code: 'E_INTERNAL', message: ERRORS.E_INTERNAL.text });
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ v: PROTOCOL_VERSION, code: 'E_NOT_FOUND', message: 'no such route' }));

  await app.register(storagePlugin, { db: deps.db, closeOnShutdown: deps.closeDbOnShutdown ?? false });
  await app.register(controlsPlugin, { service: services.controls });
  await app.register(streamPlugin, {
    ingest: services.ingest,
    now,
    helloTimeoutMs: deps.config.helloTimeoutMs,
    maxClockSkewMs: deps.config.maxClockSkewMs,
    intervalSeconds: deps.config.intervalSeconds,
    window: deps.config.window,
    maxConnections: deps.config.maxConnections,
  });
  await app.register(enrolmentPlugin, { service: services.enrolment, caPem: deps.caPem, ratePerMinute: deps.enrolRatePerMinute ?? 120 });
  await app.register(statusPlugin, { devices: services.devices, version: VIGIL_VERSION, caSha256: deps.caSha256 });
  return { app, services };
}
