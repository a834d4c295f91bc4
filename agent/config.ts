// Agent configuration: a YAML file (default per OS below, or --config / VIGIL_AGENT_CONFIG), then
// environment variables over it, then command-line flags over both. Every field is optional; a missing
// file means all defaults. Anything unknown, of the wrong type or out of range is refused with
// E_AGENT_CONFIG naming the file, line and field (or the variable), and the agent does not start.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, isMap, isScalar, parseDocument, type Document } from 'yaml';
import { VigilError } from '../protocol/errors.js';
import { canonicalize } from '../protocol/jcs.js';
import { parseDuration } from '../protocol/table.js';

export interface AgentConfig {
  /** State directory (key, enrolment, chain, spool); null: the OS default (state.ts). */
  state: string | null;
  /** Cycle interval; null: the interval the collector asks for. */
  intervalMs: number | null;
  spool: { maxBytes: number };
  checks: { timeoutMs: number; concurrency: number };
  commands: { timeoutMs: number; maxOutputBytes: number; concurrency: number };
  /** low: nice 10 / BELOW_NORMAL for the agent and the commands it runs. */
  priority: 'low' | 'normal';
  /**
   * keepaliveMs: a ping to the collector this often; no reply by the next one ends the session (a silent
   * network partition is otherwise noticed only when TCP gives up, minutes later). maxBackoffMs: ceiling of
   * the exponential wait between connection attempts.
   */
  connection: { keepaliveMs: number; maxBackoffMs: number };
}

export const DEFAULT_CONFIG: AgentConfig = {
  state: null,
  intervalMs: null,
  spool: { maxBytes: 64 * 1024 * 1024 },
  checks: { timeoutMs: 60_000, concurrency: 4 },
  commands: { timeoutMs: 15_000, maxOutputBytes: 4 * 1024 * 1024, concurrency: 2 },
  priority: 'low',
  connection: { keepaliveMs: 30_000, maxBackoffMs: 5 * 60_000 },
};

type Kind = { type: 'path' } | { type: 'duration'; min: number; max: number } | { type: 'bytes'; min: number; max: number } | { type: 'int'; min: number; max: number } | { type: 'enum'; values: string[] };

interface Field {
  path: string[];
  env: string;
  kind: Kind;
}

const MiB = 1024 * 1024;
export const CONFIG_FIELDS: readonly Field[] = [
  { path: ['state'], env: 'VIGIL_AGENT_STATE', kind: { type: 'path' } },
  { path: ['interval'], env: 'VIGIL_AGENT_INTERVAL', kind: { type: 'duration', min: 10_000, max: 86_400_000 } },
  { path: ['spool', 'maxBytes'], env: 'VIGIL_AGENT_SPOOL_MAX_BYTES', kind: { type: 'bytes', min: 1 * MiB, max: 4096 * MiB } },
  { path: ['checks', 'timeout'], env: 'VIGIL_AGENT_CHECK_TIMEOUT', kind: { type: 'duration', min: 1000, max: 600_000 } },
  { path: ['checks', 'concurrency'], env: 'VIGIL_AGENT_CHECK_CONCURRENCY', kind: { type: 'int', min: 1, max: 8 } },
  { path: ['commands', 'timeout'], env: 'VIGIL_AGENT_COMMAND_TIMEOUT', kind: { type: 'duration', min: 1000, max: 600_000 } },
  { path: ['commands', 'maxOutputBytes'], env: 'VIGIL_AGENT_COMMAND_MAX_OUTPUT', kind: { type: 'bytes', min: 64 * 1024, max: 256 * MiB } },
  { path: ['commands', 'concurrency'], env: 'VIGIL_AGENT_COMMAND_CONCURRENCY', kind: { type: 'int', min: 1, max: 8 } },
  { path: ['priority'], env: 'VIGIL_AGENT_PRIORITY', kind: { type: 'enum', values: ['low', 'normal'] } },
  { path: ['connection', 'keepalive'], env: 'VIGIL_AGENT_KEEPALIVE', kind: { type: 'duration', min: 1000, max: 600_000 } },
  { path: ['connection', 'maxBackoff'], env: 'VIGIL_AGENT_MAX_BACKOFF', kind: { type: 'duration', min: 1000, max: 3_600_000 } },
];

export function defaultConfigFile(): string {
  if (process.env.VIGIL_AGENT_CONFIG) return process.env.VIGIL_AGENT_CONFIG;
  if (process.platform === 'win32') return join(process.env.ProgramData ?? 'C:\\ProgramData', 'Vigil', 'agent.yaml');
  if (process.platform === 'darwin') return '/Library/Application Support/Vigil/agent.yaml';
  return '/etc/vigil-agent/agent.yaml';
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kb: 1024, kib: 1024, m: MiB, mb: MiB, mib: MiB, g: 1024 * MiB, gb: 1024 * MiB, gib: 1024 * MiB };

/** A size: an integer number of bytes or "64MiB", "512 KB" (binary units either way). */
export function parseBytes(v: unknown): number | null {
  if (typeof v === 'number') return Number.isInteger(v) && v > 0 ? v : null;
  if (typeof v !== 'string') return null;
  const m = /^(\d+)\s*([a-z]*)$/i.exec(v.trim());
  const unit = m ? SIZE_UNITS[m[2]!.toLowerCase()] : undefined;
  return m && unit ? Number(m[1]) * unit : null;
}

/** Converts one raw value; returns the value or a problem in words. */
function convert(kind: Kind, v: unknown): { value: unknown } | { problem: string } {
  switch (kind.type) {
    case 'path':
      return typeof v === 'string' && v.trim() ? { value: v } : { problem: 'must be a directory path' };
    case 'enum':
      return typeof v === 'string' && kind.values.includes(v) ? { value: v } : { problem: `must be one of ${kind.values.join(', ')}` };
    case 'int': {
      const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
      return typeof n === 'number' && Number.isInteger(n) && n >= kind.min && n <= kind.max ? { value: n } : { problem: `must be a whole number from ${kind.min} to ${kind.max}` };
    }
    case 'duration': {
      const ms = typeof v === 'string' ? parseDuration(v) : null;
      if (ms === null) return { problem: 'must be a duration like 30s, 5m or 1h' };
      return ms >= kind.min && ms <= kind.max ? { value: ms } : { problem: `must be from ${kind.min / 1000} s to ${kind.max / 1000} s` };
    }
    case 'bytes': {
      const b = parseBytes(v);
      if (b === null) return { problem: 'must be a size like 64MiB or a number of bytes' };
      return b >= kind.min && b <= kind.max ? { value: b } : { problem: `must be from ${kind.min} to ${kind.max} bytes` };
    }
  }
}

function assign(cfg: AgentConfig, path: string[], value: unknown): void {
  const key = path.join('.');
  if (key === 'state') cfg.state = value as string;
  else if (key === 'interval') cfg.intervalMs = value as number;
  else if (key === 'spool.maxBytes') cfg.spool.maxBytes = value as number;
  else if (key === 'checks.timeout') cfg.checks.timeoutMs = value as number;
  else if (key === 'checks.concurrency') cfg.checks.concurrency = value as number;
  else if (key === 'commands.timeout') cfg.commands.timeoutMs = value as number;
  else if (key === 'commands.maxOutputBytes') cfg.commands.maxOutputBytes = value as number;
  else if (key === 'commands.concurrency') cfg.commands.concurrency = value as number;
  else if (key === 'priority') cfg.priority = value as AgentConfig['priority'];
  else if (key === 'connection.keepalive') cfg.connection.keepaliveMs = value as number;
  else if (key === 'connection.maxBackoff') cfg.connection.maxBackoffMs = value as number;
}

function lineOf(doc: Document, lc: LineCounter, path: string[]): string {
  const node = doc.getIn(path, true) as { range?: [number, number, number] } | undefined;
  const offset = node?.range?.[0];
  if (offset === undefined) return '';
  const { line, col } = lc.linePos(offset);
  return `${line}:${col}: `;
}

/** Parses the YAML text of a configuration file into overrides of `cfg`; reports every problem. */
function applyYaml(cfg: AgentConfig, text: string, file: string): string[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, uniqueKeys: true });
  if (doc.errors.length) {
    return doc.errors.map((e) => {
      const pos = e.linePos?.[0];
      return `${file}:${pos ? `${pos.line}:${pos.col}: ` : ' '}${e.message.split('\n')[0]}`;
    });
  }
  if (doc.contents === null) return [];
  if (!isMap(doc.contents)) return [`${file}: the file must be a mapping of settings (key: value)`];
  const problems: string[] = [];
  const known = new Set(CONFIG_FIELDS.map((f) => f.path.join('.')));
  const walk = (node: unknown, prefix: string[]) => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
      const path = [...prefix, key];
      const dotted = path.join('.');
      if (known.has(dotted)) continue;
      const section = [...known].some((k) => k.startsWith(`${dotted}.`));
      const empty = pair.value === null || (isScalar(pair.value) && pair.value.value === null);
      if (section && isMap(pair.value)) walk(pair.value, path);
      else if (section && empty) continue; // a section with every setting commented out
      else if (section) problems.push(`${file}:${lineOf(doc, lc, path) || ' '}${dotted}: must be a mapping of settings`);
      else problems.push(`${file}:${lineOf(doc, lc, path) || ' '}${dotted}: unknown setting (known: ${[...known].join(', ')})`);
    }
  };
  walk(doc.contents, []);
  for (const f of CONFIG_FIELDS) {
    if (!doc.hasIn(f.path)) continue;
    const raw = doc.getIn(f.path);
    const r = convert(f.kind, raw);
    if ('problem' in r) problems.push(`${file}:${lineOf(doc, lc, f.path) || ' '}${f.path.join('.')}: ${r.problem}`);
    else assign(cfg, f.path, r.value);
  }
  return problems;
}

/** Loads the file (when it exists) and applies environment overrides. Throws E_AGENT_CONFIG with every problem. */
export async function loadAgentConfig(file: string | null, env: NodeJS.ProcessEnv = process.env): Promise<{ config: AgentConfig; file: string | null }> {
  const cfg: AgentConfig = structuredClone(DEFAULT_CONFIG);
  const problems: string[] = [];
  let used: string | null = null;
  if (file && existsSync(file)) {
    used = file;
    problems.push(...applyYaml(cfg, await readFile(file, 'utf8'), file));
  }
  for (const f of CONFIG_FIELDS) {
    const v = env[f.env];
    if (v === undefined || v === '') continue;
    const r = convert(f.kind, v);
    if ('problem' in r) problems.push(`${f.env}=${v}: ${f.path.join('.')} ${r.problem}`);
    else assign(cfg, f.path, r.value);
  }
  if (problems.length) throw new VigilError('E_AGENT_CONFIG', `agent configuration is invalid:\n  ${problems.join('\n  ')}`, problems);
  return { config: cfg, file: used };
}

/** SHA-256 of the effective configuration (canonical JSON), reported in every attestation. */
export function configSha256(cfg: AgentConfig): string {
  return createHash('sha256').update(canonicalize(cfg)).digest('hex');
}
