// Drift to a person, end to end with real processes: a real agent runs inside a Linux network namespace
// whose nftables firewall drops inbound traffic, and talks over TLS WebSocket (through a veth pair) to a
// real collector process; a loopback HTTP receiver stands in for the on-call webhook. The namespace's
// firewall is switched off and the signed webhook must arrive within 60 s (needs root, iproute2, nftables).
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../../collector/db/types.js';
import { tempDir } from '../helpers/collector.js';
import { AGENT_CLI, COLLECTOR_CLI, cli, freePort, start, until, type Child } from '../helpers/processes.js';
import { webhookReceiver } from '../helpers/receivers.js';
import { dbInitArgs } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';
import { dataDir } from '../../collector/config.js';

const SECRET = 'drift-e2e-secret-0123456789abcdef';
const id = randomBytes(3).toString('hex');
const ns = `vigil-al-${id}`;
const hostIf = `vgh${id}`;
const nsIf = `vga${id}`;
const octet = 16 + (parseInt(id, 16) % 200);
const hostIp = `10.231.${octet}.1`;
const nsIp = `10.231.${octet}.2`;
const sh = (cmd: string, args: string[], input?: string) => execFileSync(cmd, args, { input, stdio: ['pipe', 'pipe', 'pipe'] }).toString();

let dir: { path: string; cleanup(): Promise<void> };
let collector: Child;
let agent: ChildProcess | null = null;
let agentOut = '';
let hook: Awaited<ReturnType<typeof webhookReceiver>>;
let db: Db;

beforeAll(async () => {
  sh('ip', ['netns', 'add', ns]);
  sh('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf]);
  sh('ip', ['link', 'set', nsIf, 'netns', ns]);
  sh('ip', ['addr', 'add', `${hostIp}/30`, 'dev', hostIf]);
  sh('ip', ['link', 'set', hostIf, 'up']);
  sh('ip', ['netns', 'exec', ns, 'ip', 'addr', 'add', `${nsIp}/30`, 'dev', nsIf]);
  sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', nsIf, 'up']);
  sh('ip', ['netns', 'exec', ns, 'ip', 'link', 'set', 'lo', 'up']);
  // The device's firewall: inbound dropped except loopback and replies to its own connections.
  sh('ip', ['netns', 'exec', ns, 'nft', '-f', '-'], [
    'table inet filter {',
    '  chain input {',
    '    type filter hook input priority filter; policy drop;',
    '    iif "lo" accept',
    '    ct state established,related accept',
    '  }',
    '}',
  ].join('\n'));

  dir = await tempDir('vigil-drift-');
  hook = await webhookReceiver(SECRET);
  const data = join(dir.path, 'collector');
  const port = await freePort();
  const init = await cli(COLLECTOR_CLI, ['init', '--data', data, '--host', hostIp, '--port', String(port), ...(await dbInitArgs())]);
  expect(init.code, init.stderr).toBe(0);
  writeFileSync(join(data, 'alerts.yaml'), `channels:\n  oncall: { type: webhook, url: "${hook.url}", secret: "${SECRET}" }\nroutes:\n  - match: { kind: [check_fail], check: [firewall] }\n    channels: [oncall]\n`, { mode: 0o600 });
  collector = start(COLLECTOR_CLI, ['start', '--data', data]);
  await collector.waitFor(/listening on https:\/\//);
  db = await openDatabase(dataDir(data));
  const token = await cli(COLLECTOR_CLI, ['token', 'create', '--data', data, '--role', 'workstation', '--expires', '1h', '--json']);
  expect(token.code, token.stderr).toBe(0);
  const { enrolment } = JSON.parse(token.stdout) as { enrolment: string };
  const state = join(dir.path, 'agent');
  sh('ip', ['netns', 'exec', ns, process.execPath, AGENT_CLI, 'enroll', enrolment, '--state', state]);
  // The interval is long: only the drift signal can bring the change in time.
  agent = spawn('ip', ['netns', 'exec', ns, process.execPath, AGENT_CLI, 'run', '--state', state, '--interval', '1h'], { stdio: ['ignore', 'pipe', 'pipe'] });
  agent.stdout!.on('data', (d: Buffer) => (agentOut += d.toString()));
  agent.stderr!.on('data', (d: Buffer) => (agentOut += d.toString()));
}, 120_000);

afterAll(async () => {
  agent?.kill('SIGTERM');
  collector?.proc.kill('SIGTERM');
  await collector?.exited;
  await db?.close();
  await hook?.close();
  try {
    sh('ip', ['link', 'delete', hostIf]);
  } catch {
    /* removed with the namespace */
  }
  sh('ip', ['netns', 'delete', ns]);
  await dir?.cleanup();
});

describe('drift → delivered, real agent in a network namespace', () => {
  it('firewall switched off: a webhook with a valid HMAC arrives within 60 s', async () => {
    const firewall = () => db.get<{ status: string }>("SELECT status FROM check_state WHERE check_id = 'firewall'");
    await until(async () => (await firewall())?.status === 'pass', 90_000, `first attestation with the firewall passing; agent said:\n${agentOut}`).catch((err) => {
      throw new Error(`${(err as Error).message}\n${agentOut}`);
    });
    expect(hook.received).toHaveLength(0);

    const t0 = Date.now();
    sh('ip', ['netns', 'exec', ns, 'nft', 'flush', 'ruleset']);
    const [w] = await hook.waitFor((r) => r.length >= 1, 60_000).catch((err) => {
      throw new Error(`${(err as Error).message}\nagent:\n${agentOut}\ncollector:\n${collector.output()}`);
    });
    const seconds = (w!.at - t0) / 1000;
    console.log(`drift → webhook delivered: ${seconds.toFixed(2)} s (firewall switched off in the namespace at t0)`);
    expect(seconds).toBeLessThan(60);
    expect(w!.signatureValid).toBe(true);
    expect(w!.headers['idempotency-key']).toBe(w!.json.id);
    expect(w!.json).toMatchObject({ event: 'opened', alert: { kind: 'check_fail', check: 'firewall', state: 'open' } });
    expect(agentOut).toMatch(/drift: firewall pass→fail/);
    expect((await firewall())?.status).toBe('fail');
  }, 150_000);
});
