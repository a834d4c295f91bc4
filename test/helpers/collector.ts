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
import { createHash } from 'node:crypto';

export async function tempDir(prefix = 'vigil-test-'): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export async function startTestCollector(overrides: Partial<CollectorConfig> = {}): Promise<RunningCollector & { dataDir: string; cleanup(): Promise<void> }> {
  const dir = await tempDir();
  const init = await initDataDir(dir.path, { host: '127.0.0.1', port: 0 });
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
export async function enrolTestDevice(c: RunningCollector, role = 'workstation'): Promise<TestDevice> {
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
export function envelopeFor(d: TestDevice, seq: number, previous: string, opts: { key?: KeyObject; collectedAt?: string; checks?: Predicate['checks']; subject?: string } = {}): string {
  const predicate: Predicate = {
    sequence: seq,
    previous,
    collectedAt: opts.collectedAt ?? new Date().toISOString(),
    agent: { version: 'test' },
    device: { ...DEVICE, role: 'workstation' },
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
