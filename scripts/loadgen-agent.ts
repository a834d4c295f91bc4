// One simulated agent of the load generator: its own P-256 key, real enrolment over HTTPS, a real TLS
// WebSocket session (challenge → hello with proof → welcome), an in-memory spool of signed attestations
// sent in order with at most `window` un-acked, resumption from welcome.lastSeq, and reconnection with the
// real agent's jittered backoff. It never resends an attestation once acked.
import { createHash, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Agent as HttpsAgent, request } from 'node:https';
import WebSocket from 'ws';
import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type ConnectionOptions, type SecureContext } from 'node:tls';
import { Backoff } from '../agent/daemon.js';
import { resumingConnect, type TlsSessionCache } from '../agent/tls-session.js';
import { keyIdOf, publicKeyDigest } from '../protocol/keys.js';
import { ENROL_PROOF_TYPE, MAX_FRAME_BYTES, PROTOCOL_VERSION, SESSION_PROOF_TYPE, signProof } from '../protocol/messages.js';
import { allChecks, predicateFor, signedEnvelope, simFacts, type SimDevice } from './fleet-sim.js';

const AGENT_VERSION = 'loadgen-0.1.0';
const HANDSHAKE_TIMEOUT_MS = 15_000;
const DAY_MS = 86_400_000;

/** What the state file keeps per device, so a rerun skips enrolment. */
export interface Identity {
  index: number;
  id: string;
  /** PKCS#8 PEM. */
  key: string;
  /** Last sequence this device created and had acked, and that envelope's sha256 (null: none yet). */
  headSeq: number;
  headHash: string | null;
  /** The TLS session ticket last received (base64): a real agent keeps it in memory across a collector restart. */
  tlsSession?: string;
}

/** Counters shared by all agents of one process; the process reports them. */
export interface Counters {
  enrolled: number;
  connected: number;
  sessions: number;
  spooled: number;
  sent: number;
  resent: number;
  acked: number;
  duplicates: number;
  /** Spooled attestations the collector already held at welcome (their ack was lost in a crash). */
  confirmedByWelcome: number;
  /** Acked attestations the collector no longer held at welcome. */
  lost: number;
  /** Spool re-signed onto the collector's chain head (the state file was older than the collector). */
  resynced: number;
  errors: Record<string, number>;
  firstSendAt: number;
  lastAckAt: number;
  /** Send → ack, ms; a bounded uniform sample (reservoir). */
  latencies: number[];
  latencySeen: number;
}

export function newCounters(): Counters {
  return {
    enrolled: 0, connected: 0, sessions: 0, spooled: 0, sent: 0, resent: 0, acked: 0, duplicates: 0, confirmedByWelcome: 0,
    lost: 0, resynced: 0, errors: {}, firstSendAt: 0, lastAckAt: 0, latencies: [], latencySeen: 0,
  };
}

const LATENCY_SAMPLE = 50_000;

function countError(c: Counters, code: string): void {
  c.errors[code] = (c.errors[code] ?? 0) + 1;
}

function sampleLatency(c: Counters, ms: number): void {
  c.latencySeen++;
  if (c.latencies.length < LATENCY_SAMPLE) c.latencies.push(ms);
  else {
    const j = Math.floor(Math.random() * c.latencySeen);
    if (j < LATENCY_SAMPLE) c.latencies[j] = ms;
  }
}

export interface Target {
  /** https://host:port */
  url: string;
  caPem: string;
  token: string | null;
}

interface Entry {
  seq: number;
  text: string;
  hash: string;
  sentAt: number;
  sends: number;
}

/** 127.0.0.0/8 address for a source slot: 127.1.0.1 upwards (ephemeral ports are per source address). */
export function sourceAddress(slot: number): string {
  const n = slot + 1;
  return `127.${1 + ((n >> 16) & 0x7f)}.${(n >> 8) & 0xff}.${n & 0xff}`;
}

function post<T>(target: Target, path: string, body: unknown, localAddress: string, agent: HttpsAgent): Promise<{ status: number; body: T }> {
  const u = new URL(path, target.url);
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname,
        method: 'POST',
        ca: target.caPem,
        localAddress,
        agent,
        timeout: 60_000,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as T });
          } catch (err) {
            reject(err);
          }
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('enrolment request timed out')));
    req.on('error', reject);
    req.end(data);
  });
}

export class EnrolError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/**
 * The enrolment ceremony as the agent runs it: challenge with the token, then key + facts + proof of
 * possession over (nonce, key, token).
 */
export async function enrol(target: Target, index: number, privateKey: KeyObject, localAddress: string): Promise<string> {
  const token = target.token;
  if (!token) throw new EnrolError('E_NO_TOKEN', 'no enrolment token (--token or --data)');
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'pem' }).toString();
  // Challenge and enrolment over one TLS connection, as the agent's HTTP client does with keep-alive.
  const agent = new HttpsAgent({ keepAlive: true, maxSockets: 1 });
  try {
    return await enrolOver(agent, { ...target, token }, index, privateKey, publicKey, localAddress);
  } finally {
    agent.destroy();
  }
}

async function enrolOver(agent: HttpsAgent, target: Target & { token: string }, index: number, privateKey: KeyObject, publicKey: string, localAddress: string): Promise<string> {
  const ch = await post<{ nonce?: string; code?: string; message?: string }>(target, '/api/v1/enrol/challenge', { v: PROTOCOL_VERSION, token: target.token }, localAddress, agent);
  if (ch.status !== 200 || !ch.body.nonce) throw new EnrolError(ch.body.code ?? `HTTP_${ch.status}`, ch.body.message ?? 'challenge refused');
  const nonce = ch.body.nonce;
  const res = await post<{ deviceId?: string; code?: string; message?: string }>(
    target,
    '/api/v1/enrol',
    {
      v: PROTOCOL_VERSION,
      token: target.token,
      nonce,
      publicKey,
      device: simFacts(index).facts,
      agentVersion: AGENT_VERSION,
      proof: signProof(ENROL_PROOF_TYPE, { nonce, publicKey, token: target.token }, privateKey),
    },
    localAddress,
    agent,
  );
  if (res.status !== 200 || !res.body.deviceId) throw new EnrolError(res.body.code ?? `HTTP_${res.status}`, res.body.message ?? 'enrolment refused');
  return res.body.deviceId;
}

export function simDeviceOf(identity: Identity, role = 'workstation'): SimDevice {
  const privateKey = createPrivateKey(identity.key);
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKey,
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    digest: publicKeyDigest(publicKey),
    keyId: keyIdOf(publicKey),
    ...simFacts(identity.index),
    role,
  };
}

export interface AgentEnv {
  target: Target;
  streamUrl: string;
  /** The collector's address, for the TCP connection the TLS WebSocket then runs over. */
  host: string;
  port: number;
  counters: Counters;
  stopping(): boolean;
  /** Called when the agent's spool is empty after a welcome or an ack. */
  onDrained(agent: SimAgent): void;
  /** Offer the last TLS session ticket on reconnect (as the agent does); false: a full handshake every time. */
  resumeTls: boolean;
  /**
   * The pinned CA, parsed once for every simulated agent of this process: one real agent builds its own,
   * but ten thousand rebuilding it on every retry would spend the load generator's CPU, not the collector's.
   */
  secureContext: SecureContext;
}

export class SimAgent {
  private readonly spool: Entry[] = [];
  private inFlight = 0;
  private ws: WebSocket | null = null;
  private window = 1;
  private readonly backoff = new Backoff();
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** A TCP connection attempt is under way (no WebSocket yet). */
  private connecting = false;
  private online = false;
  /** Has had a welcome at least once in this run. */
  welcomed = false;
  private lastCreated: { seq: number; hash: string | null };
  /** The identity's TLS session ticket, as the agent's in-memory cache. */
  private readonly tls: TlsSessionCache;

  constructor(
    private readonly env: AgentEnv,
    readonly identity: Identity,
    private readonly device: SimDevice,
    readonly localAddress: string,
  ) {
    this.lastCreated = { seq: identity.headSeq, hash: identity.headHash };
    this.tls = {
      get session() {
        return identity.tlsSession === undefined ? undefined : Buffer.from(identity.tlsSession, 'base64');
      },
      set session(ticket: Buffer | undefined) {
        identity.tlsSession = ticket?.toString('base64');
      },
    };
  }

  get pending(): number {
    return this.spool.length;
  }

  /** One check cycle's attestation, signed and spooled (sent at once when connected). */
  attest(): void {
    const seq = this.lastCreated.seq + 1;
    const previous = this.lastCreated.hash ?? this.device.digest;
    const entry = this.sign(seq, previous);
    this.spool.push(entry);
    this.lastCreated = { seq, hash: entry.hash };
    this.env.counters.spooled++;
    this.pump();
  }

  private sign(seq: number, previous: string): Entry {
    const now = Date.now();
    const collectedAt = new Date(now).toISOString();
    const checks = allChecks(this.device, this.identity.index, Math.floor(now / DAY_MS), collectedAt);
    const text = signedEnvelope(this.device, predicateFor(this.device, seq, previous, collectedAt, checks));
    return { seq, text, hash: createHash('sha256').update(text).digest('hex'), sentAt: 0, sends: 0 };
  }

  /**
   * TCP first, then TLS and the WebSocket over the connected socket. A refused attempt (collector
   * restarting) then costs this process a socket only: ten thousand simulated agents building a TLS
   * connection for every refused retry would spend the collector's machine's CPU, where a real agent spends
   * its own.
   */
  connect(): void {
    if (this.ws || this.connecting || this.env.stopping()) return;
    this.connecting = true;
    const c = this.env.counters;
    const sock = netConnect({ host: this.env.host, port: this.env.port, localAddress: this.localAddress });
    const timer = setTimeout(() => sock.destroy(Object.assign(new Error('connect timed out'), { code: 'ETIMEDOUT' })), HANDSHAKE_TIMEOUT_MS);
    sock.once('error', (err: Error & { code?: string }) => {
      clearTimeout(timer);
      this.connecting = false;
      countError(c, err.code ?? 'E_CONNECT');
      this.retry(err.code === 'ECONNREFUSED');
    });
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      this.connecting = false;
      if (this.env.stopping()) sock.destroy();
      else this.open(sock);
    });
  }

  private retry(refused: boolean): void {
    if (this.env.stopping()) return;
    // The real agent's backoff, including its shorter ceiling while the collector refuses connections.
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoff.next(refused));
  }

  private open(sock: Socket): void {
    const c = this.env.counters;
    const overSocket = (opts: ConnectionOptions & { host?: string }) => ({ ...opts, socket: sock });
    const resuming = resumingConnect(this.tls);
    const ws = new WebSocket(this.env.streamUrl, {
      // ws hands its options to tls.connect, secureContext included (its typings list only `ca`).
      ...({ secureContext: this.env.secureContext } as object),
      rejectUnauthorized: true,
      createConnection: (this.env.resumeTls ? (opts: ConnectionOptions & { host?: string }) => resuming(overSocket(opts)) : (opts: ConnectionOptions) => tlsConnect(overSocket(opts))) as never,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    this.ws = ws;
    ws.on('error', (err: Error & { code?: string }) => {
      if (!this.online) countError(c, err.code ?? 'E_CONNECT');
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      let m: { type?: string; [k: string]: unknown };
      try {
        m = JSON.parse(data.toString());
      } catch {
        countError(c, 'E_MALFORMED_MESSAGE');
        ws.close(1008);
        return;
      }
      this.onMessage(ws, m);
    });
    ws.on('close', () => {
      if (this.online) c.connected--;
      this.online = false;
      this.ws = null;
      this.inFlight = 0;
      this.retry(false);
    });
  }

  private onMessage(ws: WebSocket, m: { type?: string; [k: string]: unknown }): void {
    const c = this.env.counters;
    switch (m.type) {
      case 'challenge': {
        const time = new Date().toISOString();
        const nonce = String(m.nonce);
        const deviceId = this.identity.id;
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', deviceId, nonce, time, agentVersion: AGENT_VERSION, proof: signProof(SESSION_PROOF_TYPE, { nonce, deviceId, time }, this.device.privateKey) }));
        return;
      }
      case 'welcome':
        this.online = true;
        this.welcomed = true;
        this.backoff.reset();
        c.connected++;
        c.sessions++;
        this.window = Number(m.window) || 1;
        this.resume(Number(m.lastSeq), (m.lastHash as string | null) ?? null);
        this.pump();
        if (!this.spool.length) this.env.onDrained(this);
        return;
      case 'ack':
        this.onAck(Number(m.seq), m.duplicate === true);
        return;
      case 'error':
        countError(c, String(m.code));
        return;
      case 'recheck':
        this.attest();
        return;
      default:
        countError(c, 'E_UNEXPECTED_MESSAGE');
    }
  }

  /** Line the spool up with what the collector says it holds. */
  private resume(lastSeq: number, lastHash: string | null): void {
    const c = this.env.counters;
    const acked = this.identity.headSeq;
    if (lastSeq > this.lastCreated.seq) {
      // The collector is ahead of everything this device created: the state file is older than the
      // collector's database. Re-sign the spool onto the collector's head rather than fork the chain.
      this.rechain(lastSeq, lastHash);
      return;
    }
    if (lastSeq < acked) {
      // Acked evidence the collector no longer has: a loss. The chain must continue from its head.
      c.lost += acked - lastSeq;
      this.identity.headSeq = lastSeq;
      this.identity.headHash = lastHash;
      this.rechain(lastSeq, lastHash);
      return;
    }
    // Stored before the crash, ack never arrived: confirmed now, never resent.
    while (this.spool.length && this.spool[0]!.seq <= lastSeq) {
      const e = this.spool.shift()!;
      c.confirmedByWelcome++;
      this.identity.headSeq = e.seq;
      this.identity.headHash = e.hash;
    }
  }

  private rechain(lastSeq: number, lastHash: string | null): void {
    const n = this.spool.length;
    this.spool.length = 0;
    this.lastCreated = { seq: lastSeq, hash: lastHash };
    this.identity.headSeq = lastSeq;
    this.identity.headHash = lastHash;
    for (let i = 0; i < n; i++) {
      const seq = this.lastCreated.seq + 1;
      const e = this.sign(seq, this.lastCreated.hash ?? this.device.digest);
      this.spool.push(e);
      this.lastCreated = { seq, hash: e.hash };
    }
    this.env.counters.resynced += n;
  }

  private pump(): void {
    const ws = this.ws;
    if (!ws || !this.online) return;
    const c = this.env.counters;
    while (this.inFlight < this.window && this.inFlight < this.spool.length) {
      const e = this.spool[this.inFlight++]!;
      e.sentAt = performance.now();
      if (e.sends++ > 0) c.resent++;
      c.sent++;
      if (!c.firstSendAt) c.firstSendAt = Date.now();
      ws.send(`{"v":${PROTOCOL_VERSION},"type":"attestation","seq":${e.seq},"envelope":${JSON.stringify(e.text)}}`);
    }
  }

  private onAck(seq: number, duplicate: boolean): void {
    const c = this.env.counters;
    const head = this.spool[0];
    if (!head || this.inFlight === 0 || head.seq !== seq) {
      countError(c, 'E_UNEXPECTED_ACK');
      return;
    }
    this.spool.shift();
    this.inFlight--;
    this.identity.headSeq = seq;
    this.identity.headHash = head.hash;
    c.acked++;
    if (duplicate) c.duplicates++;
    c.lastAckAt = Date.now();
    sampleLatency(c, performance.now() - head.sentAt);
    this.pump();
    if (!this.spool.length) this.env.onDrained(this);
  }

  stop(): void {
    clearTimeout(this.reconnectTimer);
    this.ws?.terminate();
  }
}

/** Spread the first cycle over the interval so a started fleet does not report in lockstep. */
export function firstCycleDelay(intervalMs: number, burst: boolean): number {
  return burst ? intervalMs : Math.round(Math.random() * intervalMs);
}
