// WebSocket stream at /api/v1/stream. Session: collector sends a nonce (challenge); the agent answers with
// hello (device id, time, proof over both); the collector checks key, revocation and clock skew and says
// which sequence it last stored (welcome). Attestations are then verified one at a time per connection and
// acked only after commit. A connection with too many un-acked frames is paused (backpressure).
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { VigilError, type ErrorCode } from '../../protocol/errors.js';
import {
  MAX_FRAME_BYTES,
  PROTOCOL_VERSION,
  SESSION_PROOF_TYPE,
  errorMsg,
  parseAgentMessage,
  verifyProof,
  type CollectorToAgent,
  type HelloMsg,
  type RecheckMsg,
} from '../../protocol/messages.js';
import type { IngestOutcome, IngestService } from '../ingest/service.js';
import type { StreamDevice } from '../ingest/repo.js';
import { storageError } from '../db/errors.js';

export const STREAM_PATH = '/api/v1/stream';
/** Sessions one address may end without a successful hello per minute before its upgrades are refused. */
export const MAX_FAILED_HELLOS_PER_MINUTE = 60;

export interface StreamOptions {
  ingest: IngestService;
  now: () => Date;
  helloTimeoutMs: number;
  maxClockSkewMs: number;
  intervalSeconds: number;
  window: number;
  maxConnections: number;
  /** Connections from one address still before their hello; more are refused with E_CONNECTION_LIMIT. */
  maxPendingPerAddress: number;
  /** Ping period; a connection that has not answered the previous ping by the next one is dropped. */
  pingIntervalMs: number;
}

interface Session {
  ws: WebSocket;
  remote: string;
  nonce: string;
  device: StreamDevice | null;
  inFlight: number;
  paused: boolean;
  chain: Promise<void>;
  closed: boolean;
  /** Answered the last ping (or sent something since). */
  alive: boolean;
  /** Counted in `pending` (connected, no hello completed yet). */
  pending: boolean;
}

export interface StreamControl {
  connected(): number;
  sendRecheck(deviceId: string, checks?: string[]): boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    stream: StreamControl;
  }
}

function send(s: Session, msg: CollectorToAgent): void {
  if (!s.closed && s.ws.readyState === s.ws.OPEN) s.ws.send(JSON.stringify(msg));
}

function reject(s: Session, code: ErrorCode, message: string, seq?: number, closeCode = 1008): void {
  send(s, errorMsg(code, message, seq));
  s.closed = true;
  s.ws.close(closeCode, code);
}

async function streamPlugin(app: FastifyInstance, opts: StreamOptions): Promise<void> {
  // ws enforces a hard ceiling well above ours so oversized frames still get our own error code first.
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES * 4, perMessageDeflate: false });
  const byDevice = new Map<string, Session>();
  let connections = 0;
  const sessions = new Set<Session>();
  // Connections per remote address that have not completed the hello: one host cannot hold them all.
  const pending = new Map<string, number>();
  // Each failed hello can cost a signature check and a tamper record: an address that keeps failing
  // (guessed device ids, forged proofs, silence) is refused for the rest of the minute.
  const failures = new Map<string, { n: number; until: number }>();
  const settle = (s: Session) => {
    if (!s.pending) return;
    s.pending = false;
    const n = (pending.get(s.remote) ?? 1) - 1;
    if (n > 0) pending.set(s.remote, n);
    else pending.delete(s.remote);
  };

  app.decorate('stream', {
    connected: () => connections,
    sendRecheck(deviceId: string, checks?: string[]) {
      const s = byDevice.get(deviceId);
      if (!s) return false;
      const msg: RecheckMsg = { v: PROTOCOL_VERSION, type: 'recheck' };
      if (checks) msg.checks = checks;
      send(s, msg);
      return true;
    },
  } satisfies StreamControl);

  async function onHello(s: Session, hello: HelloMsg): Promise<void> {
    const device = await opts.ingest.device(hello.deviceId);
    if (!device) return reject(s, 'E_UNKNOWN_DEVICE', 'device is not enrolled');
    if (device.revoked_at) return reject(s, 'E_DEVICE_REVOKED', 'device has been revoked');
    const key = opts.ingest.keys.get(device.public_key_pem);
    if (hello.nonce !== s.nonce || !verifyProof(SESSION_PROOF_TYPE, { nonce: hello.nonce, deviceId: hello.deviceId, time: hello.time }, hello.proof, key)) {
      await opts.ingest.recordTamper(device.id, 'E_BAD_SIGNATURE', null, null, s.remote, 'session proof does not verify');
      return reject(s, 'E_BAD_SIGNATURE', 'session proof does not verify with the registered key');
    }
    const offset = Date.parse(hello.time) - opts.now().getTime();
    const skew = Math.abs(offset);
    if (!(skew <= opts.maxClockSkewMs)) {
      await opts.ingest.recordTamper(device.id, 'E_CLOCK_SKEW', null, null, s.remote, `clock skew ${skew} ms`);
      return reject(s, 'E_CLOCK_SKEW', `device clock is off by ${Math.round(skew / 1000)} s (allowed ${opts.maxClockSkewMs / 1000} s)`);
    }
    await opts.ingest.sessionStarted(device.id, offset);
    s.device = device;
    settle(s);
    const previous = byDevice.get(device.id);
    if (previous && previous !== s) reject(previous, 'E_UNEXPECTED_MESSAGE', 'superseded by a newer session from the same device', undefined, 1000);
    byDevice.set(device.id, s);
    send(s, {
      v: PROTOCOL_VERSION,
      type: 'welcome',
      deviceId: device.id,
      lastSeq: device.last_seq,
      lastHash: device.last_hash,
      serverTime: opts.now().toISOString(),
      intervalSeconds: opts.intervalSeconds,
      window: opts.window,
    });
  }

  /**
   * An error that is not the device's fault ends the session. Disk full or database unreachable: nothing
   * stored or acked, close 1013 (try again later), the agent keeps its spool; anything else is E_INTERNAL.
   */
  function failed(s: Session, err: unknown, what: string, seq?: number): void {
    const storage = storageError(err);
    if (storage) {
      app.log.warn({ err, device: s.device?.id, seq, code: storage.code }, `${what}: database unavailable`);
      return reject(s, storage.code, storage.message, seq, 1013);
    }
    app.log.error({ err, device: s.device?.id, seq }, `${what} failed`);
    reject(s, 'E_INTERNAL', 'internal error', seq, 1011);
  }

  async function onAttestation(s: Session, seq: number, outcome: Promise<IngestOutcome>): Promise<void> {
    try {
      const out = await outcome;
      send(s, { v: PROTOCOL_VERSION, type: 'ack', seq: out.seq, duplicate: out.duplicate });
    } catch (err) {
      if (err instanceof VigilError) {
        // Tamper and malformed evidence end the session: a device that sends them is not trusted further.
        return reject(s, err.code, err.message, seq);
      }
      return failed(s, err, 'attestation ingest', seq);
    }
  }

  function onMessage(s: Session, data: RawData, isBinary: boolean): void {
    if (s.closed) return;
    s.alive = true;
    const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : (data as Buffer).byteLength;
    if (size > MAX_FRAME_BYTES) return reject(s, 'E_FRAME_TOO_LARGE', `frame of ${size} bytes exceeds ${MAX_FRAME_BYTES}`, undefined, 1009);
    if (isBinary) return reject(s, 'E_MALFORMED_MESSAGE', 'binary frames are not accepted');
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data as Buffer).toString('utf8');
    let msg;
    try {
      msg = parseAgentMessage(text);
    } catch (err) {
      const e = err instanceof VigilError ? err : new VigilError('E_MALFORMED_MESSAGE');
      if (s.device) void opts.ingest.recordTamper(s.device.id, e.code, null, null, s.remote, e.message).catch(() => undefined);
      return reject(s, e.code, e.message);
    }
    if (!s.device) {
      if (msg.type !== 'hello') return reject(s, 'E_UNEXPECTED_MESSAGE', 'first message must be hello');
      if (s.inFlight > 0) return reject(s, 'E_UNEXPECTED_MESSAGE', 'hello sent twice');
      s.inFlight++;
      s.chain = s.chain
        .then(() => onHello(s, msg))
        .catch((err) => {
          failed(s, err, 'hello');
        })
        .finally(() => {
          s.inFlight--;
        });
      return;
    }
    if (msg.type !== 'attestation') return reject(s, 'E_UNEXPECTED_MESSAGE', 'hello already completed');
    s.inFlight++;
    if (s.inFlight > opts.window * 4) return reject(s, 'E_BACKPRESSURE', `more than ${opts.window * 4} attestations in flight`, undefined, 1008);
    if (s.inFlight >= opts.window && !s.paused) {
      s.paused = true;
      s.ws.pause();
    }
    // Verification and storage start now, so a connection's next attestation is verified while the previous
    // one waits for its commit; acks still go out in order. The session is the ingest stream: once one of
    // its attestations is refused, the ones behind it are dropped rather than checked against a chain
    // they no longer continue.
    const outcome = opts.ingest.ingest(s.device, msg.seq, msg.envelope, s.remote, s);
    outcome.catch(() => undefined);
    s.chain = s.chain
      .then(() => onAttestation(s, msg.seq, outcome))
      .finally(() => {
        s.inFlight--;
        if (s.paused && s.inFlight < opts.window && !s.closed) {
          s.paused = false;
          s.ws.resume();
        }
      });
  }

  function onConnection(ws: WebSocket, req: IncomingMessage): void {
    connections++;
    const s: Session = {
      ws,
      remote: req.socket.remoteAddress ?? 'unknown',
      nonce: randomBytes(32).toString('base64'),
      device: null,
      inFlight: 0,
      paused: false,
      chain: Promise.resolve(),
      closed: false,
      alive: true,
      pending: true,
    };
    sessions.add(s);
    pending.set(s.remote, (pending.get(s.remote) ?? 0) + 1);
    // The timeout is for a peer that says nothing: a hello that arrived and waits for its database
    // round trips (a reconnect storm queues thousands) is not cut off, or its agent would come back and
    // queue again.
    const helloTimer = setTimeout(() => {
      if (!s.device && !s.closed && s.inFlight === 0) reject(s, 'E_HELLO_TIMEOUT', `no hello within ${opts.helloTimeoutMs} ms`);
    }, opts.helloTimeoutMs);
    ws.on('message', (data, isBinary) => onMessage(s, data, isBinary));
    ws.on('error', (err) => app.log.debug({ err, remote: s.remote }, 'stream socket error'));
    ws.on('pong', () => {
      s.alive = true;
    });
    ws.on('close', () => {
      if (s.pending) {
        const t = Date.now();
        const f = failures.get(s.remote);
        if (!f || f.until <= t) failures.set(s.remote, { n: 1, until: t + 60_000 });
        else f.n++;
      }
      settle(s);
      sessions.delete(s);
      s.closed = true;
      connections--;
      clearTimeout(helloTimer);
      if (s.device && byDevice.get(s.device.id) === s) byDevice.delete(s.device.id);
    });
    send(s, { v: PROTOCOL_VERSION, type: 'challenge', nonce: s.nonce, serverTime: opts.now().toISOString() });
  }

  function refuse(socket: Duplex, code: 'E_CONNECTION_LIMIT' | 'E_RATE_LIMITED', message: string): void {
    const body = JSON.stringify(errorMsg(code, message));
    socket.end(`HTTP/1.1 429 Too Many Requests\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nRetry-After: 5\r\nConnection: close\r\n\r\n${body}`);
  }

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '').split('?')[0];
    if (path !== STREAM_PATH) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (connections >= opts.maxConnections) {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n\r\n');
      return;
    }
    const remote = req.socket.remoteAddress ?? 'unknown';
    if ((pending.get(remote) ?? 0) >= opts.maxPendingPerAddress) {
      return refuse(socket, 'E_CONNECTION_LIMIT', `more than ${opts.maxPendingPerAddress} connections from this address have not completed the hello`);
    }
    const failed = failures.get(remote);
    if (failed && failed.n >= MAX_FAILED_HELLOS_PER_MINUTE && failed.until > Date.now()) {
      return refuse(socket, 'E_RATE_LIMITED', `more than ${MAX_FAILED_HELLOS_PER_MINUTE} sessions from this address ended without a valid hello in the last minute`);
    }
    wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, req));
  }

  // Dead peers (a cable pulled, a NAT entry expired) would otherwise hold a session until TCP gives up.
  // A paused connection is not read, so its pong cannot arrive: it is left alone until it resumes.
  const pinger = setInterval(() => {
    const t = Date.now();
    for (const [remote, f] of failures) if (f.until <= t) failures.delete(remote);
    for (const s of sessions) {
      if (s.closed || s.paused) continue;
      if (!s.alive) {
        s.closed = true;
        s.ws.terminate();
        continue;
      }
      s.alive = false;
      s.ws.ping();
    }
  }, opts.pingIntervalMs);
  pinger.unref();

  app.server.on('upgrade', onUpgrade);
  app.addHook('onClose', async () => {
    clearInterval(pinger);
    app.server.off('upgrade', onUpgrade);
    for (const client of wss.clients) client.terminate();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  });
}

export default fp(streamPlugin, { name: 'vigil-stream' });
