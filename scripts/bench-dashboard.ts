// npm run bench:dashboard [-- --devices 10000 --days 90 --runs 10 --data DIR --keep --json]
//
// Server time of every dashboard page on a real SQLite database holding a fleet with history: each
// device one full evaluation per day (13 checks) for the period, status changes, current state, tamper
// events and an audit log. The rows are generated inside SQLite (the page code only reads them; the
// envelopes hold placeholder bytes, signing and ingest have their own benchmarks). Each page is
// requested through the collector's app (fastify inject, session cookie as a browser sends it); the
// time reported is fastify's own measure from request to response sent. The first overview computes the
// daily trend once and stores it; it is reported on its own line.
import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { buildApp } from '../collector/app.js';
import { dataDir, loadConfig } from '../collector/config.js';
import { openSqlite } from '../collector/db/sqlite.js';
import type { Db } from '../collector/db/types.js';
import { initDataDir } from '../collector/server.js';
import { CHECK_IDS } from '../protocol/checks/index.js';
import { renderTable } from '../protocol/table.js';

const arg = (name: string, def: string) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1]! : def;
};
const json = process.argv.includes('--json');
const log = (s: string) => process.stderr.write(`${s}\n`);
const DAY = 86_400_000;
const TARGET_MS = 200;

/** Generates the fleet inside SQLite: one statement per table, rows in primary-key order. */
async function seed(db: Db, devices: number, days: number, endMs: number): Promise<void> {
  const start = new Date(endMs - days * DAY).toISOString();
  const checks = CHECK_IDS.map((id, i) => `SELECT ${i} AS ck, '${id}' AS check_id`).join(' UNION ALL ');
  // Status of device n, check ck on day d: constant over 30-day blocks, about 6 % fail and 3 % unknown.
  const status = (d: string) => `CASE WHEN ((n * 7 + ck * 13 + (${d} / 30) * 11) % 17) = 0 THEN 'fail' WHEN ((n * 5 + ck * 3 + (${d} / 30) * 7) % 31) = 0 THEN 'unknown' ELSE 'pass' END`;
  const at = (d: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', '${start}', '+' || (${d}) || ' days', '+' || (n % 1440) || ' minutes')`;
  const facts = `'{"backends":[{"name":"nftables","active":true,"inboundDefault":"deny"}],"note":"bench device ' || n || '"}'`;
  await db.tx(async (q) => {
    await q.run(`CREATE TEMP TABLE bench_n AS WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ${devices}) SELECT n FROM c`);
    await q.run(`CREATE TEMP TABLE bench_d AS WITH RECURSIVE c(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM c WHERE d < ${days - 1}) SELECT d FROM c`);
    await q.run(`CREATE TEMP TABLE bench_ck AS ${checks}`);
    await q.run(
      `INSERT INTO enrolment_tokens (id, secret_sha256, role, site, created_at, expires_at, max_uses, uses) VALUES ('tok_bench000000000000', ?, 'workstation', NULL, ?, ?, ?, ?)`,
      ['0'.repeat(64), start, new Date(endMs + 30 * DAY).toISOString(), devices, devices],
    );
    await q.run(
      `INSERT INTO devices (id, public_key_pem, key_digest, role, site, hostname, os_platform, os_name, os_version, arch, serial, model, agent_version, token_id, enrolled_at, revoked_at, last_seq, last_hash, last_seen_at, last_attested_at)
       SELECT printf('dev_%032x', n), 'bench', printf('%064x', n),
              CASE WHEN n % 50 = 0 THEN 'server' WHEN n % 20 = 0 THEN 'gateway' ELSE 'workstation' END,
              CASE n % 5 WHEN 0 THEN 'main-campus' WHEN 1 THEN 'north-wing' WHEN 2 THEN 'children' WHEN 3 THEN 'oncology' ELSE 'outpatients' END,
              printf('%s-%05d', CASE n % 3 WHEN 0 THEN 'ws' WHEN 1 THEN 'icu' ELSE 'lab' END, n),
              CASE n % 3 WHEN 0 THEN 'win32' WHEN 1 THEN 'linux' ELSE 'darwin' END,
              CASE n % 3 WHEN 0 THEN 'Windows 11 Enterprise' WHEN 1 THEN 'Ubuntu' ELSE 'macOS' END,
              CASE n % 3 WHEN 0 THEN '23H2' WHEN 1 THEN '22.04' ELSE '14.5' END,
              'x64', printf('SN%08d', n), 'bench', '0.1.0', 'tok_bench000000000000', ?,
              CASE WHEN n % 997 = 0 THEN ? END, ${days}, printf('%064x', n), ${at(`${days - 1}`)}, ${at(`${days - 1}`)}
         FROM bench_n`,
      [start, new Date(endMs - 5 * DAY).toISOString()],
    );
    await q.run(
      `INSERT INTO envelopes (device_id, seq, sha256, bytes, collected_at, received_at, policy_version)
       SELECT printf('dev_%032x', n), d + 1, printf('%064x', n * 1000 + d), CAST('{"payloadType":"application/vnd.in-toto+json","payload":"","signatures":[]}' AS BLOB), ${at('d')}, ${at('d')}, 'bench@sha256:0'
         FROM bench_n, bench_d ORDER BY n, d`,
    );
    log('seed: devices and envelopes');
    await q.run(
      `INSERT INTO check_results (device_id, seq, check_id, status, reason, agent_status, agent_reason, facts_json, collected_at)
       SELECT printf('dev_%032x', n), d + 1, check_id, ${status('d')}, CASE WHEN ${status('d')} = 'fail' THEN 'does not meet the policy' END, ${status('d')}, NULL,
              CASE WHEN d = ${days - 1} THEN ${facts} END, ${at('d')}
         FROM bench_n, bench_d, bench_ck ORDER BY n, d, check_id`,
    );
    log('seed: check results');
    await q.run(
      `INSERT INTO check_transitions (device_id, check_id, seq, status, collected_at, prev_status, prev_seq, prev_collected_at)
       SELECT printf('dev_%032x', n), check_id, d + 1, ${status('d')}, ${at('d')},
              CASE WHEN d > 0 THEN ${status('(d - 1)')} END, CASE WHEN d > 0 THEN d END, CASE WHEN d > 0 THEN ${at('(d - 1)')} END
         FROM bench_n, bench_d, bench_ck WHERE d = 0 OR (d % 30 = 0 AND ${status('d')} <> ${status('(d - 1)')})`,
    );
    await q.run(
      `INSERT INTO check_state (device_id, check_id, status, reason, since_seq, since_at, last_seq, last_at, first_failed_seq, first_failed_at, last_passed_seq, last_passed_at)
       SELECT t.device_id, t.check_id, t.status, CASE WHEN t.status = 'fail' THEN 'does not meet the policy' END, t.seq, t.collected_at, ${days}, d.last_attested_at,
              CASE WHEN t.status = 'fail' THEN t.seq END, CASE WHEN t.status = 'fail' THEN t.collected_at END,
              CASE WHEN t.status = 'pass' THEN ${days} ELSE t.prev_seq END, CASE WHEN t.status = 'pass' THEN d.last_attested_at ELSE t.prev_collected_at END
         FROM check_transitions t JOIN devices d ON d.id = t.device_id
        WHERE t.seq = (SELECT MAX(t2.seq) FROM check_transitions t2 WHERE t2.device_id = t.device_id AND t2.check_id = t.check_id)`,
    );
    log('seed: history and current state');
    await q.run(
      `INSERT INTO tamper_events (at, device_id, code, seq, bytes_sha256, remote, detail)
       SELECT ${at('(n % ' + days + ')')}, printf('dev_%032x', n), CASE n % 3 WHEN 0 THEN 'E_BAD_SIGNATURE' WHEN 1 THEN 'E_CHAIN_BREAK' ELSE 'E_SEQ_CONFLICT' END, 5, NULL, '10.0.0.1', 'bench'
         FROM bench_n WHERE n % 40 = 0`,
    );
    await q.run(
      `INSERT INTO audit_log (at, actor, action, subject, detail)
       SELECT ${at('(n % ' + days + ')')}, 'user:bench', CASE n % 2 WHEN 0 THEN 'waiver.create' ELSE 'token.create' END, printf('dev_%032x', n), '{"bench":true}' FROM bench_n WHERE n <= 5000`,
    );
  });
  await db.run('ANALYZE');
}

interface Row {
  page: string;
  url: string;
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  bytes: number;
}

async function main(): Promise<void> {
  const devices = Number(arg('--devices', '10000'));
  const days = Number(arg('--days', '90'));
  const runs = Number(arg('--runs', '10'));
  const given = process.argv.includes('--data') ? resolve(arg('--data', '')) : null;
  const root = given ?? (await mkdtemp(join(tmpdir(), 'vigil-bench-dashboard-')));
  const keep = process.argv.includes('--keep') || given !== null;
  const endMs = Date.now();
  const dir = dataDir(root);
  const seeded = existsSync(dir.dbFile);
  const init = await initDataDir(root, { host: '127.0.0.1', port: 0 });
  const db = await openSqlite(dir.dbFile);
  let seedSeconds = 0;
  try {
    if (!seeded || (await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM devices'))!.n === 0) {
      const t0 = Date.now();
      log(`seed: ${devices} devices x ${days} days into ${dir.dbFile}`);
      await seed(db, devices, days, endMs);
      seedSeconds = (Date.now() - t0) / 1000;
      log(`seed: done in ${seedSeconds.toFixed(1)} s`);
    } else log(`using the fleet already in ${dir.dbFile}`);
    const fleet = (await db.get<{ devices: number; envelopes: number; results: number }>(
      'SELECT (SELECT COUNT(*) FROM devices) AS devices, (SELECT COUNT(*) FROM envelopes) AS envelopes, (SELECT COUNT(*) FROM check_results) AS results',
    ))!;
    await db.run('DELETE FROM fleet_trend_daily');

    const config = await loadConfig(dir);
    const { app, services } = await buildApp({ db, config, dataRoot: init.dir.root, caPem: init.tls.caPem, caSha256: init.tls.caSha256, alertsBackground: false });
    let last = 0;
    app.addHook('onResponse', async (_req, reply) => {
      last = reply.elapsedTime;
    });
    await app.ready();
    if (!(await services.users.list()).some((u) => u.username === 'bench')) await services.users.create({ username: 'bench', role: 'admin', password: 'bench password 123', actor: 'bench' });
    const loginRes = await app.inject({ method: 'POST', url: '/api/v1/session', payload: { username: 'bench', password: 'bench password 123' } });
    const cookie = String(loginRes.headers['set-cookie']).split(';')[0]!;
    const get = async (url: string) => {
      const r = await app.inject({ method: 'GET', url, headers: { cookie } });
      if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 300)}`);
      return { ms: last, bytes: r.rawPayload.length, body: r.body };
    };

    const first = await get('/');
    const firstOverviewMs = first.ms;
    const someDevice = (await db.get<{ id: string }>("SELECT id FROM devices WHERE hostname = 'icu-04999'"))?.id ?? (await db.get<{ id: string }>('SELECT id FROM devices LIMIT 1'))!.id;
    // A cursor 40 pages deep (2,000 devices in) for the "later page" row.
    let deep = '';
    let deepPage = 1;
    for (let i = 0; i < 40; i++) {
      const r = JSON.parse((await app.inject({ method: 'GET', url: `/api/v1/devices?limit=50${deep ? `&cursor=${deep}` : ''}`, headers: { cookie } })).body) as { next: string | null };
      if (!r.next) break;
      deep = r.next;
      deepPage++;
    }
    const pages: [string, string][] = [
      ['Overview', '/'],
      ['Devices (first page)', '/devices'],
      [`Devices, page ${deepPage} (cursor)`, `/devices${deep ? `?cursor=${deep}` : ''}`],
      ['Devices: failing firewall', '/devices?status=fail&check=firewall'],
      ['Devices: search', '/devices?q=icu-049'],
      ['Devices: role+site+OS', '/devices?role=gateway&site=north-wing&os=win32'],
      ['Devices: stale', '/devices?status=stale'],
      ['Devices: sort by failing', '/devices?sort=failing&order=desc'],
      ['Devices: sort by last seen', '/devices?sort=last_seen&order=desc'],
      ['Device detail', `/devices/${someDevice}`],
      ['Controls (93)', '/controls'],
      ['Alerts', '/alerts'],
      ['Enrolment', '/enrolment'],
      ['Exports', '/exports'],
      ['Audit log', '/audit'],
      ['Settings', '/settings'],
      ['API: devices (100)', '/api/v1/devices?limit=100'],
      ['API: overview', '/api/v1/overview'],
      ['API: device detail', `/api/v1/devices/${someDevice}`],
    ];
    const rows: Row[] = [];
    for (const [page, url] of pages) {
      const times: number[] = [];
      let bytes = 0;
      await get(url);
      for (let i = 0; i < runs; i++) {
        const r = await get(url);
        times.push(r.ms);
        bytes = r.bytes;
      }
      times.sort((a, b) => a - b);
      rows.push({ page, url, medianMs: times[Math.floor(times.length / 2)]!, p95Ms: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]!, maxMs: times[times.length - 1]!, bytes });
      log(`${page}: median ${rows[rows.length - 1]!.medianMs.toFixed(1)} ms`);
    }
    await app.close();
    const result = {
      devices: fleet.devices,
      days,
      envelopes: fleet.envelopes,
      checkResults: fleet.results,
      dbBytes: statSync(dir.dbFile).size,
      seedSeconds,
      runs,
      targetMs: TARGET_MS,
      firstOverviewMs,
      pages: rows,
      allWithinTarget: rows.every((r) => r.p95Ms <= TARGET_MS),
    };
    if (json) console.log(JSON.stringify(result));
    else {
      console.log(`Dashboard server time: ${fleet.devices} devices, ${days} days, ${fleet.envelopes} envelopes, ${fleet.results} check results, database ${(result.dbBytes / 1e9).toFixed(2)} GB`);
      console.log(`First overview (computes and stores the ${days}-day trend): ${firstOverviewMs.toFixed(0)} ms`);
      console.log(
        renderTable(
          ['PAGE', 'MEDIAN MS', 'P95 MS', 'MAX MS', 'KB', `<= ${TARGET_MS} MS`],
          rows.map((r) => [r.page, r.medianMs.toFixed(1), r.p95Ms.toFixed(1), r.maxMs.toFixed(1), (r.bytes / 1024).toFixed(0), r.p95Ms <= TARGET_MS ? 'yes' : 'NO']),
          120,
        ),
      );
    }
  } finally {
    await db.close().catch(() => undefined);
    if (!keep) await rm(root, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(`bench:dashboard failed: ${err.stack ?? err.message}`);
  process.exit(1);
});
