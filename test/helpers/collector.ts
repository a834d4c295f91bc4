// Test harness: a real collector (real SQLite file, real TLS on loopback) in-process, and a scripted
// client that speaks the wire protocol with its own key: the hostile device.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { signEnvelope } from '../../protocol/dsse.js';
import { canonicalBytes } from '../../protocol/jcs.js';
import { keyIdOf, publicKeyDigest } from '../../protocol/keys.js';
import { PROTOCOL_VERSION, SESSION_PROOF_TYPE, signProof, type DeviceFacts } from '../../protocol/messages.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../../protocol/statement.js';
import { startCollector, initDataDir, type RunningCollector } from '../../collector/server.js';
import { saveConfig, type CollectorConfig } from '../../collector/config.js';
import type { CollectorServices } from '../../collector/app.js';
import { createHash } from 'node:crypto';
import { dbOverrides } from './db.js';

export async function tempDir(prefix = 'vigil-test-'): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function startTestCollector(overrides: Partial<CollectorConfig> = {}): Promise<RunningCollector & { dataDir: string; cleanup(): Promise<void> }> {
  const dir = await tempDir();
  const init = await initDataDir(dir.path, { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
  await saveConfig(init.dir, { ...init.config, ...overrides });
  const c = await startCollector(dir.path);
  return Object.assign(c, {
    dataDir: dir.path,
    async cleanup() {
      await c.close();
      await dir.cleanup();
    },
  });
}

export const DEVICE: DeviceFacts = { hostname: 'test-host', os: { platform: 'linux', name: 'Debian GNU/Linux', version: '12' }, arch: 'x64' };

export interface TestDevice {
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  digest: string;
}

/** Enrols a device key directly through the collector's service (the enrolment ceremony has its own tests). */
export async function enrolTestDevice(c: { services: CollectorServices }, role = 'workstation'): Promise<TestDevice> {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const t = await c.services.enrolment.createToken({ role, expiresInMs: 60_000, maxUses: 1, actor: 'test' });
  const ch = await c.services.enrolment.challenge(t.token, '127.0.0.1');
  const { ENROL_PROOF_TYPE } = await import('../../protocol/messages.js');
  const res = await c.services.enrolment.enrol(
    {
      v: 1,
      token: t.token,
      nonce: ch.nonce,
      publicKey: publicKeyPem,
      device: DEVICE,
      agentVersion: 'test',
      proof: signProof(ENROL_PROOF_TYPE, { nonce: ch.nonce, publicKey: publicKeyPem, token: t.token }, privateKey),
    },
    '127.0.0.1',
  );
  return { id: res.deviceId, privateKey, publicKey, publicKeyPem, digest: publicKeyDigest(publicKey) };
}

export function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** A signed envelope for the device, with everything overridable for hostile variants. */
export function envelopeFor(
  d: TestDevice,
  seq: number,
  previous: string,
  opts: { key?: KeyObject; collectedAt?: string; checks?: Predicate['checks']; subject?: string; device?: Partial<DeviceFacts> } = {},
): string {
  const predicate: Predicate = {
    sequence: seq,
    previous,
    collectedAt: opts.collectedAt ?? new Date().toISOString(),
    agent: { version: 'test' },
    device: { ...DEVICE, ...opts.device, role: 'workstation' },
    checks: opts.checks ?? [
      { id: 'firewall', status: 'pass', facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'deny' }] }, evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }] },
    ],
  };
  const statement = buildStatement(opts.subject ?? d.digest, 'device:hostname:test-host', predicate);
  const key = opts.key ?? d.privateKey;
  return JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(statement), key, keyIdOf(d.publicKey)));
}

export interface WireClient {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  next(type?: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  send(obj: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

export async function connect(c: RunningCollector, caPem: string): Promise<WireClient> {
  const url = c.url.replace(/^https/, 'wss') + '/api/v1/stream';
  const ws = new WebSocket(url, { ca: caPem, maxPayload: 64 * 1024 * 1024 });
  const messages: Record<string, unknown>[] = [];
  const waiters: (() => void)[] = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(data.toString()));
    waiters.splice(0).forEach((w) => w());
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => {
    resolve({ code, reason: reason.toString() });
    waiters.splice(0).forEach((w) => w());
  }));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let cursor = 0;
  return {
    ws,
    messages,
    closed,
    send: (obj) => ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj)),
    async next(type, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < messages.length) {
          const m = messages[cursor++]!;
          if (!type || m.type === type) return m;
        }
        if (Date.now() > deadline || ws.readyState === ws.CLOSED) throw new Error(`no ${type ?? 'message'} received; got ${JSON.stringify(messages)}`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 100);
        });
      }
    },
  };
}

/** Connects and completes the handshake as the device. */
export async function session(c: RunningCollector, caPem: string, d: TestDevice, opts: { time?: string; key?: KeyObject } = {}): Promise<WireClient & { welcome: Record<string, unknown> }> {
  const client = await connect(c, caPem);
  const challenge = await client.next('challenge');
  const time = opts.time ?? new Date().toISOString();
  client.send({
    v: PROTOCOL_VERSION,
    type: 'hello',
    deviceId: d.id,
    nonce: challenge.nonce,
    time,
    agentVersion: 'test',
    proof: signProof(SESSION_PROOF_TYPE, { nonce: challenge.nonce as string, deviceId: d.id, time }, opts.key ?? d.privateKey),
  });
  const welcome = await client.next();
  return Object.assign(client, { welcome });
}

export async function countEnvelopes(c: RunningCollector, deviceId?: string): Promise<number> {
  const row = deviceId
    ? await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes WHERE device_id = ?', [deviceId])
    : await c.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM envelopes');
  return row?.n ?? 0;
}

export async function tamperCodes(c: RunningCollector, deviceId: string): Promise<string[]> {
  return (await c.services.devices.tamperEvents(deviceId)).map((t) => t.code);
}

export { generateKeyPairSync };

/**
 * Stores a run of attestations for a device through the collector's ingest (verification, evaluation,
 * history), continuing its chain; each step says when it was collected and what the checks saw.
 */
export async function deliver(
  c: { services: CollectorServices },
  d: TestDevice,
  steps: { collectedAt: string; checks: Predicate['checks']; device?: Partial<DeviceFacts> }[],
): Promise<string[]> {
  const texts: string[] = [];
  for (const step of steps) {
    const row = await c.services.ingest.device(d.id);
    if (!row) throw new Error(`device ${d.id} is not enrolled`);
    const seq = row.last_seq + 1;
    const text = envelopeFor(d, seq, row.last_seq === 0 ? d.digest : row.last_hash!, step);
    await c.services.ingest.ingest(row, seq, text, 'test');
    texts.push(text);
  }
  return texts;
}

export const DAY_MS = 86_400_000;
export const daysAgo = (n: number, base = Date.now()) => new Date(base - n * DAY_MS).toISOString();

/** Firewall facts that pass or fail under the default policy (the quickest check to steer). */
export function firewallCheck(status: 'pass' | 'fail'): Predicate['checks'][number] {
  return {
    id: 'firewall',
    status,
    facts: { backends: [{ name: 'nftables', active: status === 'pass', inboundDefault: status === 'pass' ? 'deny' : null }] },
    evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }],
  };
}

export function usbCheck(status: 'pass' | 'fail'): Predicate['checks'][number] {
  return { id: 'usb_storage', status, facts: { blocked: status === 'pass', mechanisms: [{ name: 'modprobe usb-storage', blocking: status === 'pass' }] }, evidence: [{ source: 'modprobe -n -v usb-storage', exitCode: 0 }] };
}

/** Firewall facts the agent could not read (needs root): unknown. */
export function firewallUnknown(): Predicate['checks'][number] {
  return { id: 'firewall', status: 'unknown', facts: { backends: [{ name: 'nftables', active: null, inboundDefault: null, detail: 'nft needs root' }] }, evidence: [{ source: 'nft -j list ruleset', exitCode: 1 }] };
}

/**
 * Services over a fresh data directory with a clock the test moves: waiver expiry and as-of views without
 * waiting. Ingest accepts evidence up to 30 days older than the clock.
 */
export async function servicesWithClock(start = new Date('2026-03-01T12:00:00.000Z')) {
  const dir = await tempDir();
  const { initDataDir: init } = await import('../../collector/server.js');
  const { openDatabase } = await import('../../collector/db/open.js');
  const { buildServices } = await import('../../collector/app.js');
  const { PolicyStore } = await import('../../collector/policy/store.js');
  const r = await init(dir.path, { host: '127.0.0.1', port: 0, ...(await dbOverrides()) });
  const db = await openDatabase(r.dir, r.config);
  const clock = { now: start };
  const policy = await PolicyStore.open(r.policyFile, db, { now: () => clock.now });
  const services = buildServices(db, r.config, { dataRoot: r.dir.root, now: () => clock.now, policy: () => policy.current().policy });
  return {
    services,
    db,
    policy,
    dataDir: r.dir.root,
    clock,
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    async cleanup() {
      await policy.close();
      await db.close();
      await dir.cleanup();
    },
  };
}

/** The thirteen workstation checks the fleet simulator knows, as an agent reports them, passing unless told otherwise. */
export async function fullChecks(outcomes: Record<string, 'pass' | 'fail' | 'unknown'> = {}, collectedAt = new Date().toISOString()): Promise<Predicate['checks']> {
  const { SIM_CHECKS, checkEntry, rng } = await import('../../scripts/fleet-sim.js');
  const r = rng(42);
  return SIM_CHECKS.map((id) => checkEntry(id, outcomes[id] ?? 'pass', 'win32', collectedAt, r));
}
