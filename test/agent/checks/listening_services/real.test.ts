// Listening services for real: servers started inside fresh network namespaces (a real OpenSSH sshd, node
// listeners on the telnet and DICOM ports), then the agent's own Linux collect() run inside the namespace
// through a runner that prefixes `ip netns exec NAME`, and the verdict taken under the gateway policy.
// Needs root and iproute2 (as the firewall namespace tests do).
import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import check from '../../../../agent/checks/listening_services/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner, type CommandRunner } from '../../../../agent/runner.js';
import { evaluateResult } from '../../../../protocol/checks/index.js';
import type { ListeningServicesFacts } from '../../../../protocol/checks/listening-services.js';
import { DEFAULT_POLICY } from '../../../../protocol/policy.js';
import { schemaErrors, sh } from '../fakes.js';

function inNetns(ns: string, base: CommandRunner = createRunner()): CommandRunner {
  return (file, args, opts) => base('ip', ['netns', 'exec', ns, file, ...args], opts);
}

const namespaces: string[] = [];
const children: ChildProcess[] = [];
const cleanups: Array<() => void> = [];

function freshNetns(): string {
  const ns = `vigil-ls-${randomBytes(4).toString('hex')}`;
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  namespaces.push(ns);
  return ns;
}

afterEach(async () => {
  for (const c of children.splice(0)) {
    c.kill('SIGTERM');
    await new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(null) : c.once('exit', r)));
  }
  for (const ns of namespaces.splice(0)) sh('ip', ['netns', 'delete', ns]);
  for (const f of cleanups.splice(0)) f();
});

/** Starts a process in the namespace and waits until ss there shows a listener on the port. */
async function serve(ns: string, argv: string[], port: number): Promise<void> {
  const child = spawn('ip', ['netns', 'exec', ns, ...argv], { stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  for (let i = 0; i < 100; i++) {
    if (sh('ip', ['netns', 'exec', ns, 'ss', '-Htln', `sport = :${port}`]).trim()) return;
    if (child.exitCode !== null) throw new Error(`${argv.join(' ')} exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${argv.join(' ')} did not listen on ${port}: ${stderr}`);
}

const nodeListener = (address: string, port: number) => ['node', '-e', `require('net').createServer().listen(${port}, '${address}')`];

function sshd(ns: string, port = 22): Promise<void> {
  // sshd refuses to start without its privilege-separation directory (systemd creates it as RuntimeDirectory).
  if (!existsSync('/run/sshd')) {
    mkdirSync('/run/sshd', { mode: 0o755 });
    cleanups.push(() => rmdirSync('/run/sshd'));
  }
  const dir = mkdtempSync(join(tmpdir(), 'vigil-sshd-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  sh('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, 'host_key')]);
  return serve(ns, ['/usr/sbin/sshd', '-D', '-e', '-f', '/dev/null', '-o', 'PidFile=none', '-h', join(dir, 'host_key'), '-p', String(port)], port);
}

async function verdictIn(ns: string, role = 'gateway') {
  const c = await check.collect({ run: inNetns(ns), files: nodeFiles, now: () => Date.now() });
  expect(c.facts, c.reason).not.toBeNull();
  expect(schemaErrors('listening_services', c.facts)).toEqual([]);
  const params = DEFAULT_POLICY.roles[role]!.listening_services!.params;
  const v = evaluateResult({ id: 'listening_services', status: 'unknown', facts: c.facts }, params, { collectedAt: new Date().toISOString(), role });
  return { facts: c.facts as ListeningServicesFacts, v };
}

describe('listening services in network namespaces (real listeners, real ss)', () => {
  it('telnet on 0.0.0.0 fails', async () => {
    const ns = freshNetns();
    await serve(ns, nodeListener('0.0.0.0', 23), 23);
    const { facts, v } = await verdictIn(ns);
    expect(facts.source).toBe('ss');
    expect(facts.listeners).toContainEqual(expect.objectContaining({ protocol: 'tcp', address: '0.0.0.0', port: 23, process: 'node' }));
    expect(v.status).toBe('fail');
    expect(v.reason).toMatch(/^telnet listens on 0\.0\.0\.0:23 \(node\): credentials travel in the clear/);
  });

  it('only the allowlisted sshd listening: pass', async () => {
    const ns = freshNetns();
    await sshd(ns);
    const { facts, v } = await verdictIn(ns);
    expect(facts.listeners.map((l) => `${l.address}:${l.port} ${l.process}`)).toEqual(expect.arrayContaining(['0.0.0.0:22 sshd']));
    expect(v).toEqual({ status: 'pass' });
  });

  it('sshd plus an unapproved service: fail, naming the service', async () => {
    const ns = freshNetns();
    await sshd(ns);
    await serve(ns, nodeListener('0.0.0.0', 9000), 9000);
    const { v } = await verdictIn(ns);
    expect(v).toEqual({ status: 'fail', reason: 'not on the allowlist: tcp 0.0.0.0:9000 (node)' });
  });

  it('DICOM on 127.0.0.1 passes, on 0.0.0.0 fails', async () => {
    const local = freshNetns();
    await serve(local, nodeListener('127.0.0.1', 104), 104);
    expect((await verdictIn(local)).v.status).toBe('pass');
    const open = freshNetns();
    await serve(open, nodeListener('0.0.0.0', 104), 104);
    const { v } = await verdictIn(open);
    expect(v.status).toBe('fail');
    expect(v.reason).toContain('DICOM listens on every address (0.0.0.0:104 (node))');
  });

  it('the same unapproved service on a workstation passes: only the insecure-service rules apply there', async () => {
    const ns = freshNetns();
    await serve(ns, nodeListener('0.0.0.0', 9000), 9000);
    expect((await verdictIn(ns, 'workstation')).v).toEqual({ status: 'pass' });
  });
}, 60_000);
