// One machine end to end with real processes over real TLS on loopback: the collector CLI as a child
// process, the agent CLI enrolling and streaming; the collector is killed with SIGKILL mid-stream and
// restarted; the agent resumes and the database holds every sequence exactly once. Stored envelopes are
// then checked with openssl, independently of the project's code.
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../protocol/checks/index.js';
import type { Db } from '../../collector/db/types.js';
import { tempDir } from '../helpers/collector.js';
import { AGENT_CLI, COLLECTOR_CLI, VERIFY_CLI, cli, freePort, start, until, type Child } from '../helpers/processes.js';
import { dbInitArgs } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';
import { dataDir } from '../../collector/config.js';

let dir: { path: string; cleanup(): Promise<void> };
let data: string;
let state: string;
let port: number;
let collector: Child;
let db: Db;

const startCollector = async () => {
  const c = start(COLLECTOR_CLI, ['start', '--data', data]);
  await c.waitFor(/listening on https:\/\/127\.0\.0\.1:\d+/);
  return c;
};
const seqs = async () => (await db.all<{ seq: number }>('SELECT seq FROM envelopes ORDER BY seq')).map((r) => r.seq);

beforeAll(async () => {
  dir = await tempDir('vigil-e2e-');
  data = join(dir.path, 'collector');
  state = join(dir.path, 'agent');
  port = await freePort();
  const init = await cli(COLLECTOR_CLI, ['init', '--data', data, '--host', '127.0.0.1', '--port', String(port), ...(await dbInitArgs())]);
  expect(init.code, init.stderr).toBe(0);
  collector = await startCollector();
  db = await openDatabase(dataDir(data));
}, 120_000);

afterAll(async () => {
  collector?.proc.kill('SIGKILL');
  await db?.close();
  await dir?.cleanup();
});

describe('one machine, real processes', () => {
  let deviceId: string;

  it('enrols the agent with a token from the CLI', async () => {
    const token = await cli(COLLECTOR_CLI, ['token', 'create', '--data', data, '--role', 'workstation', '--expires', '1h', '--max-uses', '1', '--json']);
    expect(token.code, token.stderr).toBe(0);
    const { enrolment } = JSON.parse(token.stdout);
    expect(enrolment).toMatch(new RegExp(`^vigil\\+https://127\\.0\\.0\\.1:${port}/\\?token=tok_`));
    const enrolled = await cli(AGENT_CLI, ['enroll', enrolment, '--state', state]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    deviceId = /enrolled as (dev_[0-9a-f]{32})/.exec(enrolled.stdout)![1]!;
    const again = await cli(AGENT_CLI, ['enroll', enrolment, '--state', join(dir.path, 'agent2')]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/E_TOKEN_EXHAUSTED/);
  });

  it('run --once: one cycle, acked, results evaluated and mapped to Annex A', async () => {
    const t0 = Date.now();
    const once = await cli(AGENT_CLI, ['run', '--once', '--state', state]);
    expect(once.code, once.stderr).toBe(0);
    expect(once.stdout).toMatch(/attestation 1 acknowledged/);
    console.log(`run --once cycle + delivery: ${Date.now() - t0} ms`);
    expect(await seqs()).toEqual([1]);
    const show = await cli(COLLECTOR_CLI, ['device', 'show', deviceId, '--data', data, '--json']);
    const results = JSON.parse(show.stdout).checks as { checkId: string; status: string; reason: string | null }[];
    expect(results.map((r) => r.checkId).sort()).toEqual([...CHECK_IDS].sort());
    for (const r of results) {
      expect(['pass', 'fail', 'unknown', 'error', 'not_applicable']).toContain(r.status);
      if (r.status !== 'pass') expect(r.reason, r.checkId).toBeTruthy();
    }
    const controls = JSON.parse((await cli(COLLECTOR_CLI, ['controls', '--device', deviceId, '--data', data, '--json'])).stdout) as { id: string; status: string }[];
    expect(controls.map((c) => c.id)).toEqual(expect.arrayContaining(['8.1', '8.8', '8.20', '8.24', '5.9']));
    const table = await cli(COLLECTOR_CLI, ['controls', '--data', data]);
    expect(table.stdout).toMatch(/A\.8\.24\s+Use of cryptography/);
  });

  it('check and devices print what hospital IT reads on the terminal', async () => {
    const check = await cli(AGENT_CLI, ['check', '--json', '--state', state]);
    const out = JSON.parse(check.stdout) as { role: string; results: { id: string; status: string }[] };
    expect(out.role).toBe('workstation');
    expect(out.results.map((r) => r.id)).toEqual(CHECK_IDS);
    expect(check.code).toBe(out.results.every((r) => r.status === 'pass') ? 0 : 1);
    const table = await cli(AGENT_CLI, ['check', '--state', state]);
    expect(table.stdout).toMatch(/^CHECK\s+STATUS\s+REASON\s+FACTS/);
    const devices = await cli(COLLECTOR_CLI, ['devices', '--data', data]);
    expect(devices.stdout).toContain(deviceId);
    expect(devices.stdout).toMatch(/workstation/);
  });

  it('survives a collector SIGKILL mid-stream: every sequence stored exactly once', async () => {
    const agent = start(AGENT_CLI, ['run', '--state', state, '--interval', '1s']);
    try {
      await until(async () => (await seqs()).length >= 3, 60_000, 'three attestations');
      collector.proc.kill('SIGKILL');
      await collector.exited;
      const killedAt = (await seqs()).length;
      // The agent keeps checking and spooling while the collector is down.
      await until(async () => readdirSync(join(state, 'spool')).filter((f) => f.endsWith('.json')).length >= 2, 30_000, 'spooled entries');
      collector = await startCollector();
      await until(async () => (await seqs()).length >= killedAt + 3, 120_000, 'resumed delivery');
      await agent.waitFor(/connected to .*collector holds up to sequence/, 10_000);
    } catch (err) {
      // What the two processes said, for a failure on a loaded CI machine.
      console.error(`agent output:\n${agent.output().slice(-6000)}\ncollector output:\n${collector.output().slice(-3000)}`);
      throw err;
    } finally {
      agent.proc.kill('SIGTERM');
      await agent.exited;
    }
    // Deliver anything still spooled, plus one more cycle.
    const once = await cli(AGENT_CLI, ['run', '--once', '--state', state]);
    expect(once.code, once.stderr).toBe(0);
    const chain = JSON.parse(readFileSync(join(state, 'chain.json'), 'utf8')) as { lastSeq: number };
    const stored = await seqs();
    expect(stored).toEqual(Array.from({ length: chain.lastSeq }, (_, i) => i + 1));
    expect(readdirSync(join(state, 'spool')).filter((f) => f.endsWith('.json'))).toEqual([]);
    const tamper = await db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tamper_events');
    expect(tamper!.n).toBe(0);
    console.log(`stored ${stored.length} attestations across a collector SIGKILL, none lost or duplicated`);
  }, 300_000);

  it('stored envelopes verify with openssl alone (PAE rebuilt, ECDSA P-256 signature)', async () => {
    const dev = await db.get<{ public_key_pem: string }>('SELECT public_key_pem FROM devices WHERE id = ?', [deviceId]);
    const rows = await db.all<{ seq: number; bytes: Buffer }>('SELECT seq, bytes FROM envelopes WHERE device_id = ? ORDER BY seq LIMIT 3', [deviceId]);
    const pub = join(dir.path, 'pub.pem');
    writeFileSync(pub, dev!.public_key_pem);
    for (const row of rows) {
      const env = JSON.parse(row.bytes.toString('utf8'));
      const body = Buffer.from(env.payload, 'base64');
      const type = Buffer.from(env.payloadType);
      const paeFile = join(dir.path, `pae-${row.seq}.bin`);
      const sigFile = join(dir.path, `sig-${row.seq}.der`);
      writeFileSync(paeFile, Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${body.length} `), body]));
      writeFileSync(sigFile, Buffer.from(env.signatures[0].sig, 'base64'));
      const out = execFileSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sigFile, paeFile]).toString();
      expect(out.trim()).toBe('Verified OK');
      writeFileSync(paeFile, Buffer.concat([readFileSync(paeFile), Buffer.from(' ')]));
      expect(() => execFileSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', sigFile, paeFile], { stdio: 'pipe' })).toThrow();
    }
  });

  it('exports the evidence with the CLI; vigil verify checks it offline and openssl checks an exported envelope', async () => {
    const out = join(dir.path, 'evidence.tar.gz');
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const exp = await cli(COLLECTOR_CLI, ['export', '--data', data, '--from', from, '--to', new Date().toISOString(), '--out', out, '--envelopes', 'period']);
    expect(exp.code, exp.stderr).toBe(0);
    expect(exp.stdout).toMatch(/^wrote .*evidence\.tar\.gz: \d+ bytes, sha256 [0-9a-f]{64}$/m);
    const fingerprint = /signed by export key sha256:([0-9a-f]{64})/.exec(exp.stdout)![1]!;
    const verified = await cli(VERIFY_CLI, ['verify', out, '--key', `sha256:${fingerprint}`]);
    expect(verified.code, verified.stdout).toBe(0);
    expect(verified.stdout).toMatch(new RegExp(`${deviceId}\\s+\\S+\\s+(\\d+)\\s+1-\\d+\\s+ok\\s+ok`));
    const x = join(dir.path, 'x');
    execFileSync('mkdir', ['-p', x]);
    execFileSync('tar', ['xzf', out, '-C', x]);
    const pub = join(x, 'device.pem');
    writeFileSync(pub, JSON.parse(readFileSync(join(x, 'devices', `${deviceId}.json`), 'utf8')).publicKeyPem);
    const env = JSON.parse(readFileSync(join(x, 'envelopes', deviceId, '000000000001.dsse.json'), 'utf8'));
    const body = Buffer.from(env.payload, 'base64');
    writeFileSync(join(x, 'pae.bin'), Buffer.concat([Buffer.from(`DSSEv1 ${Buffer.byteLength(env.payloadType)} ${env.payloadType} ${body.length} `), body]));
    writeFileSync(join(x, 'sig.der'), Buffer.from(env.signatures[0].sig, 'base64'));
    expect(execFileSync('openssl', ['dgst', '-sha256', '-verify', pub, '-signature', join(x, 'sig.der'), join(x, 'pae.bin')]).toString().trim()).toBe('Verified OK');
  }, 120_000);

  it('run --once exits non-zero with a clear message when nothing acks in time', async () => {
    collector.proc.kill('SIGKILL');
    await collector.exited;
    const once = await cli(AGENT_CLI, ['run', '--once', '--state', state, '--timeout', '3s']);
    expect(once.code).toBe(2);
    expect(once.stderr).toMatch(/E_NOT_ACKED: 1 attestation\(s\) not acknowledged within 3 s: E_CONNECT/);
    collector = await startCollector();
  }, 60_000);
});
