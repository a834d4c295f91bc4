// Multi-process collector (`vigil-collector start --workers N`): node:cluster workers share one listening
// port, each a complete collector (TLS, stream, ingest, API) on its own database pool. The primary opens
// no socket and no database: it prepares the data directory once, forks the workers, restarts any that
// crash and stops them all on SIGINT/SIGTERM.
//
// Why: one process cannot hold more than its open-file limit of sockets (20,000 on the reference
// machine), and one event loop uses one core. With PostgreSQL the workers are stateless collectors, the
// same as several collectors behind a load balancer (DESIGN §5). With SQLite they share one file through
// WAL and busy_timeout: it works, but writers queue on the file lock.
import cluster, { type Worker } from 'node:cluster';
import { availableParallelism } from 'node:os';
import { VIGIL_VERSION } from '../protocol/version.js';
import { writeRunInfo } from './config.js';
import { describeDatabase, databaseUrlOf } from './db/open.js';
import { initDataDir, startCollector } from './server.js';

export interface ClusterOptions {
  data: string;
  workers: number;
  host?: string;
  port?: number;
  logger: boolean;
}

/** Worker → primary, once its collector listens. */
interface ListeningMsg {
  vigil: 'listening';
  url: string;
  port: number;
  caSha256: string;
  policyVersion: string;
  exportKeyFingerprint: string;
}

/** A worker that dies sooner than this after its start counts as crash-looping and is restarted later. */
const STABLE_AFTER_MS = 10_000;
const RESTART_DELAY_MAX_MS = 30_000;
const STOP_GRACE_MS = 10_000;

export function defaultWorkers(): number {
  return availableParallelism();
}

/** Runs the primary's or the worker's part, whichever this process is. */
export function runCluster(opts: ClusterOptions): Promise<void> {
  return cluster.isPrimary ? runPrimary(opts) : runWorker(opts);
}

async function runWorker(opts: ClusterOptions): Promise<void> {
  const c = await startCollector(opts.data, { host: opts.host, port: opts.port, logger: opts.logger });
  const msg: ListeningMsg = {
    vigil: 'listening',
    url: c.url,
    port: c.port,
    caSha256: c.caSha256,
    policyVersion: c.policy.current().version,
    exportKeyFingerprint: c.exportKeyFingerprint,
  };
  process.send?.(msg);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await c.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  // Ctrl-C in a terminal reaches every process of the group; the primary decides when workers stop.
  process.on('SIGINT', () => undefined);
  // The primary went away without stopping us (SIGKILL): a worker must not outlive its supervisor.
  process.on('disconnect', () => void stop());
}

async function runPrimary(opts: ClusterOptions): Promise<void> {
  // Once, before any worker: config, TLS material, migrations. Workers then only open what exists.
  const init = await initDataDir(opts.data);
  const onSqlite = databaseUrlOf(init.config) === null;
  console.log(`vigil-collector ${VIGIL_VERSION}: primary ${process.pid} starting ${opts.workers} worker(s) on ${describeDatabase(init.dir, init.config)}`);
  if (onSqlite && opts.workers > 1) {
    console.warn(`warning: ${opts.workers} workers share one SQLite file: it works (WAL, busy_timeout) but writers wait on the file lock; use PostgreSQL (init --database-url) to scale ingest`);
  }

  let stopping = false;
  let announced = false;
  const listening = new Map<number, ListeningMsg>();
  const startedAt = new Map<number, number>();
  let crashes = 0;

  const fork = () => {
    const w = cluster.fork();
    startedAt.set(w.id, Date.now());
    w.on('message', (m: ListeningMsg) => {
      if (m?.vigil !== 'listening') return;
      listening.set(w.id, m);
      if (!announced && listening.size === opts.workers) {
        announced = true;
        console.log(`vigil-collector ${VIGIL_VERSION} listening on ${m.url} (${opts.workers} worker processes, primary pid ${process.pid})`);
        console.log(`CA fingerprint sha256:${m.caSha256}`);
        console.log(`policy ${m.policyVersion}`);
        console.log(`export-signing key sha256:${m.exportKeyFingerprint}`);
      }
      // Each worker writes run.json with its own pid as it starts; the service's pid is the primary's.
      void writeRunInfo(init.dir, { url: m.url, pid: process.pid, startedAt: new Date().toISOString() }).catch((err: Error) =>
        console.error(`cannot write run.json: ${err.message}`),
      );
    });
    return w;
  };

  cluster.on('exit', (w: Worker, code, signal) => {
    listening.delete(w.id);
    const lived = Date.now() - (startedAt.get(w.id) ?? Date.now());
    startedAt.delete(w.id);
    if (stopping) return;
    crashes = lived < STABLE_AFTER_MS ? crashes + 1 : 0;
    const delay = Math.min(RESTART_DELAY_MAX_MS, crashes > 1 ? 500 * 2 ** (crashes - 1) : 0);
    console.error(`worker ${w.process.pid} exited (${signal ?? `code ${code}`}) after ${Math.round(lived / 1000)} s; restarting${delay ? ` in ${delay / 1000} s` : ''}`);
    setTimeout(() => {
      if (!stopping) fork();
    }, delay);
  });

  // Workers accept from the shared socket themselves. In round-robin mode the primary accepts every
  // connection and hands it over by IPC: at thousands of TLS handshakes a second the hand-over lags, the
  // primary piles up accepted sockets (measured: 8,700 open files, handshakes timing out) and would reach
  // its own open-file limit long before the workers reach theirs.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  for (let i = 0; i < opts.workers; i++) fork();

  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`received ${signal}, stopping ${Object.keys(cluster.workers ?? {}).length} worker(s)`);
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => Boolean(w));
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve) => {
            if (w.isDead()) return resolve();
            const timer = setTimeout(() => {
              w.process.kill('SIGKILL');
              resolve();
            }, STOP_GRACE_MS);
            w.once('exit', () => {
              clearTimeout(timer);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
}
