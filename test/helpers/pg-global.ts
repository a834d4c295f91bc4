// Global set-up of the PostgreSQL test project: one real PostgreSQL server for the run (Debian's
// postgresql binaries, started by scripts/pg-cluster.ts); every collector a test starts gets a fresh
// database on it (test/helpers/db.ts).
import type { TestProject } from 'vitest/node';
import { startPgCluster, type PgCluster } from '../../scripts/pg-cluster.js';
import './db.js';

let cluster: PgCluster | null = null;

export async function setup(project: TestProject): Promise<void> {
  cluster = await startPgCluster({ fast: true, settings: { max_connections: 500 } });
  project.provide('pgAdminUrl', cluster.url());
}

export async function teardown(): Promise<void> {
  await cluster?.stop();
}
