// Alert channels: how one notification reaches a receiver. Each send either resolves (the receiver took
// it) or throws; retries, backoff and dead letters are the worker's job. Every notification carries its
// idempotency key, so a receiver can drop the copy a crash between send and record may cause.
//   webhook: POST JSON; X-Vigil-Signature = v1=hex(HMAC-SHA256(secret, "<timestamp>.<body>")), with the
//            timestamp in X-Vigil-Timestamp (receivers reject old timestamps: no replays); 2xx = taken.
//   syslog:  RFC 5424 over UDP (one datagram), TCP or TLS (octet-counted frames, RFC 6587 / RFC 5425).
//   email:   SMTP through nodemailer, a plain-text body a person reads at 3 a.m.
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { createSocket } from 'node:dgram';
import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { hostname as osHostname } from 'node:os';
import nodemailer from 'nodemailer';
import { VigilError } from '../../protocol/errors.js';
import type { ChannelConfig, EmailChannel, Severity, SyslogChannel, WebhookChannel } from './config.js';

export interface AlertSummary {
  id: string;
  kind: string;
  severity: Severity;
  state: string;
  title: string;
  deviceId: string | null;
  hostname: string | null;
  role: string | null;
  site: string | null;
  check: string | null;
  detail: unknown;
  openedAt: string;
  resolvedAt: string | null;
  occurrences: number;
  flapping: boolean;
}

export type NotificationEvent = 'opened' | 'resolved' | 'flapping' | 'test';

export interface Notification {
  v: 1;
  /** The idempotency key: the same for every attempt of one delivery. */
  id: string;
  event: NotificationEvent;
  at: string;
  severity: Severity;
  title: string;
  alert?: AlertSummary;
  group?: { kind: string; check: string | null; count: number; alerts: AlertSummary[] };
}

/** Members listed in a grouped notification; the count says how many there are in all. */
export const GROUP_LIST_MAX = 100;

export const SIGNATURE_HEADER = 'x-vigil-signature';
export const TIMESTAMP_HEADER = 'x-vigil-timestamp';
export const IDEMPOTENCY_HEADER = 'idempotency-key';

export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

function alertLines(a: AlertSummary): string[] {
  const lines = [`${a.severity.toUpperCase()} ${a.kind}${a.flapping ? ' (flapping)' : ''}: ${a.title}`];
  if (a.deviceId) lines.push(`  device   ${a.hostname ?? '?'} (${a.deviceId}) role ${a.role ?? '?'}${a.site ? `, site ${a.site}` : ''}`);
  if (a.check) lines.push(`  check    ${a.check}`);
  lines.push(`  opened   ${a.openedAt}${a.occurrences > 1 ? ` (seen ${a.occurrences} times)` : ''}`);
  if (a.resolvedAt) lines.push(`  resolved ${a.resolvedAt}`);
  if (a.detail && typeof a.detail === 'object') {
    for (const [k, v] of Object.entries(a.detail as Record<string, unknown>)) lines.push(`  ${k.padEnd(8)} ${typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  lines.push(`  alert    ${a.id}`);
  return lines;
}

/** The readable text of a notification: e-mail body, chat message. */
export function renderText(n: Notification): string {
  const head = `[Vigil] ${n.title}`;
  const body: string[] = [head, ''];
  if (n.alert) body.push(...alertLines(n.alert));
  if (n.group) {
    body.push(`${n.group.count} device(s) affected. ${n.group.count > n.group.alerts.length ? `First ${n.group.alerts.length}:` : ''}`.trim(), '');
    for (const a of n.group.alerts) body.push(`- ${a.hostname ?? a.deviceId ?? a.id} (${a.deviceId ?? 'no device'}) ${a.id}`);
  }
  body.push('', `Acknowledge: vigil-collector alerts ack <alert id>   Resolve: vigil-collector alerts resolve <alert id>`, `Notification ${n.id}`);
  return body.join('\n');
}

function webhookBody(c: WebhookChannel, n: Notification): string {
  switch (c.format ?? 'vigil') {
    case 'slack':
      return JSON.stringify({ text: renderText(n), idempotencyKey: n.id });
    case 'teams':
      return JSON.stringify({ '@type': 'MessageCard', '@context': 'https://schema.org/extensions', summary: n.title, title: `[Vigil] ${n.title}`, text: renderText(n).replace(/\n/g, '\n\n'), idempotencyKey: n.id });
    default:
      return JSON.stringify(n);
  }
}

const readCa = (file?: string) => (file ? readFileSync(file) : undefined);

async function sendWebhook(c: WebhookChannel, n: Notification, now: () => Date): Promise<void> {
  const body = webhookBody(c, n);
  const timestamp = String(Math.floor(now().getTime() / 1000));
  const url = new URL(c.url);
  const timeoutMs = (c.timeoutSeconds ?? 10) * 1000;
  const req = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'user-agent': 'vigil-collector',
      [TIMESTAMP_HEADER]: timestamp,
      [SIGNATURE_HEADER]: signWebhook(c.secret, timestamp, body),
      [IDEMPOTENCY_HEADER]: n.id,
    },
    ca: readCa(c.ca),
    timeout: timeoutMs,
  });
  const status = await new Promise<number>((resolve, reject) => {
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no response within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  }).catch((err: Error) => {
    throw new VigilError('E_CHANNEL', `webhook ${url.origin}: ${err.message}`);
  });
  if (status < 200 || status >= 300) throw new VigilError('E_CHANNEL', `webhook ${url.origin} answered HTTP ${status}`);
}

const SYSLOG_SEVERITY: Record<Severity, number> = { critical: 2, high: 3, medium: 4, low: 5, info: 6 };
const sdEscape = (s: string) => s.replace(/[\\"\]]/g, (m) => `\\${m}`);

/** One RFC 5424 message. Structured data under the documentation enterprise number 32473 (RFC 5612). */
export function syslogMessage(c: Pick<SyslogChannel, 'facility' | 'appName'>, n: Notification, host = osHostname()): string {
  const pri = (c.facility ?? 16) * 8 + SYSLOG_SEVERITY[n.severity];
  const a = n.alert;
  const params: [string, string | null | undefined][] = [
    ['key', n.id],
    ['event', n.event],
    ['severity', n.severity],
    ['kind', a?.kind ?? n.group?.kind],
    ['alert', a?.id],
    ['device', a?.deviceId],
    ['hostname', a?.hostname],
    ['role', a?.role],
    ['site', a?.site],
    ['check', a?.check ?? n.group?.check],
    ['count', n.group ? String(n.group.count) : undefined],
  ];
  const sd = `[vigil@32473 ${params.filter(([, v]) => v).map(([k, v]) => `${k}="${sdEscape(v!)}"`).join(' ')}]`;
  const msgid = `alert.${n.event}`;
  const hostField = (host || '-').replace(/[^!-~]/g, '').slice(0, 255) || '-';
  return `<${pri}>1 ${n.at} ${hostField} ${c.appName ?? 'vigil-collector'} ${process.pid} ${msgid} ${sd} ${n.title.replace(/[\r\n]+/g, ' ')}`;
}

function waitWritten(socket: Socket, frame: string, timeoutMs: number): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => socket.destroy(new Error(`not written within ${timeoutMs} ms`)), timeoutMs);
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.end(frame, () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

async function sendSyslog(c: SyslogChannel, n: Notification): Promise<void> {
  const msg = syslogMessage(c, n);
  try {
    if (c.transport === 'udp') {
      const bytes = Buffer.from(msg, 'utf8').subarray(0, 8192);
      const socket = createSocket(isIP(c.host) === 6 ? 'udp6' : 'udp4');
      await new Promise<void>((resolve, reject) => socket.send(bytes, c.port, c.host, (err) => (err ? reject(err) : resolve()))).finally(() => socket.close());
      return;
    }
    const frame = `${Buffer.byteLength(msg, 'utf8')} ${msg}`;
    const socket =
      c.transport === 'tls'
        ? tlsConnect({ host: c.host, port: c.port, ca: readCa(c.ca), servername: isIP(c.host) ? undefined : c.host })
        : netConnect({ host: c.host, port: c.port });
    await new Promise<void>((resolve, reject) => {
      socket.once(c.transport === 'tls' ? 'secureConnect' : 'connect', () => resolve());
      socket.once('error', reject);
    });
    await waitWritten(socket, frame, 10_000);
  } catch (err) {
    throw new VigilError('E_CHANNEL', `syslog ${c.transport}://${c.host}:${c.port}: ${(err as Error).message}`);
  }
}

async function sendEmail(c: EmailChannel, n: Notification): Promise<void> {
  const transport = nodemailer.createTransport({
    host: c.host,
    port: c.port,
    secure: c.secure ?? false,
    requireTLS: c.requireTls ?? false,
    auth: c.user ? { user: c.user, pass: c.password ?? '' } : undefined,
    tls: c.ca ? { ca: readCa(c.ca) } : undefined,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 20_000,
  });
  try {
    await transport.sendMail({
      from: c.from,
      to: c.to,
      subject: `[Vigil] ${n.title}`,
      text: renderText(n),
      messageId: `<${n.id}@vigil.invalid>`,
      headers: { 'X-Vigil-Idempotency-Key': n.id, 'X-Vigil-Severity': n.severity },
    });
  } catch (err) {
    throw new VigilError('E_CHANNEL', `e-mail via ${c.host}:${c.port}: ${(err as Error).message}`);
  } finally {
    transport.close();
  }
}

export function sendNotification(c: ChannelConfig, n: Notification, now: () => Date = () => new Date()): Promise<void> {
  switch (c.type) {
    case 'webhook':
      return sendWebhook(c, n, now);
    case 'syslog':
      return sendSyslog(c, n);
    case 'email':
      return sendEmail(c, n);
  }
}
