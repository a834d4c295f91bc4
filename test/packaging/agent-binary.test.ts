// The Linux single executable on a machine without Node.js: check, enroll, run --once against a real
// collector, and the collector's known-builds flag for what it reports.
import { execFile, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import { formatEnrolmentString } from '../../protocol/enrolment-string.js';
import { startTestCollector, tempDir } from '../helpers/collector.js';
import { COLLECTOR_CLI, cli, until } from '../helpers/processes.js';
import { buildLinuxAgent, pathWithoutNode, type Built } from './build.js';

const execFileP = promisify(execFile);
type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let dir: Awaited<ReturnType<typeof tempDir>>;
let built: Built;
let c: Collector;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  dir = await tempDir('vigil-sea-');
  built = await buildLinuxAgent(join(dir.path, 'build'), '0.1.0-test');
  env = { PATH: await pathWithoutNode(join(dir.path, 'bin')), HOME: dir.path, LANG: 'C' };
  c = await startTestCollector();
}, 300_000);
afterAll(async () => {
  await c?.cleanup();
  await dir?.cleanup();
});

async function agent(args: string[], timeout = 120_000): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await execFileP(built.binary, args, { env, timeout, maxBuffer: 8 << 20 });
    return { ...r, code: 0 };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string; code?: number };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '', code: typeof e.code === 'number' ? e.code : -1 };
  }
}

describe('vigil-agent single executable (linux-x64)', () => {
  it('runs with no node on PATH and reports the version it was built with', async () => {
    await expect(execFileP('sh', ['-c', 'command -v node'], { env })).rejects.toBeTruthy();
    const v = await agent(['--version']);
    expect(v.code).toBe(0);
    expect(v.stdout.trim()).toBe('0.1.0-test');
    expect(v.stderr).toBe(''); // no SEA warning about require()
  });

  it('check: evaluates every check on this machine', async () => {
    const r = await agent(['check', '--json', '--state', join(dir.path, 'nostate')]);
    expect(r.stderr).not.toMatch(/E_COMMAND_REFUSED|Error/);
    const out = JSON.parse(r.stdout) as { results: { id: string; status: string }[] };
    expect(out.results.map((x) => x.id).sort()).toEqual([...CHECK_IDS].sort());
    expect(out.results.every((x) => ['pass', 'fail', 'unknown', 'not_applicable'].includes(x.status))).toBe(true);
  });

  it('enroll + run --once: acknowledged by the collector, which flags the build until it is added', async () => {
    const state = join(dir.path, 'state');
    const t = await c.services.enrolment.createToken({ role: 'workstation', expiresInMs: 60_000, maxUses: 1, actor: 'test' });
    const e = await agent(['enroll', formatEnrolmentString({ url: c.url, token: t.token, caSha256: c.caSha256 }), '--state', state]);
    expect(e.code, e.stderr).toBe(0);
    const r = await agent(['run', '--once', '--state', state, '--timeout', '60s']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/attestation 1 acknowledged/);

    const status = JSON.parse((await agent(['status', '--json', '--state', state])).stdout) as Record<string, unknown>;
    expect(status).toMatchObject({ enrolled: true, spoolDepth: 0, lastAckSeq: 1, lastCycleSeq: 1, daemon: 'not running' });

    const devices = async () => JSON.parse((await cli(COLLECTOR_CLI, ['devices', '--data', c.dataDir, '--json'])).stdout) as { agentBuild: { version: string; binarySha256: string; configSha256: string; status: string } }[];
    const before = (await devices())[0]!.agentBuild;
    expect(before).toMatchObject({ version: '0.1.0-test', binarySha256: built.sha256, status: 'unknown' });
    expect(before.configSha256).toMatch(/^[0-9a-f]{64}$/);
    const add = await cli(COLLECTOR_CLI, ['builds', 'add', join(built.out, 'manifest.json'), '--data', c.dataDir]);
    expect(add.code, add.stderr).toBe(0);
    expect((await devices())[0]!.agentBuild.status).toBe('known');
  });

  it('run: the daemon lowers its priority to nice 10 and status shows it connected, then stopped', async () => {
    const state = join(dir.path, 'state');
    const child = spawn(built.binary, ['run', '--state', state, '--interval', '1h'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr.on('data', (d: Buffer) => (log += d.toString()));
    const exited = new Promise((r) => child.once('exit', r));
    try {
      const status = async () => JSON.parse((await agent(['status', '--json', '--state', state])).stdout) as Record<string, unknown>;
      await until(async () => (await status()).connection === 'connected', 30_000, `connected status (${log})`);
      expect((await status()).daemon).toBe(`running (pid ${child.pid}, version 0.1.0-test)`);
      const stat = readFileSync(`/proc/${child.pid}/stat`, 'utf8');
      expect(Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16])).toBe(10); // field 19: nice
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(JSON.parse((await agent(['status', '--json', '--state', state])).stdout)).toMatchObject({ daemon: 'not running', connection: 'none (agent not running)' });
  });

  it('wrote a .deb beside the binary', () => {
    expect(built.deb && existsSync(built.deb)).toBe(true);
  });
});

// Installs the package on this machine (the tests run as root in CI), then removes and purges it.
describe('vigil-agent .deb and systemd unit', () => {
  const dpkg = (args: string[]) => execFileP('dpkg', args, { timeout: 120_000 });
  const UNIT = '/lib/systemd/system/vigil-agent.service';

  it('installs cleanly, the unit passes systemd-analyze verify, and remove/purge leave nothing behind', async () => {
    await dpkg(['-i', built.deb!]);
    try {
      const status = await execFileP('dpkg-query', ['-W', '-f=${Status} ${Version}', 'vigil-agent']);
      expect(status.stdout).toBe('install ok installed 0.1.0-test');
      expect((await execFileP('/usr/bin/vigil-agent', ['--version'], { env })).stdout.trim()).toBe('0.1.0-test');
      expect(existsSync('/etc/vigil-agent/agent.yaml')).toBe(true);
      // The packaged configuration is valid as shipped.
      const st = JSON.parse((await execFileP('/usr/bin/vigil-agent', ['status', '--json', '--config', '/etc/vigil-agent/agent.yaml', '--state', join(dir.path, 'nostate')], { env })).stdout);
      expect(st).toMatchObject({ configFile: '/etc/vigil-agent/agent.yaml', spoolMaxBytes: 64 * 1024 * 1024 });

      const verify = await execFileP('systemd-analyze', ['verify', UNIT]).then(
        (r) => ({ code: 0, out: r.stdout + r.stderr }),
        (e: { code?: number; stdout?: string; stderr?: string }) => ({ code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` }),
      );
      // verify also reports other units on this machine; nothing may concern ours.
      expect(verify.out.split('\n').filter((l) => /vigil-agent/.test(l))).toEqual([]);
      expect(verify.code, verify.out).toBe(0);
    } finally {
      await dpkg(['-r', 'vigil-agent']);
    }
    expect(existsSync('/usr/bin/vigil-agent')).toBe(false);
    expect(existsSync(UNIT)).toBe(false);
    expect(existsSync('/etc/vigil-agent/agent.yaml')).toBe(true); // a conffile stays until purge
    await dpkg(['-P', 'vigil-agent']);
    expect(existsSync('/etc/vigil-agent/agent.yaml')).toBe(false);
    expect(existsSync('/var/lib/vigil-agent')).toBe(false);
    await expect(execFileP('dpkg-query', ['-W', 'vigil-agent'])).rejects.toBeTruthy();
  });
});
