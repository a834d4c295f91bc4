// Hostile clients on the wire, against real collectors on TLS loopback: oversized frames, silent and
// slow clients (slowloris), floods of connections that never authenticate, dead peers, and enrolment
// token guessing. Every one is bounded in time or number and meets a stable code.
import { connect as tcpConnect } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import type { IncomingMessage } from 'node:http';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, PROTOCOL_VERSION, SESSION_PROOF_TYPE, signProof } from '../../protocol/messages.js';
import { SERVER_LIMITS } from '../../collector/app.js';
import { countEnvelopes, connect, enrolTestDevice, envelopeFor, generateKeyPairSync, session, startTestCollector, type TestDevice } from '../helpers/collector.js';

type Collector = Awaited<ReturnType<typeof startTestCollector>>;
let c: Collector;

beforeAll(async () => {
  c = await startTestCollector({ helloTimeoutMs: 400, pingIntervalMs: 300 });
});
afterAll(async () => c.cleanup());

const streamUrl = (col: Collector) => col.url.replace(/^https/, 'wss') + '/api/v1/stream';
const hostPort = (col: Collector) => ({ host: '127.0.0.1', port: col.port });

/** Seconds until the server closes a raw connection (or the cap). */
function closedAfter(sock: { once(ev: 'close', fn: () => void): unknown }, started: number): Promise<number> {
  return new Promise((resolve) => sock.once('close', () => resolve(Date.now() - started)));
}

describe('frames', () => {
  it('answers a frame over the limit with E_FRAME_TOO_LARGE and closes, before and after the hello', async () => {
    const before = await connect(c, c.caPem);
    await before.next('challenge');
    before.send('x'.repeat(MAX_FRAME_BYTES + 16));
    expect(await before.next('error')).toMatchObject({ code: 'E_FRAME_TOO_LARGE' });
    expect((await before.closed).code).toBe(1009);

    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    expect(s.welcome.type).toBe('welcome');
    s.send(JSON.stringify({ v: 1, type: 'attestation', seq: 1, envelope: 'A'.repeat(MAX_FRAME_BYTES + 1) }));
    expect(await s.next('error')).toMatchObject({ code: 'E_FRAME_TOO_LARGE' });
    expect((await s.closed).code).toBe(1009);
    expect(await countEnvelopes(c, d.id)).toBe(0);
  });

  it('drops a frame far over the limit at the WebSocket layer without reading it into a message', async () => {
    const client = await connect(c, c.caPem);
    await client.next('challenge');
    client.send('y'.repeat(MAX_FRAME_BYTES * 4 + 1));
    expect((await client.closed).code).toBe(1009);
  });

  it('refuses binary frames and garbage with codes', async () => {
    const bin = await connect(c, c.caPem);
    await bin.next('challenge');
    bin.ws.send(Buffer.from([0, 1, 2, 3]));
    expect(await bin.next('error')).toMatchObject({ code: 'E_MALFORMED_MESSAGE' });
    const junk = await connect(c, c.caPem);
    await junk.next('challenge');
    junk.send('{"v":1,"type":"hello","__proto__":{"admin":true}');
    expect(await junk.next('error')).toMatchObject({ code: 'E_MALFORMED_MESSAGE' });
  });
});

describe('silent and slow clients', () => {
  it('closes a connection that never says hello after helloTimeoutMs', async () => {
    const t0 = Date.now();
    const client = await connect(c, c.caPem);
    await client.next('challenge');
    expect(await client.next('error', 3000)).toMatchObject({ code: 'E_HELLO_TIMEOUT' });
    expect((await client.closed).code).toBe(1008);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('sets bounds on slow HTTPS clients', () => {
    expect(c.app.server.headersTimeout).toBe(SERVER_LIMITS.http.headersTimeout);
    expect(c.app.server.requestTimeout).toBe(SERVER_LIMITS.requestTimeout);
    expect(c.app.server.keepAliveTimeout).toBe(SERVER_LIMITS.keepAliveTimeout);
    expect(SERVER_LIMITS.http.headersTimeout).toBeLessThanOrEqual(20_000);
  });

  it('cuts slowloris (headers dribbled), idle TLS and a stalled TLS handshake within bounded time', async () => {
    const t0 = Date.now();
    // 1. Headers one line a second, never finished.
    const slow = tlsConnect({ ...hostPort(c), ca: c.caPem, servername: 'localhost', rejectUnauthorized: false });
    slow.on('error', () => undefined);
    let timer: NodeJS.Timeout | undefined;
    let answer = '';
    slow.on('data', (b: Buffer) => (answer += b.toString()));
    slow.once('secureConnect', () => {
      slow.write('GET /healthz HTTP/1.1\r\nHost: localhost\r\n');
      let i = 0;
      timer = setInterval(() => slow.write(`X-Slow-${i++}: a\r\n`), 1000);
    });
    // 2. TLS done, then nothing at all.
    const idle = tlsConnect({ ...hostPort(c), ca: c.caPem, servername: 'localhost', rejectUnauthorized: false });
    idle.on('error', () => undefined);
    // 3. TCP connected, no ClientHello ever.
    const mute = tcpConnect(hostPort(c));
    mute.on('error', () => undefined);

    const [slowMs, idleMs, muteMs] = await Promise.all([closedAfter(slow, t0), closedAfter(idle, t0), closedAfter(mute, t0)]);
    clearInterval(timer);
    const bound = SERVER_LIMITS.http.headersTimeout + SERVER_LIMITS.http.connectionsCheckingInterval + 3000;
    expect(slowMs).toBeLessThan(bound);
    // Node answers 408 as it closes (the client may see only the close if it was writing).
    if (answer) expect(answer).toMatch(/^HTTP\/1\.1 408/);
    expect(idleMs).toBeLessThan(bound);
    expect(muteMs).toBeLessThan(SERVER_LIMITS.tls.handshakeTimeout + 3000);
    // Still serving.
    expect((await c.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 40_000);
});

describe('dead peers', () => {
  it('pings authenticated connections and drops one that stops answering', async () => {
    const d = await enrolTestDevice(c);
    const mute = new WebSocket(streamUrl(c), { ca: c.caPem, autoPong: false });
    mute.on('error', () => undefined);
    const closed = new Promise<number>((resolve) => mute.on('close', (code) => resolve(code)));
    const t0 = Date.now();
    await handshake(mute, d);
    const code = await closed;
    // Terminated (no close frame): the peer sees an abnormal closure after about two ping periods.
    expect(code).toBe(1006);
    expect(Date.now() - t0).toBeLessThan(3000);
  });

  it('keeps a connection that answers pings open', async () => {
    const d = await enrolTestDevice(c);
    const s = await session(c, c.caPem, d);
    expect(s.welcome.type).toBe('welcome');
    await new Promise((r) => setTimeout(r, 1500));
    expect(s.ws.readyState).toBe(WebSocket.OPEN);
    s.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'attestation', seq: 1, envelope: envelopeFor(d, 1, d.digest) }));
    expect(await s.next('ack')).toMatchObject({ seq: 1 });
    s.ws.close();
  });
});

/** Completes the session handshake on an already created socket (welcome or error message). */
function handshake(ws: WebSocket, d: TestDevice): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as Record<string, unknown>;
      if (m.type === 'challenge') {
        const time = new Date().toISOString();
        const nonce = m.nonce as string;
        ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'hello', deviceId: d.id, nonce, time, agentVersion: 'test', proof: signProof(SESSION_PROOF_TYPE, { nonce, deviceId: d.id, time }, d.privateKey) }));
      } else resolve(m);
    });
  });
}

describe('connection floods', () => {
  let f: Collector;
  beforeAll(async () => {
    f = await startTestCollector({ helloTimeoutMs: 20_000, maxPendingPerAddress: 256 });
  });
  afterAll(async () => f.cleanup());

  it('counts a device as authenticated after its hello: many sessions from one address are fine', async () => {
    const devices = await Promise.all(Array.from({ length: 5 }, () => enrolTestDevice(f)));
    const sessions = await Promise.all(devices.map((d) => session(f, f.caPem, d)));
    for (const s of sessions) expect(s.welcome.type).toBe('welcome');
    for (const s of sessions) s.ws.close();
  });

  it('bounds 500 unauthenticated connections from one address, refuses the rest with E_CONNECTION_LIMIT, and keeps serving a real device', async () => {
    const opened: WebSocket[] = [];
    const refusals: { status: number; body: string }[] = [];
    const attempts = Array.from({ length: 500 }, () =>
      new Promise<void>((resolve) => {
        const ws = new WebSocket(streamUrl(f), { ca: f.caPem, localAddress: '127.0.0.1' });
        ws.on('open', () => {
          opened.push(ws);
          resolve();
        });
        ws.on('unexpected-response', (_req, res: IncomingMessage) => {
          let body = '';
          res.on('data', (b: Buffer) => (body += b.toString()));
          res.on('end', () => {
            refusals.push({ status: res.statusCode ?? 0, body });
            resolve();
          });
        });
        ws.on('error', () => resolve());
      }),
    );
    await Promise.all(attempts);
    expect(opened.length).toBe(256);
    expect(refusals.length).toBe(244);
    expect(refusals.every((r) => r.status === 429)).toBe(true);
    expect(JSON.parse(refusals[0]!.body)).toMatchObject({ type: 'error', code: 'E_CONNECTION_LIMIT' });

    // Meanwhile a real device from another address connects, attests and is acked, and the API answers.
    const d = await enrolTestDevice(f);
    const t0 = Date.now();
    const ws = new WebSocket(streamUrl(f), { ca: f.caPem, localAddress: '127.0.0.2' });
    const acked = new Promise<Record<string, unknown>>((resolve) =>
      ws.on('message', (data) => {
        const m = JSON.parse(data.toString()) as Record<string, unknown>;
        if (m.type === 'welcome') ws.send(JSON.stringify({ v: PROTOCOL_VERSION, type: 'attestation', seq: 1, envelope: envelopeFor(d, 1, d.digest) }));
        if (m.type === 'ack' || m.type === 'error') resolve(m);
      }),
    );
    expect(await handshake(ws, d)).toMatchObject({ type: 'welcome' });
    expect(await acked).toMatchObject({ type: 'ack', seq: 1 });
    expect(Date.now() - t0).toBeLessThan(5000);
    expect((await f.app.inject({ method: 'GET', url: '/healthz' })).json()).toMatchObject({ ok: true });
    ws.close();

    // The flood goes away: 256 sessions ended without a hello, so the address is refused for the rest of
    // the minute; other addresses are not.
    await Promise.all(opened.map((o) => new Promise<void>((r) => (o.once('close', () => r()), o.terminate()))));
    await new Promise((r) => setTimeout(r, 200));
    expect(await upgradeRefusal(f, '127.0.0.1')).toMatchObject({ status: 429, code: 'E_RATE_LIMITED' });
    expect(await upgradeRefusal(f, '127.0.0.4')).toBeNull();
  }, 60_000);

});

/** The upgrade refusal (status and code) for a connection from `localAddress`, or null when it opens. */
function upgradeRefusal(col: Collector, localAddress: string): Promise<{ status: number; code: string } | null> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(streamUrl(col), { ca: col.caPem, localAddress });
    ws.on('open', () => {
      ws.terminate();
      resolve(null);
    });
    ws.on('unexpected-response', (_req, res: IncomingMessage) => {
      let body = '';
      res.on('data', (b: Buffer) => (body += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: (JSON.parse(body) as { code: string }).code }));
    });
    ws.on('error', reject);
  });
}

describe('hello guessing', () => {
  it('refuses an address for the rest of the minute after 60 sessions without a valid hello, bounding tamper records', async () => {
    const d = await enrolTestDevice(c);
    const forged = { ...d, privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey };
    const codes: string[] = [];
    for (let i = 0; i < 70; i++) {
      const ws = new WebSocket(streamUrl(c), { ca: c.caPem, localAddress: '127.0.0.3' });
      const refused = new Promise<string>((resolve) => ws.on('unexpected-response', (_req, res: IncomingMessage) => resolve(`http ${res.statusCode}`)));
      const answer = handshake(ws, forged).then((m) => String(m.code)).catch(() => 'error');
      const code = await Promise.race([answer, refused]);
      codes.push(code);
      if (code.startsWith('http')) continue;
      await new Promise<void>((r) => (ws.readyState === WebSocket.CLOSED ? r() : ws.once('close', () => r())));
    }
    expect(codes.slice(0, 60).every((x) => x === 'E_BAD_SIGNATURE')).toBe(true);
    expect(codes.slice(60).every((x) => x === 'http 429')).toBe(true);
    expect(await upgradeRefusal(c, '127.0.0.3')).toMatchObject({ status: 429, code: 'E_RATE_LIMITED' });
    expect((await c.services.devices.tamperEvents(d.id)).length).toBe(60);
    // The real device, from its own address, is not affected.
    const s = await session(c, c.caPem, d);
    expect(s.welcome.type).toBe('welcome');
    s.ws.close();
  }, 60_000);
});

describe('enrolment and login guessing', () => {
  it('rate-limits wrong enrolment tokens per address with E_RATE_LIMITED', async () => {
    const g = await startTestCollector();
    try {
      const codes: string[] = [];
      for (let i = 0; i < 125; i++) {
        const r = await g.app.inject({ method: 'POST', url: '/api/v1/enrol/challenge', remoteAddress: '203.0.113.7', payload: { v: 1, token: `tok_${'0'.repeat(16)}.guess${i}xxxxxxxxxxxxxxxxxxxxxxxx` } });
        codes.push(`${r.statusCode} ${r.json().code}`);
      }
      expect(codes.slice(0, 120).every((x) => x === '401 E_TOKEN_INVALID')).toBe(true);
      expect(codes.slice(120)).toEqual(Array(5).fill('429 E_RATE_LIMITED'));
      // Another address is not affected, and guesses are in the audit log.
      const other = await g.app.inject({ method: 'POST', url: '/api/v1/enrol/challenge', remoteAddress: '198.51.100.2', payload: { v: 1, token: `tok_${'1'.repeat(16)}.anotherguessxxxxxxxxxxxxxxxx` } });
      expect(other.json()).toMatchObject({ code: 'E_TOKEN_INVALID' });
      const row = await g.db.get<{ n: number }>("SELECT COUNT(*) AS n FROM audit_log WHERE action LIKE 'enrol%'");
      expect(row!.n).toBeGreaterThan(0);
    } finally {
      await g.cleanup();
    }
  }, 60_000);

  it('rate-limits password guessing on the API and the login form', async () => {
    // The limiter counts every attempt from an address, well-formed or not: most of these skip scrypt.
    const codes: number[] = [];
    for (let i = 0; i < 32; i++) {
      const payload = i < 2 ? { username: 'root', password: `guess-${i}` } : { username: 'root' };
      codes.push((await c.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '203.0.113.9', payload })).statusCode);
    }
    expect(codes.slice(0, 2)).toEqual([401, 401]);
    expect(codes.slice(2, 30).every((s) => s === 400)).toBe(true);
    expect(codes.slice(30)).toEqual([429, 429]);
    const last = await c.app.inject({ method: 'POST', url: '/api/v1/session', remoteAddress: '203.0.113.9', payload: { username: 'root', password: 'x' } });
    expect(last.json()).toMatchObject({ code: 'E_RATE_LIMITED' });
    // The dashboard login form has its own limit.
    const form: number[] = [];
    for (let i = 0; i < 31; i++) {
      form.push((await c.app.inject({ method: 'POST', url: '/login', remoteAddress: '203.0.113.10', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'username=root' })).statusCode);
    }
    expect(form.slice(0, 30).every((s) => s === 400)).toBe(true);
    expect(form[30]).toBe(429);
  }, 60_000);
});
