// The operator's alerts file (alerts.yaml in the data directory): channels with their secrets, routing
// rules, stale thresholds per role, storm grouping, flap damping and delivery retries.
//
//   channels:
//     oncall: { type: webhook, url: https://hooks.example/vigil, secret: "…", format: vigil }
//     soc:    { type: syslog, transport: tls, host: siem.local, port: 6514 }
//     it:     { type: email, host: smtp.local, port: 587, from: vigil@h.local, to: [it@h.local] }
//   routes:
//     - match: { severity: [high, critical] }
//       channels: [oncall, soc]
//
// Every route whose match holds sends to its channels (the union). A missing file means no channels:
// alerts are still recorded and listed. Errors name line, column and field, like policy.yaml.
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { LineCounter, parseDocument, type Document, type Node as YamlNode } from 'yaml';
import { VigilError } from '../../protocol/errors.js';

export const ALERTS_FILE = 'alerts.yaml';
export const SEVERITIES = ['info', 'low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];
export const KINDS = ['check_fail', 'stale', 'tamper', 'device_enrolled', 'token_misuse', 'agent_build', 'inventory'] as const;
export type AlertKind = (typeof KINDS)[number];

const Name = Type.String({ pattern: '^[a-z][a-z0-9_-]{0,63}$' });
const Seconds = (min: number, max: number) => Type.Integer({ minimum: min, maximum: max });
const Str = (max = 500) => Type.String({ minLength: 1, maxLength: max });

const Webhook = Type.Object(
  {
    type: Type.Literal('webhook'),
    url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
    /** HMAC-SHA256 key for the X-Vigil-Signature header. */
    secret: Type.String({ minLength: 16, maxLength: 500 }),
    /** vigil: the JSON notification; slack and teams: their incoming-webhook bodies. */
    format: Type.Optional(Type.Union([Type.Literal('vigil'), Type.Literal('slack'), Type.Literal('teams')])),
    timeoutSeconds: Type.Optional(Seconds(1, 120)),
    /** PEM file of a CA to trust for an https receiver with a private certificate. */
    ca: Type.Optional(Str(1000)),
  },
  { additionalProperties: false },
);
const Syslog = Type.Object(
  {
    type: Type.Literal('syslog'),
    transport: Type.Union([Type.Literal('udp'), Type.Literal('tcp'), Type.Literal('tls')]),
    host: Str(255),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** Syslog facility number (RFC 5424 §6.2.1); 16 = local0. */
    facility: Type.Optional(Type.Integer({ minimum: 0, maximum: 23 })),
    ca: Type.Optional(Str(1000)),
    appName: Type.Optional(Type.String({ pattern: '^[!-~]{1,48}$' })),
  },
  { additionalProperties: false },
);
const Email = Type.Object(
  {
    type: Type.Literal('email'),
    host: Str(255),
    port: Type.Integer({ minimum: 1, maximum: 65535 }),
    /** true: TLS from the first byte (465); false: STARTTLS when the server offers it. */
    secure: Type.Optional(Type.Boolean()),
    requireTls: Type.Optional(Type.Boolean()),
    user: Type.Optional(Str(200)),
    password: Type.Optional(Str(500)),
    from: Str(200),
    to: Type.Array(Str(200), { minItems: 1, maxItems: 50 }),
    ca: Type.Optional(Str(1000)),
  },
  { additionalProperties: false },
);
const Channel = Type.Union([Webhook, Syslog, Email]);
export type ChannelConfig = Static<typeof Channel>;
export type WebhookChannel = Static<typeof Webhook>;
export type SyslogChannel = Static<typeof Syslog>;
export type EmailChannel = Static<typeof Email>;

const List = <T extends ReturnType<typeof Type.String>>(item: T) => Type.Optional(Type.Array(item, { minItems: 1, maxItems: 100 }));
const Route = Type.Object(
  {
    match: Type.Optional(
      Type.Object(
        {
          severity: List(Type.Union(SEVERITIES.map((s) => Type.Literal(s))) as unknown as ReturnType<typeof Type.String>),
          kind: List(Type.Union(KINDS.map((k) => Type.Literal(k))) as unknown as ReturnType<typeof Type.String>),
          role: List(Str(64)),
          site: List(Str(200)),
          check: List(Str(64)),
        },
        { additionalProperties: false },
      ),
    ),
    channels: Type.Array(Name, { minItems: 1, maxItems: 20 }),
  },
  { additionalProperties: false },
);

const SeverityName = Type.Union(SEVERITIES.map((s) => Type.Literal(s)));
const AlertsFile = Type.Object(
  {
    channels: Type.Optional(Type.Record(Type.String(), Channel)),
    routes: Type.Optional(Type.Array(Route, { maxItems: 200 })),
    /** Severity per kind, and per check for check_fail. */
    severity: Type.Optional(
      Type.Object(
        { kinds: Type.Optional(Type.Record(Type.String(), SeverityName)), checks: Type.Optional(Type.Record(Type.String(), SeverityName)) },
        { additionalProperties: false },
      ),
    ),
    stale: Type.Optional(
      Type.Object(
        {
          /** A device is stale after this many missed check intervals. */
          intervals: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
          roles: Type.Optional(Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 1000 }))),
          scanSeconds: Type.Optional(Seconds(5, 3600)),
        },
        { additionalProperties: false },
      ),
    ),
    storm: Type.Optional(
      Type.Object(
        {
          windowSeconds: Type.Optional(Seconds(1, 86_400)),
          /** More alerts of one kind and check than this within the window are grouped. */
          threshold: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
          /** How long a group gathers members before it is sent. */
          holdSeconds: Type.Optional(Seconds(0, 3600)),
        },
        { additionalProperties: false },
      ),
    ),
    flap: Type.Optional(
      Type.Object(
        { windowSeconds: Type.Optional(Seconds(1, 7 * 86_400)), maxOpens: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
        { additionalProperties: false },
      ),
    ),
    delivery: Type.Optional(
      Type.Object(
        {
          maxAttempts: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
          backoffSeconds: Type.Optional(Type.Number({ minimum: 0.01, maximum: 3600 })),
          maxBackoffSeconds: Type.Optional(Type.Number({ minimum: 0.01, maximum: 86_400 })),
        },
        { additionalProperties: false },
      ),
    ),
    agents: Type.Optional(
      Type.Object(
        {
          /** Agents older than this raise agent_build (unknown binaries: known-builds.json). */
          minimumVersion: Type.Optional(Type.String({ pattern: '^\\d+\\.\\d+\\.\\d+' })),
        },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);
type AlertsFileDoc = Static<typeof AlertsFile>;
const compiled = TypeCompiler.Compile(AlertsFile);
const channelChecks = { webhook: TypeCompiler.Compile(Webhook), syslog: TypeCompiler.Compile(Syslog), email: TypeCompiler.Compile(Email) };

export interface AlertsConfig {
  channels: Record<string, ChannelConfig>;
  routes: { match: { severity?: string[]; kind?: string[]; role?: string[]; site?: string[]; check?: string[] }; channels: string[] }[];
  severity: { kinds: Record<string, Severity>; checks: Record<string, Severity> };
  stale: { intervals: number; roles: Record<string, number>; scanSeconds: number };
  storm: { windowSeconds: number; threshold: number; holdSeconds: number };
  flap: { windowSeconds: number; maxOpens: number };
  delivery: { maxAttempts: number; backoffSeconds: number; maxBackoffSeconds: number };
  agents: { minimumVersion: string | null };
}

export const DEFAULT_SEVERITY: Record<AlertKind, Severity> = {
  tamper: 'critical',
  check_fail: 'high',
  token_misuse: 'high',
  stale: 'medium',
  agent_build: 'medium',
  device_enrolled: 'info',
  inventory: 'medium',
};

function resolved(d: AlertsFileDoc): AlertsConfig {
  return {
    channels: d.channels ?? {},
    routes: (d.routes ?? []).map((r) => ({ match: r.match ?? {}, channels: r.channels })),
    severity: { kinds: d.severity?.kinds ?? {}, checks: d.severity?.checks ?? {} },
    stale: { intervals: d.stale?.intervals ?? 3, roles: d.stale?.roles ?? {}, scanSeconds: d.stale?.scanSeconds ?? 30 },
    storm: { windowSeconds: d.storm?.windowSeconds ?? 300, threshold: d.storm?.threshold ?? 5, holdSeconds: d.storm?.holdSeconds ?? 10 },
    flap: { windowSeconds: d.flap?.windowSeconds ?? 3600, maxOpens: d.flap?.maxOpens ?? 4 },
    delivery: { maxAttempts: d.delivery?.maxAttempts ?? 8, backoffSeconds: d.delivery?.backoffSeconds ?? 5, maxBackoffSeconds: d.delivery?.maxBackoffSeconds ?? 3600 },
    agents: { minimumVersion: d.agents?.minimumVersion ?? null },
  };
}

export const EMPTY_ALERTS_CONFIG: AlertsConfig = resolved({});

function position(doc: Document, lc: LineCounter, segments: string[]): { line: number; col: number } {
  for (let n = segments.length; n >= 0; n--) {
    const node = (n === 0 ? doc.contents : doc.getIn(segments.slice(0, n), true)) as YamlNode | null | undefined;
    if (node?.range) return lc.linePos(node.range[0]);
  }
  return { line: 1, col: 1 };
}

/** Parse and validate alerts.yaml text; throws E_ALERT_CONFIG with one `file:line:col: field: problem` per problem. */
export function parseAlertsConfig(text: string, file = ALERTS_FILE): AlertsConfig {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  const problems: string[] = [];
  for (const e of doc.errors) {
    const p = e.linePos?.[0] ?? { line: 1, col: 1 };
    problems.push(`${file}:${p.line}:${p.col}: (document): ${e.message.split('\n')[0]}`);
  }
  if (problems.length) throw new VigilError('E_ALERT_CONFIG', `${file} is invalid: ${problems.join('; ')}`, problems);
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 50 }) ?? {};
  } catch (err) {
    // An alias to an undefined anchor, or one expanded too often (an alias bomb), fails here, not while parsing.
    const problem = `${file}:1:1: (document): ${(err as Error).message.split('\n')[0]}`;
    throw new VigilError('E_ALERT_CONFIG', `${file} is invalid: ${problem}`, [problem]);
  }
  const at = (segments: string[], message: string) => {
    const p = position(doc, lc, segments);
    problems.push(`${file}:${p.line}:${p.col}: ${segments.join('.') || '(document)'}: ${message}`);
  };
  if (!compiled.Check(raw)) {
    const seen = new Set<string>();
    // A union of channel types would only say "expected union value": validate each channel against the
    // type its own `type` field names, so the problem names the field.
    const channels = (raw as { channels?: unknown }).channels;
    if (channels && typeof channels === 'object' && !Array.isArray(channels)) {
      for (const [name, ch] of Object.entries(channels as Record<string, unknown>)) {
        const type = (ch as { type?: unknown } | null)?.type;
        const check = typeof type === 'string' ? channelChecks[type as keyof typeof channelChecks] : undefined;
        if (!check) {
          at(['channels', name, 'type'], `type must be webhook, syslog or email`);
          continue;
        }
        for (const e of check.Errors(ch)) at(['channels', name, ...e.path.split('/').slice(1)], e.message.charAt(0).toLowerCase() + e.message.slice(1));
      }
    }
    for (const e of compiled.Errors(raw)) {
      const segments = e.path.split('/').slice(1);
      if (segments[0] === 'channels' && segments.length >= 2) continue;
      const key = `${e.path}:${e.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // A union of channel types reports every member's complaint; the type field says which applies.
      at(segments, e.message.charAt(0).toLowerCase() + e.message.slice(1));
      if (problems.length >= 30) break;
    }
    throw new VigilError('E_ALERT_CONFIG', `${file} is invalid: ${problems.join('; ')}`, problems);
  }
  const d = raw as AlertsFileDoc;
  for (const name of Object.keys(d.channels ?? {})) {
    if (!/^[a-z][a-z0-9_-]{0,63}$/.test(name)) at(['channels', name], `channel name "${name}" must be lower-case letters, digits, - or _`);
  }
  (d.routes ?? []).forEach((r, i) => {
    r.channels.forEach((c, j) => {
      if (!d.channels?.[c]) at(['routes', String(i), 'channels', String(j)], `unknown channel "${c}" (defined: ${Object.keys(d.channels ?? {}).join(', ') || 'none'})`);
    });
  });
  for (const k of Object.keys(d.severity?.kinds ?? {})) {
    if (!(KINDS as readonly string[]).includes(k)) at(['severity', 'kinds', k], `unknown kind "${k}" (known: ${KINDS.join(', ')})`);
  }
  if (problems.length) throw new VigilError('E_ALERT_CONFIG', `${file} is invalid: ${problems.join('; ')}`, problems);
  return resolved(d);
}

/**
 * The alerts file in force: re-read when its modification time or size changes (checked every pollMs
 * while watching, and when the configuration is asked for), never replaced by a bad file.
 */
export class AlertsConfigStore {
  private config: AlertsConfig = EMPTY_ALERTS_CONFIG;
  private stamp = '';
  private checkedAt = 0;
  private error: VigilError | null = null;
  private loading: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    readonly file: string,
    private readonly log: (msg: string) => void = (m) => console.error(m),
    private readonly pollMs = 2000,
  ) {}

  /** Load now; a bad file at start-up throws (the operator sees it at once). */
  async load(): Promise<AlertsConfig> {
    await this.reload(true);
    if (this.error) throw this.error;
    return this.config;
  }

  /** Re-check the file every pollMs, so an edit is in force before the next alert needs it. */
  watch(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.current(), this.pollMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.loading;
  }

  lastError(): VigilError | null {
    return this.error;
  }

  /** The configuration in force; starts a re-read in the background when the poll interval has passed. */
  current(): AlertsConfig {
    if (Date.now() - this.checkedAt >= this.pollMs && !this.loading) {
      this.loading = this.reload(false).finally(() => (this.loading = null));
    }
    return this.config;
  }

  private async reload(strict: boolean): Promise<void> {
    this.checkedAt = Date.now();
    if (!existsSync(this.file)) {
      if (this.stamp !== 'absent') this.config = EMPTY_ALERTS_CONFIG;
      this.stamp = 'absent';
      this.error = null;
      return;
    }
    try {
      const s = await stat(this.file);
      const stamp = `${s.mtimeMs}:${s.size}`;
      if (stamp === this.stamp && !strict) return;
      this.stamp = stamp;
      this.config = parseAlertsConfig(await readFile(this.file, 'utf8'), this.file);
      if (this.error) this.log(`alerts: ${this.file} is valid again`);
      this.error = null;
    } catch (err) {
      const e = err instanceof VigilError ? err : new VigilError('E_ALERT_CONFIG', `${this.file} cannot be read: ${(err as Error).message}`);
      if (this.error?.message !== e.message) this.log(`alerts: ${e.message}; keeping the previous alert configuration`);
      this.error = e;
    }
  }
}
