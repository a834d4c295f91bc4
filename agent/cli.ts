#!/usr/bin/env node
// vigil-agent: enroll, run (daemon or --once), check (local evaluation), status.
import { Command, Option } from 'commander';
import { VigilError } from '../protocol/errors.js';
import { checkDefinition, type CheckResult } from '../protocol/checks/index.js';
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { parseDuration, renderTable } from '../protocol/table.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import { checksFor } from './checks/registry.js';
import { readBundle, recordingDeps, replayDeps, writeBundle, type BundlePlatform } from './bundle.js';
import type { CollectDeps } from './checks/types.js';
import { runDaemon, runOnce, type AgentContext } from './daemon.js';
import { collectDeviceFacts } from './device-facts.js';
import { enrol } from './enrol.js';
import { runChecks } from './cycle.js';
import { nodeFiles } from './files.js';
import { fetchPinnedCa, postJson } from './http.js';
import { generateDeviceKey, loadDeviceKey, saveDeviceKey } from './keystore.js';
import { createRunner } from './runner.js';
import { Spool } from './spool.js';
import { defaultStateDir, ensureStateDir, readEnrolment, requireEnrolment, statePaths, writeEnrolment } from './state.js';

const stateOption = () => new Option('--state <dir>', 'agent state directory (key, enrolment, spool)').default(defaultStateDir());
const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);

function collectDeps(): CollectDeps {
  return { run: createRunner(), files: nodeFiles, now: () => Date.now() };
}

async function agentContext(stateDir: string): Promise<AgentContext> {
  const paths = statePaths(stateDir);
  const enrolment = await requireEnrolment(paths);
  const key = await loadDeviceKey(paths.key);
  const spool = await Spool.open(paths);
  return { enrolment, key, spool, checks: checksFor(process.platform), deps: collectDeps(), deviceFacts: collectDeviceFacts, log };
}

const program = new Command('vigil-agent').version(VIGIL_VERSION).description('Vigil agent: checks this device, signs what it saw, streams it to the collector');

program
  .command('enroll <enrolment-string>')
  .description('create the device key, prove possession to the collector and pin its CA')
  .addOption(stateOption())
  .option('--insecure', 'allow a plain-http collector (development only)')
  .option('--force', 'replace an existing enrolment (the old device key is discarded)')
  .action(async (enrolmentString: string, o) => {
    const paths = statePaths(o.state);
    await ensureStateDir(paths);
    if (!o.force && (await readEnrolment(paths))) {
      throw new VigilError('E_ALREADY_ENROLLED', `${paths.root} already holds an enrolment; use --force to replace it`);
    }
    const { enrolment, key } = await enrol(
      enrolmentString,
      { fetchPinnedCa, postJson, createKey: async () => generateDeviceKey(), deviceFacts: collectDeviceFacts, now: () => new Date() },
      { allowInsecure: Boolean(o.insecure) },
    );
    // Key first: an enrolment.json without its key would be unusable.
    await saveDeviceKey(paths.key, key);
    await writeEnrolment(paths, enrolment);
    console.log(`enrolled as ${enrolment.deviceId} (role ${enrolment.role}) with ${enrolment.url}`);
    console.log(`device key ${key.keyid}; CA pinned sha256:${enrolment.caSha256}`);
  });

program
  .command('run')
  .description('run checks every interval and stream signed attestations to the collector')
  .addOption(stateOption())
  .option('--once', 'one cycle; exit 0 once the collector has acknowledged it')
  .option('--timeout <duration>', 'with --once: how long to wait for the ack', '60s')
  .option('--interval <duration>', 'override the interval the collector asks for')
  .action(async (o) => {
    const ctx = await agentContext(o.state);
    if (o.once) {
      const timeoutMs = parseDuration(o.timeout);
      if (timeoutMs === null) throw new VigilError('E_BAD_REQUEST', `--timeout "${o.timeout}" is not a duration like 30s or 2m`);
      const { seq } = await runOnce(ctx, timeoutMs);
      console.log(`attestation ${seq} acknowledged by ${ctx.enrolment.url}`);
      return;
    }
    const intervalMs = o.interval ? parseDuration(o.interval) : undefined;
    if (intervalMs === null) throw new VigilError('E_BAD_REQUEST', `--interval "${o.interval}" is not a duration`);
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    log(`vigil-agent ${VIGIL_VERSION} running as ${ctx.enrolment.deviceId}`);
    await runDaemon(ctx, abort.signal, intervalMs);
    log('stopped');
  });

const PLATFORMS: Record<string, string> = { windows: 'win32', win32: 'win32', darwin: 'darwin', macos: 'darwin', linux: 'linux' };

function printResults(results: CheckResult[], role: string, json: boolean, extra: Record<string, unknown> = {}): void {
  if (json) {
    console.log(JSON.stringify({ ...extra, role, policy: DEFAULT_POLICY.version, results }, null, 2));
  } else {
    const rows = results.map((r) => {
      const def = checkDefinition(r.id);
      const facts = r.facts && def ? def.summarize(r.facts).join('; ') : '';
      return [def?.title ?? r.id, r.status.toUpperCase(), r.reason ?? '', facts];
    });
    console.log(renderTable(['CHECK', 'STATUS', 'REASON', 'FACTS'], rows, 90));
  }
  process.exitCode = results.every((r) => r.status === 'pass' || r.status === 'not_applicable') ? 0 : 1;
}

program
  .command('check')
  .description('run the checks now and show the verdicts; needs no collector')
  .addOption(stateOption())
  .option('--role <role>', 'evaluate with this role\'s policy (default: the enrolled role, else workstation)')
  .option('--replay <dir>', 'evaluate a support bundle (from "vigil-agent capture") instead of this machine')
  .addOption(new Option('--platform <platform>', 'with --replay: the platform whose checks to run (default: the bundle\'s)').choices(Object.keys(PLATFORMS)))
  .option('--json', 'print JSON')
  .action(async (o) => {
    const enrolment = o.replay ? null : await readEnrolment(statePaths(o.state)).catch(() => null);
    const role = o.role ?? enrolment?.role ?? 'workstation';
    if (o.replay) {
      const bundle = await readBundle(o.replay);
      const platform = o.platform ? PLATFORMS[o.platform]! : bundle.platform;
      const results = await runChecks(checksFor(platform), replayDeps(bundle), DEFAULT_POLICY, role);
      printResults(results, role, Boolean(o.json), { replay: o.replay, platform, capturedAt: bundle.createdAt });
      return;
    }
    printResults(await runChecks(checksFor(process.platform), collectDeps(), DEFAULT_POLICY, role), role, Boolean(o.json));
  });

program
  .command('capture')
  .description('run the checks and write every command run and file read into a support bundle')
  .requiredOption('--out <dir>', 'directory to write the bundle to (created)')
  .addOption(stateOption())
  .action(async (o) => {
    const enrolment = await readEnrolment(statePaths(o.state)).catch(() => null);
    const role = enrolment?.role ?? 'workstation';
    const createdAt = new Date().toISOString();
    const rec = recordingDeps(collectDeps());
    const results = await runChecks(checksFor(process.platform), rec.deps, DEFAULT_POLICY, role);
    await writeBundle(o.out, { platform: process.platform as BundlePlatform, createdAt, agentVersion: VIGIL_VERSION, commands: rec.commands, files: rec.files });
    console.log(`captured ${rec.commands.length} command(s) and ${rec.files.length} file read(s) into ${o.out}`);
    console.log(`verdicts here: ${results.map((r) => `${r.id}=${r.status}`).join(' ')}`);
    console.log('The bundle holds raw command output (group members, configuration): share it only with your support contact.');
  });

program
  .command('status')
  .description('enrolment, chain head and spool depth')
  .addOption(stateOption())
  .option('--json', 'print JSON')
  .action(async (o) => {
    const paths = statePaths(o.state);
    const enrolment = await readEnrolment(paths);
    const spool = enrolment ? await Spool.open(paths) : null;
    const status = {
      enrolled: Boolean(enrolment),
      deviceId: enrolment?.deviceId ?? null,
      collector: enrolment?.url ?? null,
      role: enrolment?.role ?? null,
      lastSeq: spool?.chainHead().lastSeq ?? 0,
      spoolDepth: spool ? (await spool.pendingSeqs()).length : 0,
    };
    if (o.json) console.log(JSON.stringify(status, null, 2));
    else console.log(renderTable(['FIELD', 'VALUE'], Object.entries(status)));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof VigilError) {
    console.error(`error ${err.code}: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});

