#!/usr/bin/env node
// vigil-collector: init, start, enrolment tokens, devices and controls, from the data directory.
import { Command, Option } from 'commander';
import { VigilError } from '../protocol/errors.js';
import { formatEnrolmentString } from '../protocol/enrolment-string.js';
import { parseDuration, renderTable } from '../protocol/table.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import { buildServices, type CollectorServices } from './app.js';
import { dataDir, loadConfig, publicUrlOf, readRunInfo, saveConfig, type CollectorConfig } from './config.js';
import { describeDatabase, openDatabase } from './db/open.js';
import { initDataDir, startCollector } from './server.js';
import { defaultWorkers, runCluster } from './cluster.js';
import { caFingerprint } from './tls.js';
import { readFile, rename, rm } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { userInfo } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { Transform } from 'node:stream';
import { formatDeviceResults, formatFleetControls, formatDeviceControls, formatDevices } from './report.js';
import { formatEvaluations, formatFleetStates, formatSoa, formatWaivers } from './report-audit.js';
import { parsePolicy } from './policy/document.js';
import { POLICY_FILE } from './policy/store.js';
import { policyVersionsRepo } from './policy/repo.js';
import { parseExpiry } from './waivers/service.js';
import { stateJson } from './history/json.js';
import { loadExportKey } from './export/signing-key.js';
import { DEFAULT_GZIP_LEVEL } from './export/tar.js';
import { periodBound } from './history/service.js';
import { KNOWN_BUILDS_FILE, addKnownBuilds, buildsFrom, deviceBuild, knownBuilds, readKnownBuilds, type DeviceBuild } from './builds/index.js';
import { registerAlertCommands } from './alerts/cli.js';
import { deviceCompensations, registerGatewayCommands } from './inventory/cli.js';
import { formatCompensated } from './policy/compensations.js';

const DEFAULT_DATA = process.env.VIGIL_DATA ?? './vigil-data';
const dataOption = () => new Option('--data <dir>', 'collector data directory').default(DEFAULT_DATA);

async function withServices<T>(dir: string, fn: (s: CollectorServices, config: CollectorConfig) => Promise<T>): Promise<T> {
  const d = dataDir(dir);
  const config = await loadConfig(d);
  const db = await openDatabase(d, config);
  try {
    return await fn(buildServices(db, config, { dataRoot: d.root }), config);
  } finally {
    await db.close();
  }
}

/** Who did it, for the audit log: the operating-system account running the CLI. */
function cliActor(): string {
  try {
    return `cli:${userInfo().username}`;
  } catch {
    return 'cli';
  }
}

function yesNo(v: string): boolean {
  if (/^(yes|y|true)$/i.test(v)) return true;
  if (/^(no|n|false)$/i.test(v)) return false;
  throw new VigilError('E_BAD_REQUEST', `expected yes or no, got "${v}"`);
}

function intArg(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new VigilError('E_BAD_REQUEST', `${name} must be a non-negative integer`);
    return n;
  };
}

const program = new Command('vigil-collector')
  .version(VIGIL_VERSION)
  .description('Vigil collector: verifies, stores and maps signed device attestations')
  // `soa --json` shows the statement while `soa set … --data DIR` is a subcommand with its own options.
  .enablePositionalOptions();

program
  .command('init')
  .description('create the data directory, configuration, database and TLS material (CA + server certificate)')
  .addOption(dataOption())
  .option('--host <host>', 'address to listen on')
  .option('--port <port>', 'port to listen on', intArg('port'))
  .option('--public-url <url>', 'URL agents use to reach this collector (default: from host and port)')
  .option('--tls-cert <file>', 'operator-supplied server certificate chain (PEM)')
  .option('--tls-key <file>', 'operator-supplied server private key (PEM)')
  .option('--tls-ca <file>', 'operator-supplied CA certificate agents pin (PEM)')
  .option('--interval <seconds>', 'check interval agents are told to use', intArg('interval'))
  .option('--database-url <url>', 'PostgreSQL (postgres://user@host:port/db) instead of the embedded SQLite file; several collectors may share it')
  .option('--pool-size <n>', 'PostgreSQL connections per collector process', intArg('pool size'))
  .action(async (o) => {
    const overrides: Partial<CollectorConfig> = {};
    if (o.databaseUrl) overrides.database = { url: o.databaseUrl, ...(o.poolSize ? { poolSize: o.poolSize } : {}) };
    if (o.host) overrides.host = o.host;
    if (o.port !== undefined) overrides.port = o.port;
    if (o.publicUrl) overrides.publicUrl = o.publicUrl;
    if (o.interval !== undefined) overrides.intervalSeconds = o.interval;
    const supplied = [o.tlsCert, o.tlsKey, o.tlsCa].filter(Boolean).length;
    if (supplied !== 0 && supplied !== 3) throw new VigilError('E_CONFIG', '--tls-cert, --tls-key and --tls-ca go together');
    if (supplied === 3) overrides.tls = { cert: resolve(o.tlsCert), key: resolve(o.tlsKey), ca: resolve(o.tlsCa) };
    const r = await initDataDir(o.data, overrides);
    if (!r.createdConfig && Object.keys(overrides).length) await saveConfig(r.dir, { ...r.config, ...overrides });
    console.log(`data directory  ${r.dir.root}${r.createdConfig ? ' (created)' : ' (existing)'}`);
    console.log(`database        ${describeDatabase(r.dir, r.config)}`);
    console.log(`TLS             ${r.createdTls ? 'created a CA and server certificate' : 'using existing certificates'} (${r.config.tls.ca})`);
    console.log(`CA fingerprint  sha256:${r.tls.caSha256}`);
    console.log(`policy          ${r.policyFile}${r.createdPolicy ? ' (created with the defaults)' : ''}`);
    console.log(`export key      sha256:${r.exportKeyFingerprint}${r.createdExportKey ? ' (created)' : ''}  signs evidence exports; give this fingerprint to auditors`);
  });

program
  .command('start')
  .description('run the collector (HTTPS + WSS); creates the data directory on first start')
  .addOption(dataOption())
  .option('--host <host>', 'address to listen on (default from config: 0.0.0.0)')
  .option('--port <port>', 'port to listen on (default from config: 8443; 0 picks a free port)', intArg('port'))
  .option('--log', 'log requests as JSON lines on stdout')
  .option('--workers <n>', `run N worker processes on the port under a supervisor that restarts crashed ones (node:cluster; without it: one process; this machine has ${defaultWorkers()} cores)`, intArg('workers'))
  .action(async (o) => {
    if (o.workers !== undefined) {
      if (o.workers < 1) throw new VigilError('E_BAD_REQUEST', '--workers must be at least 1');
      return runCluster({ data: o.data, workers: o.workers, host: o.host, port: o.port, logger: Boolean(o.log) });
    }
    const c = await startCollector(o.data, { host: o.host, port: o.port, logger: Boolean(o.log) });
    console.log(`vigil-collector ${VIGIL_VERSION} listening on ${c.url}`);
    console.log(`CA fingerprint sha256:${c.caSha256}`);
    console.log(`policy ${c.policy.current().version}`);
    console.log(`export-signing key sha256:${c.exportKeyFingerprint}`);
    const stop = async (signal: string) => {
      console.log(`received ${signal}, shutting down`);
      await c.close();
      process.exit(0);
    };
    process.once('SIGINT', () => void stop('SIGINT'));
    process.once('SIGTERM', () => void stop('SIGTERM'));
  });

const token = program.command('token').description('enrolment tokens');
token
  .command('create')
  .description('create an enrolment token and print the enrolment string for agents')
  .addOption(dataOption())
  .addOption(new Option('--role <role>', 'role given to devices enrolled with it').default('workstation'))
  .option('--site <site>', 'site recorded on devices enrolled with it')
  .option('--expires <duration>', 'lifetime, e.g. 30m, 24h, 7d', '24h')
  .option('--max-uses <n>', 'how many devices may enrol with it', intArg('max-uses'), 1)
  .option('--url <url>', 'collector URL to put in the enrolment string (default: the running collector)')
  .option('--json', 'print JSON')
  .action(async (o) => {
    const expiresInMs = parseDuration(o.expires);
    if (expiresInMs === null) throw new VigilError('E_BAD_REQUEST', `--expires "${o.expires}" is not a duration like 30m, 24h or 7d`);
    await withServices(o.data, async (s, config) => {
      const t = await s.enrolment.createToken({ role: o.role, site: o.site, expiresInMs, maxUses: o.maxUses, actor: cliActor() });
      const run = await readRunInfo(dataDir(o.data));
      const url = o.url ?? run?.url ?? publicUrlOf(config, config.port);
      const caSha256 = caFingerprint(await readFile(config.tls.ca, 'utf8'));
      const enrolment = formatEnrolmentString({ url, token: t.token, caSha256 });
      if (o.json) console.log(JSON.stringify({ id: t.id, role: t.role, site: t.site, expiresAt: t.expiresAt, maxUses: t.maxUses, enrolment }));
      else {
        console.error(`token ${t.id}: role ${t.role}, expires ${t.expiresAt}, ${t.maxUses} use(s). Enrol a device with:`);
        console.error(`  vigil-agent enroll '<string below>'`);
        console.log(enrolment);
      }
    });
  });
token
  .command('list')
  .addOption(dataOption())
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const rows = await s.enrolment.listTokens();
      console.log(renderTable(['ID', 'ROLE', 'SITE', 'USES', 'EXPIRES', 'REVOKED'], rows.map((t) => [t.id, t.role, t.site, `${t.uses}/${t.max_uses}`, t.expires_at, t.revoked_at ?? ''])));
    }),
  );
token
  .command('revoke <id>')
  .addOption(dataOption())
  .action(async (id, o) => withServices(o.data, async (s) => {
    await s.enrolment.revokeToken(id, cliActor());
    console.log(`revoked ${id}`);
  }));

program
  .command('devices')
  .description('list enrolled devices')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const rows = await s.devices.list();
      const builds = await agentBuilds(o.data, rows.map((r) => r.id));
      if (o.json) {
        console.log(JSON.stringify(rows.map((r) => ({ ...r, agentBuild: builds.get(r.id) ?? null })), null, 2));
        return;
      }
      console.log(formatDevices(rows));
      for (const [id, b] of builds) {
        if (b.status === 'unknown') console.log(`${id}: agent ${b.version} runs a build not in known-builds.json (binary sha256:${b.binarySha256})`);
        else if (b.status === 'unreported') console.log(`${id}: agent ${b.version} does not report its binary SHA-256`);
      }
    }),
  );

/** Each device's agent build from its newest attestation, flagged against known-builds.json. */
async function agentBuilds(dir: string, ids: string[]): Promise<Map<string, DeviceBuild>> {
  const d = dataDir(dir);
  const known = knownBuilds(d.root);
  const db = await openDatabase(d);
  try {
    const out = new Map<string, DeviceBuild>();
    for (const id of ids) {
      const b = await deviceBuild(db, id, (sha) => known.isKnownBuild(sha));
      if (b) out.set(id, b);
    }
    return out;
  } finally {
    await db.close();
  }
}

const builds = program.command('builds').description('agent builds this collector knows (devices running others are flagged)');
builds
  .command('add <manifest-or-sha256>')
  .description('add the binaries of a build manifest (build/agent/manifest.json from npm run build:agent) or one SHA-256')
  .addOption(dataOption())
  .option('--version <version>', 'agent version of a bare SHA-256')
  .action(async (arg: string, o) => {
    const d = dataDir(o.data);
    await loadConfig(d);
    const added = await addKnownBuilds(d.root, await buildsFrom(arg, new Date(), o.version ?? null));
    console.log(`${added} build(s) added to ${join(d.root, KNOWN_BUILDS_FILE)}`);
  });
builds
  .command('list')
  .description('known agent builds')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action(async (o) => {
    const list = readKnownBuilds(dataDir(o.data).root);
    if (o.json) console.log(JSON.stringify(list, null, 2));
    else console.log(list.length ? renderTable(['SHA-256', 'VERSION', 'TARGET', 'ADDED'], list.map((b) => [b.sha256, b.version ?? '', b.target ?? '', b.addedAt])) : 'no known builds');
  });

const device = program.command('device').description('one device');
device
  .command('show <id>')
  .description('result per check (now or as of a moment), with the facts seen, the reason for anything not passing, waivers and first-failed times')
  .addOption(dataOption())
  .option('--as-of <time>', 'ISO-8601 moment: the state as it was then')
  .option('--json', 'print JSON')
  .action(async (id, o) =>
    withServices(o.data, async (s) => {
      const d = await s.devices.get(id);
      const state = await s.history.device(id, o.asOf ?? null);
      // End-of-life compensations apply to the current state only.
      const compensated = o.asOf ? [] : await deviceCompensations(o.data, id);
      const build = (await agentBuilds(o.data, [id])).get(id) ?? null;
      const buildLine = build ? `agent ${build.version}, binary ${build.binarySha256 ? `sha256:${build.binarySha256}` : 'not reported'} (${build.status} build)` : 'agent build: no attestation yet';
      console.log(o.json ? JSON.stringify({ ...stateJson(state), device: d, agentBuild: build, ...(compensated.length ? { compensated } : {}) }, null, 2) : [formatDeviceResults(d, state, o.asOf), buildLine, ...compensated.flatMap(formatCompensated)].join('\n'));
    }),
  );
device
  .command('revoke <id>')
  .description('revoke a device: its sessions and attestations are refused from now on')
  .addOption(dataOption())
  .option('--reason <text>', 'why', 'revoked by operator')
  .action(async (id, o) => withServices(o.data, async (s) => {
    await s.devices.revoke(id, cliActor(), o.reason);
    console.log(`revoked ${id}`);
  }));

program
  .command('controls')
  .description('ISO/IEC 27001:2022 Annex A controls evidenced by the checks, for the fleet or one device, now or as of a moment')
  .addOption(dataOption())
  .option('--device <id>', 'one device')
  .option('--as-of <time>', 'ISO-8601 moment')
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      if (o.device) {
        const controls = await s.controls.forDevice(o.device, o.asOf ?? null);
        console.log(o.json ? JSON.stringify(controls, null, 2) : formatDeviceControls(controls));
      } else {
        const fleet = await s.controls.fleet(o.asOf ?? null);
        console.log(o.json ? JSON.stringify(fleet, null, 2) : formatFleetControls(fleet));
      }
    }),
  );

program
  .command('fleet')
  .description('every device with its result counts and what is not passing, now or as of a moment')
  .addOption(dataOption())
  .option('--as-of <time>', 'ISO-8601 moment: the fleet as it was then')
  .option('--json', 'print JSON lines, one device per line')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const states = [];
      for await (const st of s.history.fleet({ asOf: o.asOf ?? null })) {
        if (o.json) console.log(JSON.stringify(stateJson(st)));
        else states.push(st);
      }
      if (!o.json) console.log(formatFleetStates(states, o.asOf));
    }),
  );

program
  .command('history <device>')
  .description("every stored evaluation of a device's checks, newest first, with the policy version and envelope behind each")
  .addOption(dataOption())
  .option('--check <id>', 'one check')
  .option('--from <time>', 'collected at or after')
  .option('--to <time>', 'collected at or before')
  .option('--limit <n>', 'at most this many rows', intArg('limit'), 200)
  .option('--json', 'print JSON')
  .action(async (id, o) =>
    withServices(o.data, async (s) => {
      const rows = await s.history.evaluations(id, { checkId: o.check, from: o.from, to: o.to, limit: o.limit });
      console.log(o.json ? JSON.stringify(rows, null, 2) : formatEvaluations(rows));
    }),
  );

const policy = program.command('policy').description('the policy file: thresholds per device role');
policy
  .command('check')
  .description('validate a policy file (default: the one in the data directory); errors name line, column and field')
  .addOption(dataOption())
  .option('--file <file>', 'policy file to check')
  .action(async (o) => {
    const file = o.file ?? join(dataDir(o.data).root, POLICY_FILE);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new VigilError('E_POLICY', `${file} cannot be read: ${(err as Error).message}`);
    }
    try {
      const p = parsePolicy(text, file);
      console.log(`${file}: valid, version ${p.version}; roles ${Object.keys(p.policy.roles).join(', ')}`);
    } catch (err) {
      if (err instanceof VigilError && err.code === 'E_POLICY' && err.details.length) {
        for (const line of err.details) console.error(line);
        console.error(`error E_POLICY: ${err.details.length} problem(s) in ${file}`);
        process.exit(2);
      }
      throw err;
    }
  });
policy
  .command('versions')
  .description('every policy version the collector has loaded')
  .addOption(dataOption())
  .action(async (o) => {
    const db = await openDatabase(dataDir(o.data));
    try {
      const rows = await policyVersionsRepo.list(db);
      console.log(renderTable(['VERSION', 'FIRST LOADED'], rows.map((r) => [r.version, r.first_loaded_at]), 100));
    } finally {
      await db.close();
    }
  });

const waiver = program.command('waiver').description('waivers (exceptions): a waived failure shows as waived, never as pass');
waiver
  .command('add')
  .description('waive results of a device, a check, a control, or a device\'s check or control')
  .addOption(dataOption())
  .option('--device <id>', 'device id')
  .option('--check <id>', 'check id, e.g. usb_storage')
  .option('--control <id>', 'Annex A control, e.g. 8.24 or A.8.24')
  .requiredOption('--reason <text>', 'why the exception is acceptable (compensating controls)')
  .requiredOption('--approver <name>', 'who approved it')
  .requiredOption('--expires <when>', 'duration such as 30d, or an ISO date (at most 366 days)')
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const w = await s.waivers.create({ deviceId: o.device, checkId: o.check, control: o.control, reason: o.reason, approver: o.approver, expires: parseExpiry(o.expires), actor: cliActor() });
      console.log(o.json ? JSON.stringify(w, null, 2) : `waiver ${w.id} in force until ${w.expires_at}`);
    }),
  );
waiver
  .command('list')
  .description('waivers in force now (--all: every waiver ever made, with its state)')
  .addOption(dataOption())
  .option('--all', 'include expired and revoked waivers')
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const rows = await s.waivers.list({ all: Boolean(o.all) });
      console.log(o.json ? JSON.stringify(rows, null, 2) : formatWaivers(rows));
    }),
  );
waiver
  .command('revoke <id>')
  .addOption(dataOption())
  .requiredOption('--reason <text>', 'why')
  .action(async (id, o) =>
    withServices(o.data, async (s) => {
      await s.waivers.revoke(id, cliActor(), o.reason);
      console.log(`revoked ${id}`);
    }),
  );

const soa = program
  .command('soa')
  .description('Statement of Applicability: per Annex A control, applicability, automated evidence (checks, devices) and manual evidence')
  .addOption(dataOption())
  .option('--as-of <time>', 'ISO-8601 moment')
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const rows = await s.soa.view(o.asOf ?? null);
      console.log(o.json ? JSON.stringify(rows, null, 2) : formatSoa(rows));
    }),
  );
soa
  .command('set <control>')
  .description('record whether a control applies, and why')
  .addOption(dataOption())
  .requiredOption('--applicable <yes|no>', 'yes or no')
  .requiredOption('--justification <text>', 'why (ISO/IEC 27001 6.1.3 d)')
  .action(async (control, o) =>
    withServices(o.data, async (s) => {
      const d = await s.soa.decide({ control, applicable: yesNo(o.applicable), justification: o.justification, actor: cliActor() });
      console.log(`A.${d.control_id}: applicable ${d.applicable ? 'yes' : 'no'} (${d.decided_at})`);
    }),
  );
const evidence = soa.command('evidence').description('manual evidence attached to controls');
evidence
  .command('add <control> <file>')
  .description('attach a file (policy, procedure, record) to a control; it is hashed and kept in the data directory')
  .addOption(dataOption())
  .requiredOption('--note <text>', 'what the file shows')
  .action(async (control, file, o) =>
    withServices(o.data, async (s) => {
      const e = await s.soa.addEvidence({ control, content: resolve(file), filename: basename(file), note: o.note, actor: cliActor() });
      console.log(`${e.id}: ${e.filename} (${e.size} bytes, sha256 ${e.sha256}) attached to A.${e.control_id}`);
    }),
  );

const retention = program.command('retention').description('history retention: what is pruned, evidence holds, prune runs');
retention
  .command('status')
  .description('the cutoff in force, what a run would prune, holds and the last runs')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s, config) => {
      const preview = await s.retention.preview();
      const runs = await s.retention.lastRuns(5);
      if (o.json) return console.log(JSON.stringify({ settings: config.retention ?? null, ...preview, runs }));
      if (!config.retention) return console.log('retention is off: every envelope is kept (config.json "retention": { "days": N, "auditWindowDays": M } turns it on)');
      console.log(`keep ${config.retention.days} days (audit window ${config.retention.auditWindowDays} days); cutoff ${preview.cutoff}`);
      console.log(`a run now would prune ${preview.prunable} envelope(s); ${preview.keptPinned} older ones stay as evidence of the current state`);
      if (runs.length) console.log(renderTable(['RUN', 'STARTED', 'CUTOFF', 'ENVELOPES', 'RESULTS', 'KEPT', 'BY', 'ERROR'], runs.map((r) => [r.id, r.started_at, r.cutoff, r.envelopes_deleted, r.results_deleted, r.kept_pinned, r.holder, r.error ?? ''])));
    }),
  );
retention
  .command('run')
  .description('prune now (the collector also does it on its own every intervalMinutes)')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const r = await s.retention.run(cliActor());
      if (o.json) return console.log(JSON.stringify(r));
      console.log(`pruned ${r.envelopesDeleted} envelope(s) and ${r.resultsDeleted} result(s) collected before ${r.cutoff}; kept ${r.keptPinned} older envelope(s) as evidence; ${r.outboxDeleted} delivered notification(s) removed`);
    }),
  );

const apiToken = program.command('api-token').description('bearer tokens for the /api/v1 endpoints');
apiToken
  .command('create')
  .description('create a token; it is printed once and stored only as a hash')
  .addOption(dataOption())
  .addOption(new Option('--role <role>', 'admin: everything; operator: read, export and write; auditor: read and export').choices(['admin', 'operator', 'auditor']).makeOptionMandatory())
  .requiredOption('--name <name>', 'who or what uses it')
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const t = await s.auth.create({ name: o.name, role: o.role, actor: cliActor() });
      if (o.json) console.log(JSON.stringify(t));
      else {
        console.error(`API token ${t.id} (${t.role}, ${t.name}). It is shown once; send it as "Authorization: Bearer <token>":`);
        console.log(t.token);
      }
    }),
  );
apiToken
  .command('list')
  .addOption(dataOption())
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const rows = await s.auth.list();
      console.log(renderTable(['ID', 'NAME', 'ROLE', 'CREATED', 'LAST USED', 'REVOKED'], rows.map((t) => [t.id, t.name, t.role, t.created_at, t.last_used_at ?? '', t.revoked_at ?? ''])));
    }),
  );
apiToken
  .command('revoke <id>')
  .addOption(dataOption())
  .action(async (id, o) =>
    withServices(o.data, async (s) => {
      await s.auth.revoke(id, cliActor());
      console.log(`revoked ${id}`);
    }),
  );

const user = program.command('user').description('dashboard users (local accounts, scrypt-hashed passwords)');
user
  .command('add <username>')
  .description('add a user; the first one should be an admin. Without --password-stdin a strong password is generated and printed once')
  .addOption(dataOption())
  .addOption(new Option('--role <role>', 'admin: everything; operator: read, export and write; auditor: read-only, may export').choices(['admin', 'operator', 'auditor']).default('admin'))
  .option('--password-stdin', 'read the password from standard input (first line)')
  .option('--json', 'print JSON')
  .action(async (username, o) => {
    const password = o.passwordStdin ? await readFirstLine() : randomBytes(18).toString('base64url');
    await withServices(o.data, async (s) => {
      const u = await s.users.create({ username, role: o.role, password, actor: cliActor() });
      if (o.json) console.log(JSON.stringify({ ...u, ...(o.passwordStdin ? {} : { password }) }));
      else {
        console.log(`user ${u.username} (${u.role}) added`);
        if (!o.passwordStdin) console.log(`password: ${password}  (shown once; log in at the collector's URL)`);
      }
    });
  });
user
  .command('list')
  .addOption(dataOption())
  .action(async (o) =>
    withServices(o.data, async (s) => {
      const rows = await s.users.list();
      console.log(renderTable(['USERNAME', 'ROLE', 'CREATED', 'CREATED BY', 'DISABLED'], rows.map((u) => [u.username, u.role, u.created_at, u.created_by, u.disabled_at ?? ''])));
    }),
  );
user
  .command('disable <username>')
  .description('disable a user and end their sessions')
  .addOption(dataOption())
  .action(async (username, o) =>
    withServices(o.data, async (s) => {
      await s.users.disable(username, cliActor());
      console.log(`disabled ${username}`);
    }),
  );
user
  .command('password <username>')
  .description('set a new password (read from standard input) and end the user\'s sessions')
  .addOption(dataOption())
  .action(async (username, o) => {
    const password = await readFirstLine();
    await withServices(o.data, async (s) => {
      await s.users.setPassword(username, password, cliActor());
      console.log(`password of ${username} changed`);
    });
  });

async function readFirstLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) {
    text += String(chunk);
    if (text.includes('\n')) break;
  }
  return text.split(/\r?\n/)[0]!;
}

program
  .command('export')
  .description('evidence archive for an audit period: OSCAL, CSV, HTML report, signed envelopes and a signed manifest (check it with: vigil verify FILE)')
  .addOption(dataOption())
  .requiredOption('--from <time>', 'period start, ISO-8601 (a date means its start, UTC)')
  .requiredOption('--to <time>', 'period end, ISO-8601 (a date means its end, UTC); the state reported is as of this moment')
  .requiredOption('--out <file>', 'archive to write (.tar.gz)')
  .addOption(new Option('--envelopes <which>', 'cited: the envelopes the results cite (size grows with the fleet, not the period); period: every envelope of the period (complete hash chains)').choices(['cited', 'period']).default('cited'))
  .option('--level <n>', 'gzip level 1 (fastest) to 9 (smallest)', intArg('level'), DEFAULT_GZIP_LEVEL)
  .option('--quiet', 'no progress lines')
  .option('--json', 'print the summary as JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      if (o.level < 1 || o.level > 9) throw new VigilError('E_BAD_REQUEST', '--level must be 1 to 9');
      const out = resolve(o.out);
      const partial = `${out}.partial`;
      const hash = createHash('sha256');
      let bytes = 0;
      const hashing = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          hash.update(chunk);
          bytes += chunk.length;
          cb(null, chunk);
        },
      });
      const file = createWriteStream(partial, { mode: 0o640 });
      hashing.pipe(file);
      const started = Date.now();
      const key = await loadExportKey(dataDir(o.data).root);
      if (!o.quiet) console.error(`export: signing key sha256:${key.fingerprint}`);
      try {
        const summary = await s.exports.export({
          from: periodBound(o.from, 'start'),
          to: periodBound(o.to, 'end'),
          out: hashing,
          archiveName: basename(out),
          actor: cliActor(),
          level: o.level,
          envelopes: o.envelopes,
          progressEvery: 1000,
          onProgress: o.quiet
            ? undefined
            : (p) => console.error(`export: ${p.devices}/${p.totalDevices} devices, ${p.envelopes} envelopes, ${(p.bytes / 1e6).toFixed(1)} MB before compression, ${((Date.now() - started) / 1000).toFixed(1)} s`),
        });
        await new Promise<void>((res, rej) => (file.closed ? res() : file.once('close', res).once('error', rej)));
        await rename(partial, out);
        const result = { file: out, bytes, sha256: hash.digest('hex'), seconds: (Date.now() - started) / 1000, ...summary };
        if (o.json) console.log(JSON.stringify(result, null, 2));
        else {
          console.log(`wrote ${out}: ${bytes} bytes, sha256 ${result.sha256}`);
          console.log(`period ${summary.from} to ${summary.to}: ${summary.devices} devices, ${summary.envelopes} envelopes (${summary.envelopeSelection}), ${summary.files} files, ${result.seconds.toFixed(1)} s`);
          console.log(`manifest signed by export key sha256:${summary.fingerprint}; check the archive with: vigil verify ${out}`);
        }
      } catch (err) {
        file.destroy();
        await rm(partial, { force: true });
        throw err;
      }
    }),
  );

registerAlertCommands(program, dataOption, cliActor);
registerGatewayCommands(program, dataOption, cliActor);

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof VigilError) {
    console.error(`error ${err.code}: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
