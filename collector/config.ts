// The collector's data directory: config.json, the SQLite database, TLS material and run.json (the URL
// of the running instance, so CLI commands on the same machine can print enrolment strings).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile, rename } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { makeParser } from '../protocol/validate.js';
import { VigilError } from '../protocol/errors.js';
import { generatedTlsFiles, type TlsFiles } from './tls.js';

export const CollectorConfig = Type.Object({
  version: Type.Literal(1),
  host: Type.String({ minLength: 1 }),
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  /** URL agents use to reach this collector; derived from host and port when absent. */
  publicUrl: Type.Optional(Type.String({ pattern: '^https?://' })),
  tls: Type.Object({ ca: Type.String(), cert: Type.String(), key: Type.String() }),
  /** Plain HTTP/WS for local development only. Agents refuse it unless told --insecure too. */
  insecureHttp: Type.Boolean(),
  intervalSeconds: Type.Integer({ minimum: 10, maximum: 86_400 }),
  helloTimeoutMs: Type.Integer({ minimum: 100, maximum: 120_000 }),
  maxClockSkewMs: Type.Integer({ minimum: 1000 }),
  /** Oldest collection time accepted (spooled evidence from a long-offline device). */
  maxEvidenceAgeMs: Type.Integer({ minimum: 60_000 }),
  /** Un-acked attestations an agent may have in flight; the collector pauses reading beyond it. */
  window: Type.Integer({ minimum: 1, maximum: 1024 }),
  maxConnections: Type.Integer({ minimum: 1 }),
  /** Stream connections from one address that have not completed the hello yet (a flood from one host). Default 256. */
  maxPendingPerAddress: Type.Optional(Type.Integer({ minimum: 1 })),
  /** The collector pings every stream connection this often and drops one that did not answer the last ping. Default 30 s. */
  pingIntervalMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  /**
   * PostgreSQL for the scale-out path (several collectors on one database); absent = the embedded SQLite
   * file in the data directory. VIGIL_DATABASE_URL overrides the URL, so the password can stay out of
   * config.json.
   */
  /**
   * History retention. Absent: keep everything. Envelopes older than `days` are pruned, except what the
   * audit window, a running export or a device's current state still needs (collector/retention/).
   */
  retention: Type.Optional(
    Type.Object({
      days: Type.Integer({ minimum: 1 }),
      /** The period auditors review; retention never reaches into it (days must be at least this). */
      auditWindowDays: Type.Integer({ minimum: 1 }),
      /** How often the prune job runs (one collector at a time). */
      intervalMinutes: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_080 })),
    }),
  ),
  database: Type.Optional(
    Type.Object({
      url: Type.String({ pattern: '^postgres(ql)?://' }),
      poolSize: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
    }),
  ),
});
export type CollectorConfig = Static<typeof CollectorConfig>;

const parseSchema = makeParser(CollectorConfig, 'E_CONFIG', 'collector config.json');

function parseConfig(raw: unknown): CollectorConfig {
  const c = parseSchema(raw);
  if (c.retention && c.retention.days < c.retention.auditWindowDays) {
    throw new VigilError('E_CONFIG', `collector config.json: retention.days (${c.retention.days}) is shorter than retention.auditWindowDays (${c.retention.auditWindowDays}): pruning would remove evidence auditors review`);
  }
  return c;
}

export function defaultConfig(dataDir: string): CollectorConfig {
  return {
    version: 1,
    host: '0.0.0.0',
    port: 8443,
    tls: generatedTlsFiles(dataDir),
    insecureHttp: false,
    intervalSeconds: 300,
    helloTimeoutMs: 10_000,
    maxClockSkewMs: 5 * 60_000,
    maxEvidenceAgeMs: 30 * 86_400_000,
    window: 16,
    maxConnections: 60_000,
  };
}

export interface DataDir {
  root: string;
  configFile: string;
  dbFile: string;
  runFile: string;
}

export function dataDir(dir: string): DataDir {
  const root = resolve(dir);
  return { root, configFile: join(root, 'config.json'), dbFile: join(root, 'vigil.sqlite'), runFile: join(root, 'run.json') };
}

async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n', { mode: 0o600 });
  await rename(tmp, file);
}

export async function loadConfig(d: DataDir): Promise<CollectorConfig> {
  if (!existsSync(d.configFile)) throw new VigilError('E_CONFIG', `${d.configFile} does not exist: run "vigil-collector init --data ${d.root}" first`);
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(d.configFile, 'utf8'));
  } catch (err) {
    throw new VigilError('E_CONFIG', `${d.configFile} is not valid JSON: ${(err as Error).message}`);
  }
  return parseConfig(raw);
}

/** Create the data directory and its config if missing; returns the (existing or new) config. */
export async function ensureDataDir(d: DataDir, overrides: Partial<CollectorConfig> = {}): Promise<{ config: CollectorConfig; created: boolean }> {
  await mkdir(join(d.root, 'tls'), { recursive: true, mode: 0o700 });
  if (existsSync(d.configFile)) return { config: await loadConfig(d), created: false };
  const config = parseConfig({ ...defaultConfig(d.root), ...overrides });
  await writeJsonAtomic(d.configFile, config);
  return { config, created: true };
}

export async function saveConfig(d: DataDir, config: CollectorConfig): Promise<void> {
  await writeJsonAtomic(d.configFile, parseConfig(config));
}

export function publicUrlOf(config: CollectorConfig, port: number): string {
  if (config.publicUrl) return config.publicUrl;
  const scheme = config.insecureHttp ? 'http' : 'https';
  const wildcard = config.host === '0.0.0.0' || config.host === '::';
  const host = wildcard ? hostname() : config.host;
  return `${scheme}://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

export interface RunInfo {
  url: string;
  pid: number;
  startedAt: string;
}

export async function writeRunInfo(d: DataDir, info: RunInfo): Promise<void> {
  await writeJsonAtomic(d.runFile, info);
}

export async function readRunInfo(d: DataDir): Promise<RunInfo | null> {
  try {
    return JSON.parse(await readFile(d.runFile, 'utf8')) as RunInfo;
  } catch {
    return null;
  }
}

export function tlsFilesOf(config: CollectorConfig): TlsFiles {
  return config.tls;
}
