// npm run bench:export [-- --devices 10000 --days 30 --envelopes cited|period --level 4 --data DIR --keep --json]
//
// Seeds a collector data directory with a simulated fleet: every device with its own ECDSA P-256 key
// (generated and held in worker threads, as on real devices), one full attestation per device per day,
// each signed for real and chained to the previous one, stored through the collector's own ingest
// (signature verification, evaluation under the policy file, history). Then exports the whole period
// in a fresh process (the real export code, measured alone: wall time and peak RSS from
// process.resourceUsage) and verifies the archive offline with `vigil verify`. Seeding is reported
// separately: it is not part of the export.
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Worker } from 'node:worker_threads';
import { buildServices } from '../collector/app.js';
import { dataDir, loadConfig } from '../collector/config.js';
import { openSqlite } from '../collector/db/sqlite.js';
import { enrolDevicesRepo } from '../collector/enrolment/repo.js';
import { PolicyStore } from '../collector/policy/store.js';
import { initDataDir } from '../collector/server.js';
import { DEFAULT_GZIP_LEVEL } from '../collector/export/tar.js';
import type { DeviceFacts } from '../protocol/messages.js';
import { renderTable } from '../protocol/table.js';
import type { WorkerRequest } from './bench-sign-worker.js';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : def;
};
const json = process.argv.includes('--json');
const DAY = 86_400_000;

interface SeedResult {
  devices: number;
  envelopes: number;
  seconds: number;
  dbBytes: number;
}

async function seed(dataPath: string, devices: number, days: number, startMs: number, log: (s: string) => void): Promise<SeedResult> {
  const t0 = Date.now();
  const init = await initDataDir(dataPath, { host: '127.0.0.1', port: 0 });
  const config = await loadConfig(init.dir);
  const db = await openSqlite(init.dir.dbFile);
  let clock = new Date(startMs);
  const policy = await PolicyStore.open(init.policyFile, db, { now: () => clock });
  const services = buildServices(db, config, { dataRoot: init.dir.root, now: () => clock, policy: () => policy.current().policy });

  const workers = Math.max(1, Math.min(availableParallelism(), 8));
  const pool = Array.from({ length: workers }, () => new Worker(join(here, 'bench-sign-worker.js')));
  const ask = <T>(w: Worker, msg: WorkerRequest) =>
    new Promise<T>((res, rej) => {
      const onError = (err: Error) => rej(err);
      w.once('error', onError);
      w.once('message', (m: T) => {
        w.off('error', onError);
        res(m);
      });
      w.postMessage(msg);
    });
  const roleOf = (i: number) => (i % 50 === 0 ? 'server' : i % 20 === 0 ? 'gateway' : 'workstation');
  const slices = pool.map((_, w) => Array.from({ length: devices }, (_, i) => i).filter((i) => i % workers === w));
  const keyMsgs = await Promise.all(
    pool.map((w, k) => ask<{ keys: { index: number; publicKeyPem: string; digest: string; facts: DeviceFacts; role: string }[] }>(w, { type: 'init', indexes: slices[k]!, roles: slices[k]!.map(roleOf) })),
  );
  const ids = new Map<number, string>();
  const enrolledAt = new Date(startMs - DAY).toISOString();
  await db.tx(async (q) => {
    await q.run("INSERT INTO enrolment_tokens (id, secret_sha256, role, site, created_at, expires_at, max_uses, uses) VALUES ('tok_bench000000000000', ?, 'workstation', NULL, ?, ?, ?, 0)", [
      '0'.repeat(64), enrolledAt, new Date(startMs + 60 * DAY).toISOString(), devices,
    ]);
    for (const m of keyMsgs) {
      for (const k of m.keys) {
        const id = `dev_${randomBytes(16).toString('hex')}`;
        ids.set(k.index, id);
        await enrolDevicesRepo.insert(q, {
          id, publicKeyPem: k.publicKeyPem, keyDigest: k.digest, role: k.role, site: 'main-campus', hostname: k.facts.hostname, osPlatform: k.facts.os.platform,
          osName: k.facts.os.name, osVersion: k.facts.os.version, arch: k.facts.arch, serial: k.facts.serial ?? null, model: k.facts.model ?? null,
          agentVersion: '0.1.0', tokenId: 'tok_bench000000000000', enrolledAt,
        });
      }
    }
  });
  log(`seed: ${devices} devices with their own keys (${((Date.now() - t0) / 1000).toFixed(1)} s)`);

  // Some operator activity in the period: waivers and SoA decisions, as a real export would carry.
  clock = new Date(startMs);
  await services.waivers.create({ checkId: 'usb_storage', deviceId: ids.get(7)!, reason: 'imaging workstation needs USB export to the PACS archive; port locked in a cabinet', approver: 'CISO J. Doe', expires: 200 * DAY, actor: 'bench' });
  await services.waivers.create({ control: '8.7', deviceId: ids.get(21)!, reason: 'vendor-managed modality: AV not permitted by the manufacturer; network isolated (VLAN 40)', approver: 'CISO J. Doe', expires: 15 * DAY, actor: 'bench' });
  await services.soa.decide({ control: '7.4', applicable: false, justification: 'physical security monitoring is run by the facilities department under the hospital ISMS scope statement', actor: 'bench' });

  let envelopes = 0;
  for (let day = 0; day < days; day++) {
    const dayStart = startMs + day * DAY;
    const batches = await Promise.all(pool.map((w) => ask<{ envelopes: { index: number; seq: number; text: string }[] }>(w, { type: 'day', day, dayStartMs: dayStart })));
    clock = new Date(dayStart + DAY - 60_000);
    const all = batches.flatMap((b) => b.envelopes);
    // Concurrency across devices lets ingest group-commit; each device has one envelope per day.
    for (let i = 0; i < all.length; i += 2000) {
      await Promise.all(
        all.slice(i, i + 2000).map(async (e) => {
          const device = await services.ingest.device(ids.get(e.index)!);
          await services.ingest.ingest(device!, e.seq, e.text, 'bench');
        }),
      );
    }
    envelopes += all.length;
    log(`seed: day ${day + 1}/${days}, ${envelopes} envelopes stored (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  await Promise.all(pool.map((w) => w.terminate()));
  await policy.close();
  await db.close();
  return { devices, envelopes, seconds: (Date.now() - t0) / 1000, dbBytes: statSync(init.dir.dbFile).size };
}

interface ExportResult {
  seconds: number;
  peakRssMb: number;
  devices: number;
  envelopes: number;
  files: number;
  archiveBytes: number;
  uncompressedBytes: number;
}

/** The export alone, in a fresh process: what `vigil-collector export` does. */
async function exportChild(dataPath: string, from: string, to: string, out: string, level: number, envelopes: string): Promise<ExportResult> {
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--child-export', dataPath, from, to, out, String(level), envelopes], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const code = await new Promise<number | null>((res) => child.once('exit', res));
  if (code !== 0) throw new Error(`export child exited ${code}`);
  return JSON.parse(stdout) as ExportResult;
}

async function childExport(): Promise<void> {
  const [dataPath, from, to, out, level, envelopes] = process.argv.slice(3);
  const d = dataDir(dataPath!);
  const db = await openSqlite(d.dbFile);
  const services = buildServices(db, await loadConfig(d), { dataRoot: d.root });
  const t0 = process.hrtime.bigint();
  const file = createWriteStream(out!);
  const summary = await services.exports.export({
    from: from!,
    to: to!,
    out: file,
    archiveName: 'bench.tar.gz',
    actor: 'bench',
    level: Number(level),
    envelopes: envelopes === 'period' ? 'period' : 'cited',
    progressEvery: 2000,
    onProgress: (p) => process.stderr.write(`export: ${p.devices}/${p.totalDevices} devices, ${p.envelopes} envelopes, ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(1)} s\n`),
  });
  await new Promise<void>((res) => (file.closed ? res() : file.once('close', () => res())));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  await db.close();
  const result: ExportResult = {
    seconds,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    devices: summary.devices,
    envelopes: summary.envelopes,
    files: summary.files,
    archiveBytes: statSync(out!).size,
    uncompressedBytes: summary.uncompressedBytes,
  };
  process.stdout.write(JSON.stringify(result));
}

async function main(): Promise<void> {
  if (process.argv[2] === '--child-export') return childExport();
  const devices = Number(arg('--devices', '10000'));
  const days = Number(arg('--days', '30'));
  const level = Number(arg('--level', String(DEFAULT_GZIP_LEVEL)));
  const envelopes = arg('--envelopes', 'cited');
  if (envelopes !== 'cited' && envelopes !== 'period') throw new Error('--envelopes is cited or period');
  const keep = process.argv.includes('--keep');
  const log = (s: string) => (json ? process.stderr.write(`${s}\n`) : console.error(s));
  const given = process.argv.indexOf('--data') > 0 ? resolve(arg('--data', '')) : null;
  const base = given ?? (await mkdtemp(join(tmpdir(), 'vigil-bench-export-')));
  const dataPath = join(base, 'collector');
  // Midnight UTC, `days` days ago: the period ends before now, so every attestation is in the past.
  const startMs = Math.floor(Date.now() / DAY) * DAY - days * DAY;
  try {
    let seeded: SeedResult | null = null;
    if (!existsSync(join(dataPath, 'vigil.sqlite'))) seeded = await seed(dataPath, devices, days, startMs, log);
    else log(`seed: reusing ${dataPath}`);
    const from = new Date(startMs).toISOString();
    const to = new Date(startMs + days * DAY - 1).toISOString();
    const out = join(base, 'export.tar.gz');
    log(`export: ${from} to ${to}, envelopes ${envelopes}, gzip level ${level}`);
    const exp = await exportChild(dataPath, from, to, out, level, envelopes);
    const verifyCli = join(root, 'collector', 'verify-cli.js');
    const v0 = Date.now();
    const verified = await run(process.execPath, [verifyCli, 'verify', out, '--json'], { maxBuffer: 1024 * 1024 * 1024 }).then(
      (r) => JSON.parse(r.stdout) as { ok: boolean; envelopes: number },
      (err: { stdout?: string }) => JSON.parse(err.stdout ?? '{"ok":false,"envelopes":0}') as { ok: boolean; envelopes: number },
    );
    const verifySeconds = (Date.now() - v0) / 1000;
    const result = {
      devices: exp.devices,
      checksPerAttestation: 13,
      days,
      envelopeSelection: envelopes,
      envelopesExported: exp.envelopes,
      files: exp.files,
      archiveBytes: exp.archiveBytes,
      uncompressedBytes: exp.uncompressedBytes,
      exportSeconds: Number(exp.seconds.toFixed(2)),
      exportPeakRssMb: Number(exp.peakRssMb.toFixed(1)),
      gzipLevel: level,
      verifySeconds: Number(verifySeconds.toFixed(2)),
      verified: verified.ok,
      seedSeconds: seeded ? Number(seeded.seconds.toFixed(1)) : null,
      seedDbBytes: seeded?.dbBytes ?? null,
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(
        renderTable(
          ['FIGURE', 'VALUE'],
          [
            ['devices × checks × days', `${result.devices} × 13 × ${days}`],
            ['envelopes exported', `${result.envelopesExported} (${envelopes === 'cited' ? 'those the results cite' : 'every one of the period'})`],
            ['files in archive', result.files],
            ['archive', `${(result.archiveBytes / 1e6).toFixed(1)} MB (${(result.uncompressedBytes / 1e6).toFixed(0)} MB uncompressed, gzip ${level})`],
            ['export wall time', `${result.exportSeconds} s`],
            ['export peak RSS', `${result.exportPeakRssMb} MB`],
            ['vigil verify', `${result.verifySeconds} s, ${result.verified ? 'VERIFIED' : 'NOT VERIFIED'}`],
            ['seeding (not part of the export)', seeded ? `${result.seedSeconds} s, database ${(seeded.dbBytes / 1e6).toFixed(0)} MB` : 'reused'],
          ],
        ),
      );
    }
  } finally {
    if (!keep && !given) await rm(base, { recursive: true, force: true });
    else log(`kept ${base}`);
  }
}

main().catch((err: Error) => {
  console.error(err.stack ?? err.message);
  process.exit(1);
});
