// A throwaway PostgreSQL server for tests and benchmarks: initdb into a temporary directory, postgres on a
// free loopback port, trust authentication for loopback only. Uses the server binaries of Debian's
// postgresql package (/usr/lib/postgresql/<version>/bin) or whatever is on PATH. As root, the server runs
// as the `postgres` user (PostgreSQL refuses to run as root).
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, chmodSync, chownSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { freePort } from './free-port.js';

export interface PgCluster {
  /** postgres://vigil@127.0.0.1:PORT/DB */
  url(db?: string): string;
  /** Creates an empty database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  port: number;
  pid: number;
  stop(): Promise<void>;
  /**
   * Stops the server with SIGINT (fast shutdown: clients are disconnected) and starts it again on the same
   * data directory and port; resolves when it accepts connections again. For fault tests.
   */
  restart(opts?: { downMs?: number }): Promise<void>;
}

export function pgBinDir(): string {
  const base = '/usr/lib/postgresql';
  if (existsSync(base)) {
    const versions = readdirSync(base).filter((v) => existsSync(join(base, v, 'bin', 'postgres'))).sort((a, b) => Number(b) - Number(a));
    if (versions.length) return join(base, versions[0]!, 'bin');
  }
  try {
    const p = execFileSync('sh', ['-c', 'command -v postgres'], { encoding: 'utf8' }).trim();
    if (p) return p.replace(/\/postgres$/, '');
  } catch {
    /* not on PATH */
  }
  throw new Error('PostgreSQL server binaries not found: install Debian\'s postgresql package (apt-get install postgresql)');
}


export interface PgClusterOptions {
  /** Extra server settings (-c name=value). */
  settings?: Record<string, string | number>;
  /** Turn off fsync for test speed; benchmarks keep the durable default. */
  fast?: boolean;
}

export async function startPgCluster(opts: PgClusterOptions = {}): Promise<PgCluster> {
  const bin = pgBinDir();
  const root = await mkdtemp(join(tmpdir(), 'vigil-pg-'));
  const data = join(root, 'data');
  // As root, the server and initdb run with the postgres account's uid/gid (spawned directly, not through
  // su/runuser, so signals reach postgres itself).
  let as: { uid: number; gid: number; env: NodeJS.ProcessEnv } | object = {};
  if (userInfo().uid === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(root, uid, gid);
    chmodSync(root, 0o700);
    as = { uid, gid, env: { ...process.env, HOME: root, USER: 'postgres', LOGNAME: 'postgres' } };
  }
  execFileSync(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'vigil', '-E', 'UTF8', '--no-sync', '--locale=C'], { stdio: 'pipe', cwd: root, ...as });
  const port = await freePort();
  const settings: Record<string, string | number> = {
    listen_addresses: '127.0.0.1',
    port,
    unix_socket_directories: root,
    max_connections: 300,
    shared_buffers: '256MB',
    ...(opts.fast ? { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' } : {}),
    ...opts.settings,
  };
  const args = ['-D', data, ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
  let stderr = '';
  const launch = (): ChildProcess => {
    const c = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], cwd: root, ...as });
    c.stderr?.on('data', (d) => {
      if (stderr.length < 20_000) stderr += d;
    });
    return c;
  };
  let child = launch();
  const url = (db = 'postgres') => `postgres://vigil@127.0.0.1:${port}/${db}`;
  const ready = async () => {
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`postgres exited: ${stderr}`);
      const c = new pg.Client({ connectionString: url() });
      try {
        await c.connect();
        await c.end();
        break;
      } catch {
        await c.end().catch(() => undefined);
        if (Date.now() > deadline) throw new Error(`postgres did not start within 30 s: ${stderr}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  };
  await ready();
  let stopped = false;
  return {
    port,
    get pid() {
      return child.pid!;
    },
    url,
    async createDatabase(name: string) {
      if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`bad database name ${name}`);
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE ${name}`);
      } finally {
        await c.end();
      }
      return url(name);
    },
    async restart(opts: { downMs?: number } = {}) {
      if (stopped) throw new Error('the cluster was stopped');
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT');
        await exited;
      }
      if (opts.downMs) await new Promise((r) => setTimeout(r, opts.downMs));
      child = launch();
      await ready();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        // SIGINT: fast shutdown (disconnect clients, then stop).
        child.kill('SIGINT');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
        if (child.exitCode === null) child.kill('SIGKILL');
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}
