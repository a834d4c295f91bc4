// Disk full, on the agent and on the collector. The data directory sits on a small tmpfs (mount -t tmpfs,
// needs root) that a filler file fills to the last byte; the filler is then removed.
//   agent: its state directory fills: each cycle fails with E_DISK_FULL, the agent keeps running, key,
//     enrolment, chain and spool stay intact (no tmp files hold the space), and it attests again once
//     space returns.
//   collector: its SQLite directory fills: ingest refuses with E_DISK_FULL to the agents (which keep the
//     attestations spooled and back off), the collector does not crash, PRAGMA integrity_check is ok, and
//     ingest resumes when space returns: 0 lost, 0 duplicated.
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { openSqlite } from '../../collector/db/sqlite.js';
import { AGENT_CLI, CollectorProc, OutcomeBuilder, SimAgent, compare, compareWithHead, keyDigestOf, runNode, sha256, sleep, startNode, storedRows, expectNoTamper, tempDir, until, type FaultOutcome } from './harness.js';

export async function mountTmpfs(dir: string, size: string): Promise<() => Promise<void>> {
  await mkdir(dir, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size},mode=0755`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`cannot mount a tmpfs at ${dir} (the disk-full scenarios need root): ${(err as { stderr?: Buffer }).stderr?.toString() ?? (err as Error).message}`);
  }
  return async () => {
    execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
  };
}

/** Writes a filler file until the filesystem has no byte left; returns its size. */
export function fillUp(file: string): number {
  const fd = openSync(file, 'w');
  let total = 0;
  try {
    for (const chunk of [1 << 20, 64 << 10, 4096, 512, 1]) {
      const buf = Buffer.alloc(chunk, 0x5a);
      for (;;) {
        try {
          total += writeSync(fd, buf);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw err;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return total;
}

const TMP = /\.tmp-\d+(\.\d+)?$/;

async function fileHash(file: string): Promise<string> {
  return sha256(await readFile(file));
}

export async function agentDiskFull(opts: { name?: string; fullForMs: number }): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'disk-full-agent', `agent state directory on a 2 MiB tmpfs filled for ${Math.round(opts.fullForMs / 1000)} s`);
  const dir = await tempDir('vigil-fault-dfa-');
  const collector = await CollectorProc.init(join(dir.path, 'collector'));
  const mount = join(dir.path, 'agentfs');
  const unmount = await mountTmpfs(mount, '2m');
  const state = join(mount, 'state');
  const env = { VIGIL_AGENT_MAX_BACKOFF: '2s' };
  try {
    await collector.start();
    const enrolled = await runNode(AGENT_CLI, ['enroll', await collector.token(1), '--state', state]);
    if (enrolled.code !== 0) throw new Error(`enroll failed: ${enrolled.stderr}`);
    const deviceId = /enrolled as (dev_[0-9a-f]{32})/.exec(enrolled.stdout)![1]!;
    const keyHash = await fileHash(join(state, 'key.pem'));
    const enrolmentHash = await fileHash(join(state, 'enrolment.json'));
    const db = await collector.openDb();
    const stored = async () => (await storedRows(db, deviceId)).length;
    const agent = startNode(AGENT_CLI, ['run', '--state', state, '--interval', '1s'], { env });
    try {
      await until(async () => (await stored()) >= 2, 60_000, 'two attestations before the disk fills');
      const filler = join(mount, 'filler');
      const fillerBytes = fillUp(filler);
      const mark = agent.output().length;
      // Either the entry cannot be written (cycle failed: E_DISK_FULL) or, when acked entries freed a
      // little room, the entry is spooled and chain.json/status.json are not (logged with E_DISK_FULL).
      await agent.waitFor(/E_DISK_FULL[^\n]*/, 30_000, mark);
      const fullSince = Date.now();
      await sleep(opts.fullForMs);
      const diskFullLines = (agent.output().slice(mark).match(/E_DISK_FULL/g) ?? []).length;
      out.expect(agent.alive(), 'the agent exited while its disk was full');
      out.expect(!/E_STATE_CORRUPT|Error: ENOSPC|Unhandled/.test(agent.output().slice(mark)), `unclear or fatal errors while the disk was full:\n${agent.output().slice(mark).slice(-1500)}`);
      const names = [...(await readdir(state)), ...(await readdir(join(state, 'spool')))];
      out.expect(!names.some((n) => TMP.test(n)), `tmp files hold space while the disk is full: ${names.filter((n) => TMP.test(n)).join(', ')}`);
      const storedWhileFull = await stored();
      await rm(filler);
      const freedAt = Date.now();
      await until(async () => (await stored()) >= storedWhileFull + 2, 60_000, 'attestations after space returned');
      out.details.resumedAfterMs = Date.now() - freedAt;
      out.details.fullForMs = freedAt - fullSince;
      out.details.fillerBytes = fillerBytes;
      out.details.diskFullLogLines = diskFullLines;
      out.details.errorLines = [...new Set([...agent.output().slice(mark).matchAll(/\d{2}Z (.*E_DISK_FULL.*?)(?: \(|: ENOSPC|$)/gm)].map((m) => m[1]))];
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
    }
    const once = await runNode(AGENT_CLI, ['run', '--once', '--state', state, '--timeout', '60s'], { env });
    out.expect(once.code === 0, `run --once after the disk-full episode: ${once.stderr.slice(-800)}`);
    out.expect((await fileHash(join(state, 'key.pem'))) === keyHash, 'the device key changed');
    out.expect((await fileHash(join(state, 'enrolment.json'))) === enrolmentHash, 'enrolment.json changed');
    try {
      out.add(await compareWithHead(db, deviceId, state, await keyDigestOf(state)));
      out.details.tamperEvents = await expectNoTamper(out, db);
    } finally {
      await db.close();
    }
    out.details.spaceMechanism = 'tmpfs size=2m';
    return out.done();
  } finally {
    await collector.kill('SIGKILL');
    await unmount().catch(() => undefined);
    await dir.cleanup();
  }
}

export async function collectorDiskFull(opts: { name?: string; agents: number; intervalMs: number; fullForMs: number }): Promise<FaultOutcome> {
  const out = new OutcomeBuilder(opts.name ?? 'disk-full-collector', `collector SQLite directory on a 32 MiB tmpfs filled for ${Math.round(opts.fullForMs / 1000)} s under ${opts.agents} streaming agents`);
  const dir = await tempDir('vigil-fault-dfc-');
  const mount = join(dir.path, 'collectorfs');
  const unmount = await mountTmpfs(mount, '32m');
  const collector = await CollectorProc.init(join(mount, 'data'));
  const sims: SimAgent[] = [];
  try {
    const proc = await collector.start();
    const enrolment = await collector.token(opts.agents);
    for (let i = 0; i < opts.agents; i++) sims.push(await SimAgent.create(join(dir.path, `sim${i}`), enrolment));
    for (const s of sims) await s.start(opts.intervalMs, { keepaliveMs: 5000, maxBackoffMs: 2000 });
    const db = await collector.openDb();
    const total = async () => (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes'))!.n;
    try {
      await until(async () => (await total()) >= opts.agents * 5, 30_000, 'attestations before the disk fills');
      const filler = join(mount, 'filler');
      const fillerBytes = fillUp(filler);
      const mark = proc.output().length;
      await until(() => sims.some((s) => s.lines.some((l) => /E_DISK_FULL/.test(l))), 30_000, 'an agent told E_DISK_FULL').catch((err: Error) => {
        out.failures.push(`${err.message}; agent log: ${sims[0]!.lines.slice(-5).join(' | ')}`);
      });
      const storedAtFull = await total();
      await sleep(opts.fullForMs);
      const storedWhileFull = (await total()) - storedAtFull;
      out.expect(proc.alive(), `the collector exited while its disk was full:\n${proc.output().slice(mark).slice(-2000)}`);
      const spooledWhileFull = (await Promise.all(sims.map((s) => s.pending()))).reduce((a, b) => a + b, 0);
      out.expect(spooledWhileFull > 0, 'nothing waited in the agents\' spools while the collector disk was full');
      const codes = new Set(sims.flatMap((s) => s.lines.flatMap((l) => /(?:disconnected|connect failed): (E_[A-Z_]+)/.exec(l)?.[1] ?? [])));
      out.expect(!codes.has('E_INTERNAL'), `agents were told E_INTERNAL instead of a storage code (${[...codes].join(', ')})`);
      out.details.codesSeenByAgents = [...codes];
      out.details.storedWhileFull = storedWhileFull;
      out.details.spooledWhileFull = spooledWhileFull;
      out.details.fillerBytes = fillerBytes;
      await rm(filler);
      const freedAt = Date.now();
      await Promise.all(sims.map((s) => s.freeze()));
      await until(async () => (await Promise.all(sims.map((s) => s.pending()))).every((n) => n === 0), 60_000, 'spools drained after space returned').catch((err: Error) => out.failures.push(err.message));
      out.details.drainedAfterMs = Date.now() - freedAt;
      for (const s of sims) await s.stop();
      out.expect(proc.alive(), 'the collector exited after space returned');
      for (const s of sims) out.add(compare(s.deviceId, s.produced, await storedRows(db, s.deviceId), s.key.digest));
      out.details.tamperEvents = await expectNoTamper(out, db);
    } finally {
      await db.close();
    }
    await collector.kill('SIGTERM');
    const check = await openSqlite(join(mount, 'data', 'vigil.sqlite')).catch(() => null);
    if (check) {
      const rows = await check.all<{ integrity_check: string }>('PRAGMA integrity_check');
      out.details.integrityCheck = rows.map((r) => r.integrity_check).join('; ');
      out.expect(out.details.integrityCheck === 'ok', `PRAGMA integrity_check: ${out.details.integrityCheck}`);
      await check.close();
    } else out.failures.push('the database did not open after the collector stopped');
    out.details.spaceMechanism = 'tmpfs size=32m';
    return out.done();
  } finally {
    for (const s of sims) await s.stop().catch(() => undefined);
    await collector.kill('SIGKILL');
    await unmount().catch(() => undefined);
    await dir.cleanup();
  }
}
