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
import { UsersService } from './users/service.js';
import { DashboardService } from './dashboard/service.js';
import usersPlugin from './plugins/users.js';
import fleetPlugin from './plugins/fleet.js';
import docsPlugin from './plugins/docs.js';
import dashboardPlugin from './plugins/dashboard.js';
import { dashboardAlerts } from './dashboard/alerts.js';
import type { PolicyStore } from './policy/store.js';
import { AlertsService } from './alerts/service.js';
import { ALERTS_FILE, AlertsConfigStore, EMPTY_ALERTS_CONFIG, type AlertsConfig } from './alerts/config.js';
import alertsPlugin from './plugins/alerts.js';
import { knownBuilds } from './builds/index.js';
import inventoryPlugin from './plugins/inventory.js';
import mds2Plugin from './plugins/mds2.js';
import retentionPlugin from './plugins/retention.js';
import { RetentionService } from './retention/service.js';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { TLS_SESSION_LIFETIME_S, ticketKeysFor } from './tls.js';

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
  /** alerts.yaml being followed; default: the one in dataRoot (absent file: no channels). */
  alertsConfig?: AlertsConfigStore;
  /** Run the alert delivery worker and stale scan in the background (default true). */
  alertsBackground?: boolean;
  /** Sync the gateways' device inventory on a timer (default true). */
  inventoryBackground?: boolean;
  /** Run the retention prune job on its timer when retention is configured (default true). */
  retentionBackground?: boolean;
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
  alerts: AlertsService;
  users: UsersService;
  dashboard: DashboardService;
  retention: RetentionService;
}

export interface ServiceOptions {
  dataRoot: string;
  now?: () => Date;
  /** Called for every attestation: the policy in force when it is evaluated. */
  policy?: () => Policy;
  /** The alert configuration in force (channels, routes, thresholds). */
  alertsConfig?: () => AlertsConfig;
}

export function buildServices(db: Db, config: CollectorConfig, opts: ServiceOptions): CollectorServices {
  const now = opts.now ?? (() => new Date());
  const history = new HistoryService(db, now);
  const soa = new SoaService(db, now, history, join(opts.dataRoot, 'evidence'));
  const alerts = new AlertsService(db, now, opts.alertsConfig ?? (() => EMPTY_ALERTS_CONFIG), config.intervalSeconds, knownBuilds(opts.dataRoot));
  return {
    enrolment: new EnrolmentService(db, now, config.intervalSeconds, alerts),
    ingest: new IngestService(db, now, { maxClockSkewMs: config.maxClockSkewMs, maxEvidenceAgeMs: config.maxEvidenceAgeMs }, opts.policy ?? (() => DEFAULT_POLICY), alerts),
    devices: new DevicesService(db, now),
    history,
    controls: new ControlsService(db, history, now),
    waivers: new WaiversService(db, now),
    soa,
    exports: new ExportService(db, now, history, soa.evidence, opts.dataRoot),
    auth: new AuthService(db, now),
    alerts,
    users: new UsersService(db, now),
    dashboard: new DashboardService(db, now, history, config.intervalSeconds),
    retention: new RetentionService(db, now, () => config.retention),
  };
}

/**
 * Bounds on slow and idle clients (slowloris). A TLS handshake must finish in 10 s and the request
 * headers arrive within 15 s of the connection (checked every second); a whole request, body included,
 * within 15 minutes (a 2 GB archive upload to /exports/verify at a few MB/s); an idle keep-alive
 * connection closes after 30 s. Upgraded WebSocket connections leave these checks; the stream has
 * its own hello timeout and ping.
 */
export const SERVER_LIMITS = {
  tls: { handshakeTimeout: 10_000 },
  http: { headersTimeout: 15_000, connectionsCheckingInterval: 1_000 },
  keepAliveTimeout: 30_000,
  requestTimeout: 15 * 60_000,
} as const;

export async function buildApp(deps: AppDeps): Promise<{ app: FastifyInstance; services: CollectorServices }> {
  const now = deps.now ?? (() => new Date());
  const store = deps.policyStore ?? null;
  const alertsStore = deps.alertsConfig ?? new AlertsConfigStore(join(deps.dataRoot, ALERTS_FILE));
  await alertsStore.load();
  alertsStore.watch();
  const services = buildServices(deps.db, deps.config, { dataRoot: deps.dataRoot, now, policy: store ? () => store.current().policy : undefined, alertsConfig: () => alertsStore.current() });
  const app = Fastify({
    logger: deps.logger ?? false,
    https: deps.https
      ? { ...deps.https, ...SERVER_LIMITS.tls, ...SERVER_LIMITS.http, ticketKeys: ticketKeysFor(deps.https.key, now()), sessionTimeout: TLS_SESSION_LIFETIME_S }
      : null,
    http: SERVER_LIMITS.http,
    bodyLimit: 64 * 1024,
    trustProxy: false,
    keepAliveTimeout: SERVER_LIMITS.keepAliveTimeout,
    requestTimeout: SERVER_LIMITS.requestTimeout,
    // Errors the router raises before any handler (a path parameter over maxParamLength, a malformed
    // %-escape) get the same error body as everything else.
    frameworkErrors: (err: Error & { statusCode?: number }, _req: unknown, reply: { status(n: number): { send(b: unknown): void } }) => {
      const status = err.statusCode && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 400;
      reply.status(status).send({ v: PROTOCOL_VERSION, code: 'E_BAD_REQUEST', message: status === 414 ? 'a path parameter is too long' : 'the request URL is malformed' });
    },
  } as FastifyServerOptions) as unknown as FastifyInstance;

  // All sockets of this process, stream sessions included: beyond the stream's own limit, room for the
  // dashboard and API; past that, new connections are closed at once instead of exhausting descriptors.
  app.server.maxConnections = deps.config.maxConnections + 1024;

  // Session-ticket keys follow the UTC day (the same on every collector sharing the data directory).
  if (deps.https) {
    const key = deps.https.key;
    const server = app.server as unknown as { setTicketKeys(keys: Buffer): void };
    const rekey = setInterval(() => server.setTicketKeys(ticketKeysFor(key, now())), 60_000);
    rekey.unref();
    app.addHook('onClose', async () => clearInterval(rekey));
  }

  // Node's headersTimeout starts with the first request byte on a TLS connection: one that completes the
  // handshake and then sends nothing would stay open. It gets the same bound.
  app.server.on('secureConnection', (socket: TLSSocket) => {
    const timer = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy();
    }, SERVER_LIMITS.http.headersTimeout);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  });

  // One error handler: codes for everything; 5xx bodies stay generic and details go to the log.
  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    if (err instanceof VigilError) {
      if (err.status >= 500) {
        // Server-side failures (database, configuration, corrupt evidence) keep their code, but the
        // message can name hosts, files or SQL: it goes to the log only.
        req.log.error({ err }, 'request failed');
        return reply.status(err.status).send({ v: PROTOCOL_VERSION, code: err.code, message: ERRORS[err.code].text });
      }
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
  // Every answer, API included: browsers must not sniff a JSON or octet-stream body into HTML.
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    return payload;
  });
  app.setNotFoundHandler((_req, reply) => reply.status(404).send({ v: PROTOCOL_VERSION, code: 'E_NOT_FOUND', message: 'no such route' }));

  await app.register(storagePlugin, { db: deps.db, closeOnShutdown: deps.closeDbOnShutdown ?? false });
  // First, so that it sees every route registered after it (the OpenAPI document lists them).
  await app.register(docsPlugin);
  await app.register(controlsPlugin, { service: services.controls });
  await app.register(streamPlugin, {
    ingest: services.ingest,
    now,
    helloTimeoutMs: deps.config.helloTimeoutMs,
    maxClockSkewMs: deps.config.maxClockSkewMs,
    intervalSeconds: deps.config.intervalSeconds,
    window: deps.config.window,
    maxConnections: deps.config.maxConnections,
    maxPendingPerAddress: deps.config.maxPendingPerAddress ?? 256,
    pingIntervalMs: deps.config.pingIntervalMs ?? 30_000,
  });
  await app.register(enrolmentPlugin, { service: services.enrolment, caPem: deps.caPem, ratePerMinute: deps.enrolRatePerMinute ?? 120 });
  await app.register(statusPlugin, { devices: services.devices, version: VIGIL_VERSION, caSha256: deps.caSha256 });
  await app.register(authPlugin, { service: services.auth, users: services.users });
  await app.register(historyPlugin, { history: services.history, controls: services.controls, policy: store });
  await app.register(waiversPlugin, { service: services.waivers });
  await app.register(soaPlugin, { service: services.soa });
  await app.register(exportPlugin, { service: services.exports });
  await app.register(inventoryPlugin, { db: deps.db, now, background: deps.inventoryBackground ?? true, sink: (q, e) => services.alerts.onInventoryEvent(q, e) });
  await app.register(mds2Plugin, { db: deps.db, now });
  await app.register(retentionPlugin, { db: deps.db, service: services.retention, now, intervalMinutes: deps.config.retention ? (deps.config.retention.intervalMinutes ?? 60) : null, background: deps.retentionBackground ?? true });
  await app.register(alertsPlugin, { service: services.alerts, now, background: deps.alertsBackground ?? true, configStore: alertsStore });
  await app.register(usersPlugin, { users: services.users, auth: services.auth, dashboard: services.dashboard });
  await app.register(fleetPlugin, { services, caSha256: deps.caSha256, publicUrl: deps.config.publicUrl ?? null, dataRoot: deps.dataRoot });
  await app.register(dashboardPlugin, { services, policy: store, caSha256: deps.caSha256, publicUrl: deps.config.publicUrl ?? null, version: VIGIL_VERSION, alerts: dashboardAlerts(services.alerts, deps.db, now) });
  return { app, services };
}
