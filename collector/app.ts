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
import authPlugin from './plugins/auth.js';
import historyPlugin from './plugins/history.js';
import waiversPlugin from './plugins/waivers.js';
import soaPlugin from './plugins/soa.js';
import exportPlugin from './plugins/export.js';
import { HistoryService } from './history/service.js';
import { WaiversService } from './waivers/service.js';
import { SoaService } from './soa/service.js';
import { ExportService } from './export/service.js';
import { AuthService } from './auth/service.js';
import type { PolicyStore } from './policy/store.js';
import { join } from 'node:path';

export interface AppDeps {
  db: Db;
  config: CollectorConfig;
  /** The data directory: export-signing key, manual evidence files. */
  dataRoot: string;
  caPem: string;
  caSha256: string;
  now?: () => Date;
  /** The policy file being followed; without one the built-in defaults apply. */
  policyStore?: PolicyStore | null;
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
  history: HistoryService;
  controls: ControlsService;
  waivers: WaiversService;
  soa: SoaService;
  exports: ExportService;
  auth: AuthService;
}

export interface ServiceOptions {
  dataRoot: string;
  now?: () => Date;
  /** Called for every attestation: the policy in force when it is evaluated. */
  policy?: () => Policy;
}

export function buildServices(db: Db, config: CollectorConfig, opts: ServiceOptions): CollectorServices {
  const now = opts.now ?? (() => new Date());
  const history = new HistoryService(db, now);
  const soa = new SoaService(db, now, history, join(opts.dataRoot, 'evidence'));
  return {
    enrolment: new EnrolmentService(db, now, config.intervalSeconds),
    ingest: new IngestService(db, now, { maxClockSkewMs: config.maxClockSkewMs, maxEvidenceAgeMs: config.maxEvidenceAgeMs }, opts.policy ?? (() => DEFAULT_POLICY)),
    devices: new DevicesService(db, now),
    history,
    controls: new ControlsService(db, history, now),
    waivers: new WaiversService(db, now),
    soa,
    exports: new ExportService(db, now, history, soa.evidence, opts.dataRoot),
    auth: new AuthService(db, now),
  };
}

export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; services: CollectorServices }> {
  const now = deps.now ?? (() => new Date());
  const store = deps.policyStore ?? null;
  const services = buildServices(deps.db, deps.config, { dataRoot: deps.dataRoot, now, policy: store ? () => store.current().policy : undefined });
  const app = Fastify({
    logger: deps.logger ?? false,
    https: deps.https ?? null,
    bodyLimit: 64 * 1024,
    trustProxy: false,
  } as FastifyServerOptions) as unknown as FastifyInstance;

  // One error handler: codes for everything; 5xx bodies stay generic and details go to the log.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof VigilError) {
      if (err.code === 'E_UNAUTHORIZED') reply.header('www-authenticate', 'Bearer realm="vigil"');
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
  await app.register(authPlugin, { service: services.auth });
  await app.register(historyPlugin, { history: services.history, controls: services.controls, policy: store });
  await app.register(waiversPlugin, { service: services.waivers });
  await app.register(soaPlugin, { service: services.soa });
  await app.register(exportPlugin, { service: services.exports });
  return { app, services };
}
