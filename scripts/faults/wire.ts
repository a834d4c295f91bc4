// A scripted device on the wire protocol, for faults the real agent cannot be made to show (a skewed
// clock, a reader that never reads): its own handshake and hand-built attestations with any collection
// time.
import { createHash } from 'node:crypto';
import WebSocket from 'ws';
import type { DeviceKey } from '../../agent/keystore.js';
import type { Enrolment } from '../../agent/state.js';
import { signEnvelope } from '../../protocol/dsse.js';
import { canonicalBytes } from '../../protocol/jcs.js';
import { PROTOCOL_VERSION, SESSION_PROOF_TYPE, signProof } from '../../protocol/messages.js';
import { PAYLOAD_TYPE, buildStatement, type Predicate } from '../../protocol/statement.js';
import { SIM_FACTS } from './harness.js';

export interface WireSession {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  next(type?: string, timeoutMs?: number): Promise<Record<string, unknown>>;
  send(obj: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
}

export function streamUrl(enrolment: Enrolment): string {
  const u = new URL('/api/v1/stream', enrolment.url);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  return u.toString();
}

export async function connectWire(enrolment: Enrolment): Promise<WireSession> {
  const ws = new WebSocket(streamUrl(enrolment), { ca: enrolment.caPem, perMessageDeflate: false });
  const messages: Record<string, unknown>[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString()) as Record<string, unknown>));
  ws.on('error', () => undefined);
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  let cursor = 0;
  return {
    ws,
    messages,
    closed,
    send: (obj) => ws.send(JSON.stringify(obj)),
    async next(type, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        while (cursor < messages.length) {
          const m = messages[cursor++]!;
          if (!type || m.type === type || m.type === 'error') return m;
        }
        if (Date.now() > deadline || ws.readyState === ws.CLOSED) throw new Error(`no ${type ?? 'message'}; got ${JSON.stringify(messages).slice(0, 500)}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Challenge → hello (with the given clock) → the collector's answer (welcome or error). */
export async function handshake(enrolment: Enrolment, key: DeviceKey, time: Date = new Date()): Promise<WireSession & { answer: Record<string, unknown> }> {
  const s = await connectWire(enrolment);
  const challenge = await s.next('challenge');
  const t = time.toISOString();
  s.send({
    v: PROTOCOL_VERSION,
    type: 'hello',
    deviceId: enrolment.deviceId,
    nonce: challenge.nonce,
    time: t,
    agentVersion: 'fault-wire',
    proof: signProof(SESSION_PROOF_TYPE, { nonce: challenge.nonce as string, deviceId: enrolment.deviceId, time: t }, key.privateKey),
  });
  return Object.assign(s, { answer: await s.next('welcome') });
}

/** A signed attestation (a passing firewall check) continuing the chain at `previous`. */
export function attestation(key: DeviceKey, seq: number, previous: string, collectedAt: string, padding = 0): string {
  const predicate: Predicate = {
    sequence: seq,
    previous,
    collectedAt,
    agent: { version: 'fault-wire' },
    device: { ...SIM_FACTS, role: 'workstation' },
    checks: [
      {
        id: 'firewall',
        status: 'pass',
        facts: { backends: [{ name: 'nftables', active: true, inboundDefault: 'deny' }], ...(padding ? { note: 'x'.repeat(padding) } : {}) },
        evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }],
      },
    ],
  };
  const statement = buildStatement(key.digest, `device:hostname:${SIM_FACTS.hostname}`, predicate);
  return JSON.stringify(signEnvelope(PAYLOAD_TYPE, canonicalBytes(statement), key.privateKey, key.keyid));
}

export const hashOf = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
