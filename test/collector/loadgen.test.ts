// The load generator as the benchmark uses it: a separate process of simulated agents against a real
// collector process. Every attestation is acked and stored exactly once, across a collector crash too.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDir } from '../../collector/config.js';
import { openDatabase } from '../../collector/db/open.js';
import type { Db } from '../../collector/db/types.js';
import type { LoadgenSummary } from '../../scripts/loadgen.js';
import { tempDir } from '../helpers/collector.js';
import { dbInitArgs } from '../helpers/db.js';
import { COLLECTOR_CLI, cli, freePort, start, until, type Child } from '../helpers/processes.js';

const LOADGEN = fileURLToPath(new URL('../../dist/scripts/loadgen.js', import.meta.url));
const AGENTS = 20;

let dir: { path: string; cleanup(): Promise<void> };
let data: string;
let collector: Child;
let db: Db;

async function startCollector(): Promise<Child> {
  const c = start(COLLECTOR_CLI, ['start', '--data', data]);
  await c.waitFor(/listening on https:\/\/127\.0\.0\.1:\d+/);
  return c;
}

async function stored(): Promise<{ rows: number; hashes: number; devices: number }> {
  const r = await db.get<{ rows: number; hashes: number; devices: number }>('SELECT COUNT(*) AS rows, COUNT(DISTINCT sha256) AS hashes, COUNT(DISTINCT device_id) AS devices FROM envelopes');
  return { rows: Number(r!.rows), hashes: Number(r!.hashes), devices: Number(r!.devices) };
}

async function lastSeqs(): Promise<number[]> {
  return (await db.all<{ last_seq: number }>('SELECT last_seq FROM devices ORDER BY id')).map((r) => Number(r.last_seq));
}

function loadgen(args: string[]): Child & { summary(): Promise<LoadgenSummary> } {
  const child = start(LOADGEN, ['--data', data, '--agents', String(AGENTS), '--state', join(dir.path, 'agents.json'), '--until-drained', '--json', ...args]);
  return Object.assign(child, {
    async summary() {
      const code = await child.exited;
      expect(code, child.output()).toBe(0);
      const line = child.output().split('\n').find((l) => l.startsWith('{'));
      return JSON.parse(line!) as LoadgenSummary;
    },
  });
}

beforeAll(async () => {
  dir = await tempDir('vigil-loadgen-');
  data = join(dir.path, 'collector');
  const init = await cli(COLLECTOR_CLI, ['init', '--data', data, '--host', '127.0.0.1', '--port', String(await freePort()), ...(await dbInitArgs())]);
  expect(init.code, init.stderr).toBe(0);
  collector = await startCollector();
  db = await openDatabase(dataDir(data));
}, 60_000);

afterAll(async () => {
  await db?.close();
  collector?.proc.kill('SIGTERM');
  await collector?.exited;
  await dir?.cleanup();
});

describe('loadgen', () => {
  it('enrols its agents with a token made through the CLI and gets every spooled attestation acked once', async () => {
    const s = await loadgen(['--spool', '5']).summary();
    expect(s).toMatchObject({ agents: AGENTS, enrolled: AGENTS, welcomed: AGENTS, spooled: AGENTS * 5, acked: AGENTS * 5, duplicates: 0, lost: 0, pending: 0, resent: 0 });
    expect(s.errors).toEqual({});
    expect(s.ackP99Ms).toBeGreaterThan(0);
    // Its own event-loop stalls are reported, so a run can tell a saturated simulator from a slow collector.
    expect(Number.isFinite(s.loadgenLagMaxMs) && s.loadgenLagMaxMs >= 0).toBe(true);
    expect(await stored()).toMatchObject({ rows: AGENTS * 5, hashes: AGENTS * 5, devices: AGENTS });
    expect(await lastSeqs()).toEqual(Array(AGENTS).fill(5));
  }, 60_000);

  it('resumes from the state file across a collector crash: nothing lost, nothing stored twice', async () => {
    const spool = 40;
    const run = loadgen(['--spool', String(spool)]);
    // Crash the collector mid-stream (SIGKILL: no goodbye to anyone), then start it again on the same port.
    await until(async () => (await stored()).rows > AGENTS * 5 + 50, 40_000, 'the second run to be half-way');
    collector.proc.kill('SIGKILL');
    await collector.exited;
    collector = await startCollector();
    const s = await run.summary();
    expect(s.enrolled).toBe(0);
    expect(s.lost).toBe(0);
    expect(s.pending).toBe(0);
    expect(s.sessions).toBeGreaterThan(AGENTS);
    // Each attestation acked once: directly, or confirmed by the welcome after the crash ate its ack.
    expect(s.acked + s.confirmedByWelcome).toBe(AGENTS * spool);
    expect(await stored()).toMatchObject({ rows: AGENTS * (5 + spool), hashes: AGENTS * (5 + spool), devices: AGENTS });
    expect(await lastSeqs()).toEqual(Array(AGENTS).fill(5 + spool));
  }, 90_000);
});
