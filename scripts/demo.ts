// npm run demo: one machine end to end. Starts a collector on an embedded SQLite database in
// ./.vigil-demo (created on first run, reused after), enrols this machine's agent with a fresh token,
// runs one check cycle, streams the signed attestation, prints the verdicts and the Annex A controls
// they evidence, creates the demo admin for the dashboard (password kept in the demo directory so later
// runs can print it again), then keeps the collector running until Ctrl-C.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { buildServices } from '../collector/app.js';
import { dataDir, loadConfig } from '../collector/config.js';
import { openDatabase } from '../collector/db/open.js';
import { formatDeviceControls, formatDeviceResults } from '../collector/report.js';

const run = promisify(execFile);
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const collectorCli = join(dist, 'collector', 'cli.js');
const agentCli = join(dist, 'agent', 'bin.js');
const home = resolve(process.env.VIGIL_DEMO_DIR ?? '.vigil-demo');
const collectorData = join(home, 'collector');
const agentState = join(home, 'agent');

function startCollector(port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [collectorCli, 'start', '--data', collectorData, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolveStart, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (\S+)/.exec(out);
      if (m) resolveStart({ child, url: m[1]! });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => reject(new Error(`collector exited with ${code}: ${err.trim()}`)));
  });
}

async function main(): Promise<void> {
  console.log(`Vigil demo: data in ${home}`);
  let collector: { child: ChildProcess; url: string };
  const wanted = Number(process.env.VIGIL_DEMO_PORT ?? 8443);
  try {
    collector = await startCollector(wanted);
  } catch (err) {
    if (!/EADDRINUSE/.test((err as Error).message)) throw err;
    console.log(`port ${wanted} is busy; using a free port instead`);
    collector = await startCollector(0);
  }
  const stop = () => {
    collector.child.kill('SIGTERM');
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  console.log(`1. collector running at ${collector.url} (SQLite: ${dataDir(collectorData).dbFile})`);

  if (!existsSync(join(agentState, 'enrolment.json'))) {
    const token = await run(process.execPath, [collectorCli, 'token', 'create', '--data', collectorData, '--role', 'workstation', '--expires', '1h', '--max-uses', '1', '--url', collector.url, '--json']);
    const { enrolment, id } = JSON.parse(token.stdout) as { enrolment: string; id: string };
    console.log(`2. enrolment token ${id} created (role workstation, 1 use, 1 h)`);
    const enrolled = await run(process.execPath, [agentCli, 'enroll', enrolment, '--state', agentState]);
    console.log(`3. ${enrolled.stdout.trim().split('\n').join('\n   ')}`);
  } else {
    console.log('2-3. agent already enrolled (state reused from the previous run)');
  }

  console.log('4. running one check cycle and streaming the signed attestation…');
  const started = Date.now();
  const once = spawn(process.execPath, [agentCli, 'run', '--once', '--state', agentState], { stdio: ['ignore', 'pipe', 'pipe'] });
  let onceOut = '';
  let onceErr = '';
  once.stdout.on('data', (d: Buffer) => (onceOut += d.toString()));
  once.stderr.on('data', (d: Buffer) => (onceErr += d.toString()));
  const code = await new Promise<number | null>((r) => once.once('exit', r));
  if (code !== 0) {
    console.error(onceErr.trim());
    stop();
    process.exitCode = 1;
    return;
  }
  console.log(`   ${onceOut.trim()} (${Date.now() - started} ms)`);

  const d = dataDir(collectorData);
  const db = await openDatabase(d);
  try {
    const services = buildServices(db, await loadConfig(d), { dataRoot: d.root });
    const { deviceId } = JSON.parse((await run(process.execPath, [agentCli, 'status', '--state', agentState, '--json'])).stdout) as { deviceId: string };
    const device = await services.devices.get(deviceId);
    console.log('\n== This machine, as verified and evaluated by the collector ==');
    console.log(formatDeviceResults(device, await services.history.device(deviceId)));
    console.log('\n== ISO/IEC 27001:2022 Annex A controls these checks evidence ==');
    console.log(formatDeviceControls(await services.controls.forDevice(deviceId)));
    console.log('\nA check is partial evidence: each control also needs policy and process evidence.');
  } finally {
    await db.close();
  }

  const passwordFile = join(home, 'admin-password');
  if (!existsSync(passwordFile)) {
    const added = await run(process.execPath, [collectorCli, 'user', 'add', 'admin', '--role', 'admin', '--data', collectorData, '--json']);
    const { password } = JSON.parse(added.stdout) as { password: string };
    await writeFile(passwordFile, `${password}\n`, { mode: 0o600 });
  }
  const password = (await readFile(passwordFile, 'utf8')).trim();
  console.log(`\nDashboard: ${collector.url}/`);
  console.log(`  log in as admin with password ${password}  (kept in ${passwordFile})`);
  console.log(`  the certificate is signed by the collector's own CA: ${join(collectorData, 'tls', 'ca.pem')} (accept it or import the CA)`);
  console.log(`  API documentation: ${collector.url}/docs`);
  console.log('Try: npx vigil-collector devices --data ' + collectorData);
  console.log('Press Ctrl-C to stop.');
  await new Promise((r) => collector.child.once('exit', r));
}

main().catch((err: Error) => {
  console.error(`demo failed: ${err.message}`);
  process.exit(1);
});
