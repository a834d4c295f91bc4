#!/usr/bin/env node
// vigil-collector: init, start, enrolment tokens, devices and controls, from the data directory.
import { Command, Option } from 'commander';
import { VigilError } from '../protocol/errors.js';
import { formatEnrolmentString } from '../protocol/enrolment-string.js';
import { parseDuration, renderTable } from '../protocol/table.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import { buildServices, type CollectorServices } from './app.js';
import { dataDir, loadConfig, publicUrlOf, readRunInfo, saveConfig, type CollectorConfig } from './config.js';
import { openSqlite } from './db/sqlite.js';
import { initDataDir, startCollector } from './server.js';
import { caFingerprint } from './tls.js';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { formatDeviceResults, formatFleetControls, formatDeviceControls, formatDevices } from './report.js';

const DEFAULT_DATA = process.env.VIGIL_DATA ?? './vigil-data';
const dataOption = () => new Option('--data <dir>', 'collector data directory').default(DEFAULT_DATA);

async function withServices<T>(dir: string, fn: (s: CollectorServices, config: CollectorConfig) => Promise<T>): Promise<T> {
  const d = dataDir(dir);
  const config = await loadConfig(d);
  const db = await openSqlite(d.dbFile);
  try {
    return await fn(buildServices(db, config), config);
  } finally {
    await db.close();
  }
}

function intArg(name: string) {
  return (v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) throw new VigilError('E_BAD_REQUEST', `${name} must be a non-negative integer`);
    return n;
  };
}

const program = new Command('vigil-collector').version(VIGIL_VERSION).description('Vigil collector: verifies, stores and maps signed device attestations');

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
  .action(async (o) => {
    const overrides: Partial<CollectorConfig> = {};
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
    console.log(`database        ${r.dir.dbFile}`);
    console.log(`TLS             ${r.createdTls ? 'created a CA and server certificate' : 'using existing certificates'} (${r.config.tls.ca})`);
    console.log(`CA fingerprint  sha256:${r.tls.caSha256}`);
  });

program
  .command('start')
  .description('run the collector (HTTPS + WSS); creates the data directory on first start')
  .addOption(dataOption())
  .option('--host <host>', 'address to listen on (default from config: 0.0.0.0)')
  .option('--port <port>', 'port to listen on (default from config: 8443; 0 picks a free port)', intArg('port'))
  .option('--log', 'log requests as JSON lines on stdout')
  .action(async (o) => {
    const c = await startCollector(o.data, { host: o.host, port: o.port, logger: Boolean(o.log) });
    console.log(`vigil-collector ${VIGIL_VERSION} listening on ${c.url}`);
    console.log(`CA fingerprint sha256:${c.caSha256}`);
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
      const t = await s.enrolment.createToken({ role: o.role, site: o.site, expiresInMs, maxUses: o.maxUses, actor: 'cli' });
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
    await s.enrolment.revokeToken(id, 'cli');
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
      console.log(o.json ? JSON.stringify(rows, null, 2) : formatDevices(rows));
    }),
  );

const device = program.command('device').description('one device');
device
  .command('show <id>')
  .description('latest result per check, with the facts seen and the reason for anything not passing')
  .addOption(dataOption())
  .option('--json', 'print JSON')
  .action(async (id, o) =>
    withServices(o.data, async (s) => {
      const d = await s.devices.get(id);
      const results = await s.controls.latestResults(id);
      console.log(o.json ? JSON.stringify({ device: d, results }, null, 2) : formatDeviceResults(d, results));
    }),
  );
device
  .command('revoke <id>')
  .description('revoke a device: its sessions and attestations are refused from now on')
  .addOption(dataOption())
  .option('--reason <text>', 'why', 'revoked by operator')
  .action(async (id, o) => withServices(o.data, async (s) => {
    await s.devices.revoke(id, 'cli', o.reason);
    console.log(`revoked ${id}`);
  }));

program
  .command('controls')
  .description('ISO/IEC 27001:2022 Annex A controls evidenced by the checks, for the fleet or one device')
  .addOption(dataOption())
  .option('--device <id>', 'one device')
  .option('--json', 'print JSON')
  .action(async (o) =>
    withServices(o.data, async (s) => {
      if (o.device) {
        const controls = await s.controls.forDevice(o.device);
        console.log(o.json ? JSON.stringify(controls, null, 2) : formatDeviceControls(controls));
      } else {
        const fleet = await s.controls.fleet();
        console.log(o.json ? JSON.stringify(fleet, null, 2) : formatFleetControls(fleet));
      }
    }),
  );

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof VigilError) {
    console.error(`error ${err.code}: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});
