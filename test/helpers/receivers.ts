// Real receivers on loopback for alert channels: an HTTP server that checks the HMAC signature, a syslog
// listener (UDP, TCP, TLS) that parses RFC 5424, an SMTP server (smtp-server). Each records what it got.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createSocket } from 'node:dgram';
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { SMTPServer } from 'smtp-server';

export interface ReceivedWebhook {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  signatureValid: boolean;
}

/** Checks X-Vigil-Signature independently of the collector's code: HMAC-SHA256 over "<timestamp>.<body>". */
export function verifySignature(secret: string, headers: IncomingHttpHeaders, body: string): boolean {
  const ts = headers['x-vigil-timestamp'];
  const sig = headers['x-vigil-signature'];
  if (typeof ts !== 'string' || typeof sig !== 'string' || !sig.startsWith('v1=')) return false;
  const expected = createHmac('sha256', secret).update(`${ts}.${body}`).digest();
  const got = Buffer.from(sig.slice(3), 'hex');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function webhookReceiver(secret: string, opts: { host?: string } = {}) {
  const received: ReceivedWebhook[] = [];
  const waiters: (() => void)[] = [];
  /** Status to answer with: a number, or a function of the request count (to fail the first attempts). */
  let respond: (n: number) => number = () => 200;
  let count = 0;
  /** The Idempotency-Key of every request, refused ones included. */
  const keys: string[] = [];
  const server = createHttpServer((req, res) => {
    keys.push(String(req.headers['idempotency-key']));
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const status = respond(++count);
      if (status >= 200 && status < 300) {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body);
        } catch {
          /* recorded as {} */
        }
        received.push({ at: Date.now(), headers: req.headers, body, json, signatureValid: verifySignature(secret, req.headers, body) });
        waiters.splice(0).forEach((w) => w());
      }
      res.statusCode = status;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, opts.host ?? '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://${opts.host ?? '127.0.0.1'}:${port}/hook`,
    received,
    keys,
    requests: () => count,
    respondWith(fn: (n: number) => number) {
      respond = fn;
    },
    async waitFor(pred: (r: ReceivedWebhook[]) => boolean, timeoutMs = 10_000): Promise<ReceivedWebhook[]> {
      const deadline = Date.now() + timeoutMs;
      while (!pred(received)) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met within ${timeoutMs} ms; got ${received.length} request(s)`);
        await new Promise<void>((r) => {
          waiters.push(r);
          setTimeout(r, 50);
        });
      }
      return received;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export interface SyslogMessage {
  pri: number;
  facility: number;
  severity: number;
  version: number;
  timestamp: string;
  hostname: string;
  appName: string;
  procId: string;
  msgId: string;
  sd: Record<string, Record<string, string>>;
  msg: string;
}

/** RFC 5424 §6: HEADER SP STRUCTURED-DATA [SP MSG]. Throws on anything that does not conform. */
export function parseRfc5424(line: string): SyslogMessage {
  const m = /^<(\d{1,3})>(\d) (\S+) (\S+) (\S+) (\S+) (\S+) (-|(?:\[.*?(?<!\\)\])+)(?: (.*))?$/s.exec(line);
  if (!m) throw new Error(`not RFC 5424: ${line}`);
  const pri = Number(m[1]);
  if (pri > 191) throw new Error(`PRI out of range: ${pri}`);
  if (Number.isNaN(Date.parse(m[3]!))) throw new Error(`bad timestamp ${m[3]}`);
  const sd: Record<string, Record<string, string>> = {};
  if (m[8] !== '-') {
    for (const el of m[8]!.matchAll(/\[([^ \]]+)((?: [^=]+="(?:[^"\\]|\\.)*")*)\]/g)) {
      const params: Record<string, string> = {};
      for (const p of el[2]!.matchAll(/ ([^=]+)="((?:[^"\\]|\\.)*)"/g)) params[p[1]!] = p[2]!.replace(/\\(["\\\]])/g, '$1');
      sd[el[1]!] = params;
    }
  }
  return { pri, facility: pri >> 3, severity: pri & 7, version: Number(m[2]), timestamp: m[3]!, hostname: m[4]!, appName: m[5]!, procId: m[6]!, msgId: m[7]!, sd, msg: m[9] ?? '' };
}

/** Octet-counted frames (RFC 6587 §3.4.1 / RFC 5425) from a stream. */
function frames(socket: Socket, onMessage: (text: string) => void): void {
  let buf = Buffer.alloc(0);
  socket.on('data', (d: Buffer) => {
    buf = Buffer.concat([buf, d]);
    for (;;) {
      const sp = buf.indexOf(0x20);
      if (sp < 0) return;
      const len = Number(buf.subarray(0, sp).toString());
      if (!Number.isInteger(len) || len <= 0) throw new Error('bad syslog frame');
      if (buf.length < sp + 1 + len) return;
      onMessage(buf.subarray(sp + 1, sp + 1 + len).toString('utf8'));
      buf = buf.subarray(sp + 1 + len);
    }
  });
  socket.on('error', () => undefined);
}

export async function syslogReceiver(transport: 'udp' | 'tcp' | 'tls', tls?: { cert: string; key: string }) {
  const messages: SyslogMessage[] = [];
  const errors: string[] = [];
  const onText = (t: string) => {
    try {
      messages.push(parseRfc5424(t));
    } catch (err) {
      errors.push((err as Error).message);
    }
  };
  let port: number;
  let close: () => Promise<void>;
  if (transport === 'udp') {
    const s = createSocket('udp4');
    s.on('message', (m) => onText(m.toString('utf8')));
    await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
    port = s.address().port;
    close = () => new Promise<void>((r) => s.close(() => r()));
  } else {
    const server: NetServer = transport === 'tls' ? createTlsServer({ cert: tls!.cert, key: tls!.key }, (sock) => frames(sock, onText)) : createNetServer((sock) => frames(sock, onText));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    port = (server.address() as { port: number }).port;
    close = () => new Promise<void>((r) => server.close(() => r()));
  }
  return {
    port,
    messages,
    errors,
    async waitFor(n: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (messages.length < n) {
        if (Date.now() > deadline) throw new Error(`syslog ${transport}: ${messages.length}/${n} messages; errors: ${errors.join('; ')}`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return messages;
    },
    close,
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
  /** The body, quoted-printable decoded. */
  text: string;
  user: string | null;
}

function decodeBody(raw: string): string {
  const split = raw.search(/\r?\n\r?\n/);
  const head = raw.slice(0, split);
  const body = raw.slice(split).replace(/^\r?\n\r?\n/, '');
  if (!/content-transfer-encoding:\s*quoted-printable/i.test(head)) return body;
  const bytes = body.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

export async function smtpReceiver(opts: { user?: string; password?: string } = {}) {
  const mails: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: !opts.user,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.password) cb(null, { user: auth.username });
      else cb(new Error('invalid credentials'));
    },
    onData(stream, session, cb) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          text: decodeBody(Buffer.concat(chunks).toString('utf8')),
          user: (session.user as string | undefined) ?? null,
        });
        cb();
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.server.address() as { port: number }).port;
  return {
    port,
    mails,
    async waitFor(n: number, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (mails.length < n) {
        if (Date.now() > deadline) throw new Error(`smtp: ${mails.length}/${n} mails`);
        await new Promise((r) => setTimeout(r, 25));
      }
      return mails;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
