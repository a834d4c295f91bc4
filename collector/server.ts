// Starts a collector from a data directory: config, TLS material (created on first start unless the
// operator supplied PEM files), SQLite database, then HTTPS + WSS on host:port.
import { existsSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { VIGIL_VERSION } from '../protocol/version.js';
import { buildApp, type CollectorServices } from './app.js';
import { dataDir, ensureDataDir, publicUrlOf, writeRunInfo, type CollectorConfig, type DataDir } from './config.js';
import { openDatabase } from './db/open.js';
import type { Db } from './db/types.js';
import { createTlsMaterial, defaultServerNames, generatedTlsFiles, loadTlsMaterial, writeTlsMaterial, type TlsMaterial } from './tls.js';
import { join } from 'node:path';
import { ensureExportKey, loadExportKey } from './export/signing-key.js';
import { POLICY_FILE, PolicyStore, ensurePolicyFile } from './policy/store.js';

/** Pending connections the kernel queues for accept (capped by net.core.somaxconn, 4096 on current kernels). */
export const LISTEN_BACKLOG = 4096;

export interface InitResult {
  dir: DataDir;
  config: CollectorConfig;
  tls: TlsMaterial;
  createdConfig: boolean;
  createdTls: boolean;
  createdPolicy: boolean;
  createdExportKey: boolean;
  /** sha256 of the export-signing public key (SPKI DER). */
  exportKeyFingerprint: string;
  policyFile: string;
}

/** Idempotent: creates what is missing, reuses what exists. */
export async function initDataDir(path: string, overrides: Partial<CollectorConfig> = {}): Promise<InitResult> {
  const dir = dataDir(path);
  const { config, created } = await ensureDataDir(dir, overrides);
  const generated = generatedTlsFiles(dir.root);
  const usesGenerated = config.tls.ca === generated.ca && config.tls.cert === generated.cert && config.tls.key === generated.key;
  let createdTls = false;
  if (usesGenerated && !existsSync(generated.ca)) {
    await writeTlsMaterial(generated, createTlsMaterial(defaultServerNames([config.host])));
    createdTls = true;
  }
  const tls = await loadTlsMaterial(config.tls);
  const policyFile = join(dir.root, POLICY_FILE);
  const createdPolicy = await ensurePolicyFile(policyFile);
  const createdExportKey = await ensureExportKey(dir.root);
  const exportKey = await loadExportKey(dir.root);
  const db = await openDatabase(dir, config);
  await db.close();
  return { dir, config, tls, createdConfig: created, createdTls, createdPolicy, createdExportKey, exportKeyFingerprint: exportKey.fingerprint, policyFile };
}

export interface RunningCollector {
  app: FastifyInstance;
  services: CollectorServices;
  db: Db;
  url: string;
  port: number;
  caSha256: string;
  caPem: string;
  policy: PolicyStore;
  exportKeyFingerprint: string;
  close(): Promise<void>;
}

export async function startCollector(
  path: string,
  opts: { host?: string; port?: number; logger?: boolean; policyPollMs?: number } = {},
): Promise<RunningCollector> {
  const init = await initDataDir(path);
  const config = { ...init.config, ...(opts.host ? { host: opts.host } : {}), ...(opts.port !== undefined ? { port: opts.port } : {}) };
  const db = await openDatabase(init.dir, config);
  const policy = await PolicyStore.open(init.policyFile, db).catch(async (err: unknown) => {
    await db.close();
    throw err;
  });
  policy.watch(opts.policyPollMs);
  const { app, services } = await buildApp({
    db,
    config,
    dataRoot: init.dir.root,
    policyStore: policy,
    caPem: init.tls.caPem,
    caSha256: init.tls.caSha256,
    https: config.insecureHttp ? null : { cert: init.tls.certPem, key: init.tls.keyPem },
    logger: opts.logger ? { level: 'info' } : false,
    closeDbOnShutdown: true,
  });
  // The policy watcher stops before the database closes (storage closes it on app close).
  app.addHook('onClose', async () => policy.close());
  // A reconnect storm opens thousands of connections within a second; Node's default accept backlog (511)
  // overflows and the kernel drops the handshakes it cannot queue (agents see resets and back off).
  await app.listen({ host: config.host, port: config.port, backlog: LISTEN_BACKLOG });
  const addr = app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : config.port;
  const url = publicUrlOf(config, port);
  await writeRunInfo(init.dir, { url, pid: process.pid, startedAt: new Date().toISOString() });
  return {
    app,
    services,
    db,
    url,
    port,
    caSha256: init.tls.caSha256,
    caPem: init.tls.caPem,
    policy,
    exportKeyFingerprint: init.exportKeyFingerprint,
    close: () => app.close(),
  };
}

export { VIGIL_VERSION };
