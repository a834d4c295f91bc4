// The agent's end of the stream: TLS WebSocket to the pinned collector, challenge → hello → welcome, then
// spooled envelopes in order with at most `window` un-acked, each deleted from the spool on its ack.
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { VigilError, isErrorCode } from '../protocol/errors.js';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, SESSION_PROOF_TYPE, parseCollectorMessage, signProof, type WelcomeMsg } from '../protocol/messages.js';
import { VIGIL_VERSION } from '../protocol/version.js';
import type { DeviceKey } from './keystore.js';
import type { Spool } from './spool.js';
import type { Enrolment } from './state.js';
import { resumingConnect, type TlsSessionCache } from './tls-session.js';

/** TLS session tickets per collector origin, for the life of the agent process. */
const tlsSessions = new Map<string, TlsSessionCache>();

export const HANDSHAKE_TIMEOUT_MS = 15_000;
export const KEEPALIVE_MS = 30_000;

export interface SessionOptions {
  /** Ping this often; no pong (nor any other frame) by the next ping ends the session with E_CONNECT. */
  keepaliveMs?: number;
}

export interface SessionEvents {
  acked: [seq: number];
  recheck: [checks: string[] | undefined];
  closed: [error: VigilError | null];
}

export class Session extends EventEmitter<SessionEvents> {
  private inFlight = new Set<number>();
  private highestSent = 0;
  private pumping = false;
  private again = false;
  private isClosed = false;
  private heard = true;
  private keepalive: NodeJS.Timeout | undefined;
  lastError: VigilError | null = null;

  private constructor(
    private readonly ws: WebSocket,
    private readonly spool: Spool,
    readonly welcome: WelcomeMsg,
  ) {
    super();
  }

  /** Connects and completes the handshake; resolves once the collector has said welcome. */
  static open(enrolment: Enrolment, key: DeviceKey, spool: Spool, now: () => Date = () => new Date(), opts: SessionOptions = {}): Promise<Session> {
    const url = new URL('/api/v1/stream', enrolment.url);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    let tls = tlsSessions.get(url.origin);
    if (!tls) tlsSessions.set(url.origin, (tls = {}));
    const ws = new WebSocket(url, {
      ca: enrolment.caPem,
      rejectUnauthorized: true,
      createConnection: url.protocol === 'wss:' ? (resumingConnect(tls) as never) : undefined,
      maxPayload: MAX_FRAME_BYTES,
      perMessageDeflate: false,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
    });
    return new Promise<Session>((resolve, reject) => {
      let session: Session | null = null;
      const timer = setTimeout(() => fail(new VigilError('E_CONNECT', 'handshake with the collector timed out')), HANDSHAKE_TIMEOUT_MS);
      function fail(err: VigilError): void {
        clearTimeout(timer);
        ws.terminate();
        reject(err);
      }
      ws.on('error', (err: Error & { code?: string }) => {
        const e = /certificate|self.signed|unable to verify|altname/i.test(err.message)
          ? new VigilError('E_CA_PIN_MISMATCH', `collector certificate is not issued by the pinned CA: ${err.message}`)
          : new VigilError('E_CONNECT', `cannot reach ${url.origin}: ${err.message}`, err.code ? [err.code] : []);
        if (session) session.lastError ??= e;
        else fail(e);
      });
      ws.on('close', (code, reason) => {
        if (!session) {
          fail(new VigilError('E_CONNECT', `collector closed the connection during the handshake (${code} ${reason.toString()})`));
          return;
        }
        session.isClosed = true;
        clearInterval(session.keepalive);
        if (code !== 1000) session.lastError ??= new VigilError('E_CONNECT', `connection to the collector lost (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
        session.emit('closed', session.lastError);
      });
      ws.on('message', (data, isBinary) => {
        if (isBinary) return;
        let msg;
        try {
          msg = parseCollectorMessage(data.toString());
        } catch (err) {
          const e = err as VigilError;
          if (session) session.lastError = e;
          else fail(e);
          ws.close(1008, e.code);
          return;
        }
        if (!session) {
          if (msg.type === 'challenge') {
            const time = now().toISOString();
            ws.send(
              JSON.stringify({
                v: PROTOCOL_VERSION,
                type: 'hello',
                deviceId: enrolment.deviceId,
                nonce: msg.nonce,
                time,
                agentVersion: VIGIL_VERSION,
                proof: signProof(SESSION_PROOF_TYPE, { nonce: msg.nonce, deviceId: enrolment.deviceId, time }, key.privateKey),
              }),
            );
          } else if (msg.type === 'welcome') {
            clearTimeout(timer);
            session = new Session(ws, spool, msg);
            session.startKeepalive(opts.keepaliveMs ?? KEEPALIVE_MS);
            session
              .start()
              .then(() => resolve(session!))
              .catch((err: VigilError) => {
                ws.close(1000);
                reject(err);
              });
          } else if (msg.type === 'error') {
            fail(new VigilError(isErrorCode(msg.code) ? msg.code : 'E_CONNECT', msg.message));
          }
          return;
        }
        session.heard = true;
        session.onMessage(msg);
      });
      ws.on('pong', () => {
        if (session) session.heard = true;
      });
    });
  }

  /**
   * A partition that drops packets silently leaves the socket open: sends only fill buffers and TCP gives
   * up after many minutes. A ping unanswered for a whole period ends the session, so the daemon reconnects
   * with backoff and the spool is resent in order.
   */
  private startKeepalive(everyMs: number): void {
    this.keepalive = setInterval(() => {
      if (this.isClosed) return;
      if (!this.heard) {
        this.lastError = new VigilError('E_CONNECT', `no reply from the collector for ${Math.round(everyMs / 1000)} s (network partition?)`);
        this.ws.terminate();
        return;
      }
      this.heard = false;
      this.ws.ping();
    }, everyMs);
    this.keepalive.unref();
  }

  get closed(): boolean {
    return this.isClosed;
  }

  private async start(): Promise<void> {
    const head = this.spool.chainHead();
    const pending = await this.spool.pendingSeqs();
    if (this.welcome.lastSeq > head.lastSeq) {
      // The collector holds more of our chain than we do (state restored from an old backup). Its head
      // was verified against our key, so continuing from it is safe; anything spooled would fork.
      if (pending.length) {
        throw new VigilError('E_STATE_CORRUPT', `collector holds sequence ${this.welcome.lastSeq} but the local chain ends at ${head.lastSeq}`);
      }
      await this.spool.adopt({ lastSeq: this.welcome.lastSeq, lastHash: this.welcome.lastHash });
    }
    await this.spool.ackUpTo(this.welcome.lastSeq);
    this.highestSent = this.welcome.lastSeq;
    await this.pump();
  }

  private onMessage(msg: ReturnType<typeof parseCollectorMessage>): void {
    if (msg.type === 'ack') {
      this.inFlight.delete(msg.seq);
      void this.spool
        .ackUpTo(msg.seq)
        .then(() => {
          this.emit('acked', msg.seq);
          return this.pump();
        })
        .catch((err: Error) => {
          this.lastError = new VigilError('E_STATE_CORRUPT', `spool: ${err.message}`);
          this.ws.close(1011);
        });
    } else if (msg.type === 'error') {
      this.lastError = new VigilError(isErrorCode(msg.code) ? msg.code : 'E_CONNECT', msg.message);
    } else if (msg.type === 'recheck') {
      this.emit('recheck', msg.checks);
    }
  }

  /** Sends spooled envelopes not yet sent, keeping at most `window` un-acked. Safe to call any time. */
  async pump(): Promise<void> {
    if (this.pumping) {
      this.again = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.again = false;
        for (const seq of await this.spool.pendingSeqs()) {
          if (this.isClosed || this.inFlight.size >= this.welcome.window) break;
          if (seq <= this.highestSent) continue;
          const envelope = await this.spool.read(seq);
          this.ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'attestation', seq, envelope }));
          this.inFlight.add(seq);
          this.highestSent = seq;
        }
      } while (this.again && !this.isClosed);
    } finally {
      this.pumping = false;
    }
  }

  close(): void {
    if (!this.isClosed) this.ws.close(1000);
  }
}
