#!/usr/bin/env node
// vigil-agent: enroll, run (daemon or --once), check (local evaluation), status.
import { constants as osConstants, setPriority } from 'node:os';
import { Command, Option } from 'commander';
import { VigilError } from '../protocol/errors.js';
import { checkDefinition, type CheckResult } from '../protocol/checks/index.js';
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { parseDuration, renderTable } from '../protocol/table.js';
import { AGENT_VERSION, binarySha256 } from './build-info.js';
import { configSha256, defaultConfigFile, loadAgentConfig, type AgentConfig } from './config.js';
import { loadChecks } from './checks/platform.js';
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
import { Spool, signedGapMarker } from './spool.js';
import { defaultStateDir, ensureStateDir, readAgentStatus, readEnrolment, requireEnrolment, statePaths, updateAgentStatus, writeEnrolment } from './state.js';

const stateOption = () => new Option('--state <dir>', `agent state directory (key, enrolment, spool); default: "state" in the configuration, else ${defaultStateDir()}`);
const log = (line: string) => console.error(`${new Date().toISOString()} ${line}`);

let loaded: { config: AgentConfig; file: string | null } | undefined;
/** The configuration file (--config, VIGIL_AGENT_CONFIG or the OS default) with environment overrides. */
async function agentConfig(): Promise<AgentConfig> {
  loaded ??= await loadAgentConfig(program.opts<{ config?: string }>().config ?? defaultConfigFile());
  return loaded.config;
}

/** --state, else the configuration's state, else the OS default. */
async function stateDirOf(o: { state?: string }): Promise<string> {
  return o.state ?? (await agentConfig()).state ?? defaultStateDir();
}

/** Clinical machines first: the agent and every command it starts run at low CPU priority (nice 10,
 *  BELOW_NORMAL on Windows; children inherit it). IO priority comes from the service definition. */
function lowerPriority(config: AgentConfig): void {
  if (config.priority !== 'low') return;
  try {
    setPriority(0, osConstants.priority.PRIORITY_BELOW_NORMAL);
  } catch (err) {
    log(`could not lower the process priority: ${(err as Error).message}`);
  }
}

function collectDeps(config: AgentConfig): CollectDeps {
  const c = config.commands;
  return { run: createRunner({ timeoutMs: c.timeoutMs, maxOutputBytes: c.maxOutputBytes, maxConcurrent: c.concurrency }), files: nodeFiles, now: () => Date.now() };
}

async function agentContext(stateDir: string): Promise<AgentContext> {
  const config = await agentConfig();
  const paths = statePaths(stateDir);
  const enrolment = await requireEnrolment(paths);
  const key = await loadDeviceKey(paths.key);
  const agent = { version: AGENT_VERSION, configSha256: configSha256(config), ...((await binarySha256()) ? { binarySha256: (await binarySha256())! } : {}) };
  const spool = await Spool.open(paths, { maxBytes: config.spool.maxBytes, gapMarker: signedGapMarker(key, agent), log });
  const onConnection: AgentContext['onConnection'] = (state, detail) =>
    void updateAgentStatus(paths, { connection: state, connectionAt: new Date().toISOString(), connectionDetail: detail ?? '' }).catch(() => undefined);
  return {
    enrolment,
    key,
    spool,
    checks: await loadChecks(process.platform),
    deps: collectDeps(config),
    deviceFacts: collectDeviceFacts,
    log,
    limits: { checkTimeoutMs: config.checks.timeoutMs, checkConcurrency: config.checks.concurrency },
    agent,
    onConnection,
    connection: config.connection,
  };
}

const program = new Command('vigil-agent')
  .version(AGENT_VERSION)
  .description('Vigil agent: checks this device, signs what it saw, streams it to the collector')
  .option('--config <file>', `agent configuration (YAML); default $VIGIL_AGENT_CONFIG or ${defaultConfigFile()}`);

program
  .command('enroll <enrolment-string>')
  .description('create the device key, prove possession to the collector and pin its CA')
  .addOption(stateOption())
  .option('--insecure', 'allow a plain-http collector (development only)')
  .option('--force', 'replace an existing enrolment (the old device key is discarded)')
  .action(async (enrolmentString: string, o) => {
    const paths = statePaths(await stateDirOf(o));
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
    const config = await agentConfig();
    lowerPriority(config);
    const ctx = await agentContext(await stateDirOf(o));
    if (o.once) {
      const timeoutMs = parseDuration(o.timeout);
      if (timeoutMs === null) throw new VigilError('E_BAD_REQUEST', `--timeout "${o.timeout}" is not a duration like 30s or 2m`);
      const { seq } = await runOnce(ctx, timeoutMs);
      console.log(`attestation ${seq} acknowledged by ${ctx.enrolment.url}`);
      return;
    }
    const intervalMs = o.interval ? parseDuration(o.interval) : (config.intervalMs ?? undefined);
    if (intervalMs === null) throw new VigilError('E_BAD_REQUEST', `--interval "${o.interval}" is not a duration`);
    const paths = statePaths(await stateDirOf(o));
    await updateAgentStatus(paths, { pid: process.pid, version: AGENT_VERSION, startedAt: new Date().toISOString(), connection: 'connecting', connectionAt: new Date().toISOString(), connectionDetail: '' });
    const abort = new AbortController();
    process.once('SIGINT', () => abort.abort());
    process.once('SIGTERM', () => abort.abort());
    log(`vigil-agent ${AGENT_VERSION} running as ${ctx.enrolment.deviceId}`);
    await runDaemon(ctx, abort.signal, intervalMs);
    await updateAgentStatus(paths, { connection: 'stopped', connectionAt: new Date().toISOString(), connectionDetail: '' });
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
    const config = await agentConfig();
    lowerPriority(config);
    const enrolment = o.replay ? null : await readEnrolment(statePaths(await stateDirOf(o))).catch(() => null);
    const role = o.role ?? enrolment?.role ?? 'workstation';
    if (o.replay) {
      const bundle = await readBundle(o.replay);
      const platform = o.platform ? PLATFORMS[o.platform]! : bundle.platform;
      const results = await runChecks(await loadChecks(platform), replayDeps(bundle), DEFAULT_POLICY, role);
      printResults(results, role, Boolean(o.json), { replay: o.replay, platform, capturedAt: bundle.createdAt });
      return;
    }
    const results = await runChecks(await loadChecks(process.platform), collectDeps(config), DEFAULT_POLICY, role, config.checks.timeoutMs, config.checks.concurrency);
    printResults(results, role, Boolean(o.json));
  });

program
  .command('capture')
  .description('run the checks and write every command run and file read into a support bundle')
  .requiredOption('--out <dir>', 'directory to write the bundle to (created)')
  .addOption(stateOption())
  .action(async (o) => {
    const config = await agentConfig();
    lowerPriority(config);
    const enrolment = await readEnrolment(statePaths(await stateDirOf(o))).catch(() => null);
    const role = enrolment?.role ?? 'workstation';
    const createdAt = new Date().toISOString();
    const rec = recordingDeps(collectDeps(config));
    const results = await runChecks(await loadChecks(process.platform), rec.deps, DEFAULT_POLICY, role);
    await writeBundle(o.out, { platform: process.platform as BundlePlatform, createdAt, agentVersion: AGENT_VERSION, commands: rec.commands, files: rec.files });
    console.log(`captured ${rec.commands.length} command(s) and ${rec.files.length} file read(s) into ${o.out}`);
    console.log(`verdicts here: ${results.map((r) => `${r.id}=${r.status}`).join(' ')}`);
    console.log('The bundle holds raw command output (group members, configuration): share it only with your support contact.');
  });

/** Whether a process with this id is alive (status.json may be left by an agent that was killed). */
function alive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

program
  .command('status')
  .description('enrolment, last cycle, last ack, spool depth and connection state')
  .addOption(stateOption())
  .option('--json', 'print JSON')
  .action(async (o) => {
    const config = await agentConfig();
    const paths = statePaths(await stateDirOf(o));
    const enrolment = await readEnrolment(paths);
    const spool = enrolment ? await Spool.open(paths) : null;
    const st = await readAgentStatus(paths);
    const running = alive(st.pid) && st.connection !== 'stopped';
    const status = {
      enrolled: Boolean(enrolment),
      deviceId: enrolment?.deviceId ?? null,
      collector: enrolment?.url ?? null,
      role: enrolment?.role ?? null,
      agentVersion: AGENT_VERSION,
      configFile: loaded?.file ?? null,
      configSha256: configSha256(config),
      daemon: running ? `running (pid ${st.pid}, version ${st.version ?? '?'})` : 'not running',
      connection: running ? (st.connection ?? 'unknown') : 'none (agent not running)',
      connectionSince: running ? (st.connectionAt ?? null) : null,
      connectionDetail: running ? st.connectionDetail || null : null,
      lastCycleSeq: st.lastCycleSeq ?? null,
      lastCycleAt: st.lastCycleAt ?? null,
      lastAckSeq: st.lastAckSeq ?? null,
      lastAckAt: st.lastAckAt ?? null,
      lastSeq: spool?.chainHead().lastSeq ?? 0,
      spoolDepth: spool ? (await spool.pendingSeqs()).length : 0,
      spoolBytes: spool ? await spool.bytes() : 0,
      spoolMaxBytes: config.spool.maxBytes,
    };
    if (o.json) console.log(JSON.stringify(status, null, 2));
    else console.log(renderTable(['FIELD', 'VALUE'], Object.entries(status).map(([k, v]) => [k, v ?? '-'])));
  });

program.parseAsync(process.argv).catch((err: unknown) => {
  if (err instanceof VigilError) {
    console.error(`error ${err.code}: ${err.message}`);
    process.exit(2);
  }
  console.error(err);
  process.exit(1);
});

