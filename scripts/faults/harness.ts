// Shared parts of the fault scenarios (scripts/faults/*.ts, run by test/faults/ and `npm run faults`): the
// compiled CLIs as child processes, a collector data directory, in-process agents that run the real daemon
// (spool, transport, backoff) with no OS checks, and the bookkeeping that says what was sent, stored,
// lost and duplicated.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { enrol } from '../../agent/enrol.js';
import { fetchPinnedCa, postJson } from '../../agent/http.js';
import { generateDeviceKey, saveDeviceKey, type DeviceKey } from '../../agent/keystore.js';
import { runDaemon, type AgentContext } from '../../agent/daemon.js';
import { Spool, signedGapMarker } from '../../agent/spool.js';
import { ensureStateDir, statePaths, writeEnrolment, type Enrolment } from '../../agent/state.js';
import { dataDir, loadConfig, saveConfig, type CollectorConfig } from '../../collector/config.js';
import { openDatabase } from '../../collector/db/open.js';
import type { Db } from '../../collector/db/types.js';
import type { DeviceFacts } from '../../protocol/messages.js';
import { freePort } from '../free-port.js';
import { recordReliability, type ReliabilityRecord } from '../reliability-record.js';

export { freePort };

function findRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above scripts/faults');
    dir = up;
  }
  return dir;
}

export const ROOT = findRoot();
export const COLLECTOR_CLI = join(ROOT, 'dist', 'collector', 'cli.js');
export const AGENT_CLI = join(ROOT, 'dist', 'agent', 'bin.js');
export const RESULTS_DIR = join(ROOT, 'test-output', 'reliability');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
export const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** One fault scenario's result, as written to test-output/reliability/<name>.json. */
export interface FaultOutcome extends ReliabilityRecord {
  category: 'fault';
  sent: number;
  stored: number;
  lost: number;
  duplicated: number;
  durationMs: number;
  details: Record<string, unknown>;
  failures: string[];
}

export class OutcomeBuilder {
  readonly started = Date.now();
  sent = 0;
  stored = 0;
  lost = 0;
  duplicated = 0;
  details: Record<string, unknown> = {};
  failures: string[] = [];
  constructor(
    readonly name: string,
    readonly scenario: string,
  ) {}
  expect(ok: boolean, what: string): void {
    if (!ok) this.failures.push(what);
  }
  add(c: Counted): void {
    this.sent += c.sent;
    this.stored += c.stored;
    this.lost += c.lost;
    this.duplicated += c.duplicated;
    this.failures.push(...c.problems);
  }
  done(): FaultOutcome {
    this.expect(this.lost === 0, `${this.lost} attestation(s) lost`);
    this.expect(this.duplicated === 0, `${this.duplicated} attestation(s) duplicated`);
    return {
      name: this.name,
      category: 'fault',
      scenario: this.scenario,
      sent: this.sent,
      stored: this.stored,
      lost: this.lost,
      duplicated: this.duplicated,
      durationMs: Date.now() - this.started,
      passed: this.failures.length === 0,
      details: this.details,
      failures: this.failures,
    };
  }
}

/** Writes the outcome as one JSON line, for the script that gathers reliability numbers. */
export async function recordOutcome(o: FaultOutcome, dir = RESULTS_DIR): Promise<void> {
  recordReliability(o, dir);
}


export async function until<T>(fn: () => Promise<T | undefined | null | false> | T | undefined | null | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(100);
  }
}

export async function tempDir(prefix: string): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

export interface Proc {
  proc: ChildProcess;
  output(): string;
  waitFor(re: RegExp, timeoutMs?: number, from?: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  alive(): boolean;
}

/** Starts `node script args` (optionally under a prefix such as `ip netns exec NS`). */
export function startNode(script: string, args: string[], opts: { env?: NodeJS.ProcessEnv; prefix?: string[] } = {}): Proc {
  const argv = [...(opts.prefix ?? []), process.execPath, script, ...args];
  const proc = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...opts.env } });
  let out = '';
  const keep = (d: Buffer) => {
    out += d.toString();
    if (out.length > 4_000_000) out = out.slice(-2_000_000);
  };
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return {
    proc,
    output: () => out,
    exited,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    async waitFor(re, timeoutMs = 30_000, from = 0) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const m = re.exec(out.slice(from));
        if (m) return m;
        if (Date.now() > deadline || proc.exitCode !== null || proc.signalCode !== null) throw new Error(`did not see ${re} in output:\n${out.slice(-4000)}`);
        await sleep(50);
      }
    },
  };
}

export function runNode(script: string, args: string[], opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; prefix?: string[] } = {}): Promise<{ stdout: string; stderr: string; code: number }> {
  const argv = [...(opts.prefix ?? []), process.execPath, script, ...args];
  return new Promise((resolve) => {
    execFile(argv[0]!, argv.slice(1), { timeout: opts.timeoutMs ?? 60_000, env: { ...process.env, ...opts.env }, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : -1) : 0;
      resolve({ stdout: String(stdout), stderr: String(stderr), code });
    });
  });
}

/** A collector data directory and its `vigil-collector start` process. */
export class CollectorProc {
  current: Proc | null = null;
  url = '';
  private constructor(readonly data: string) {}

  static async init(data: string, opts: { host?: string; port?: number; databaseUrl?: string; config?: Partial<CollectorConfig> } = {}): Promise<CollectorProc> {
    const port = opts.port ?? (await freePort());
    const args = ['init', '--data', data, '--host', opts.host ?? '127.0.0.1', '--port', String(port)];
    if (opts.databaseUrl) args.push('--database-url', opts.databaseUrl);
    const r = await runNode(COLLECTOR_CLI, args);
    if (r.code !== 0) throw new Error(`collector init failed: ${r.stderr}`);
    if (opts.config) {
      const dir = dataDir(data);
      await saveConfig(dir, { ...(await loadConfig(dir)), ...opts.config });
    }
    return new CollectorProc(data);
  }

  async start(env: NodeJS.ProcessEnv = {}): Promise<Proc> {
    const p = startNode(COLLECTOR_CLI, ['start', '--data', this.data], { env });
    const m = await p.waitFor(/listening on (https?:\/\/\S+)/, 60_000);
    this.url = m[1]!;
    this.current = p;
    return p;
  }

  async kill(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const p = this.current;
    if (!p || !p.alive()) return;
    p.proc.kill(signal);
    await p.exited;
  }

  /** An enrolment string for `uses` devices. */
  async token(uses: number): Promise<string> {
    const r = await runNode(COLLECTOR_CLI, ['token', 'create', '--data', this.data, '--role', 'workstation', '--expires', '1h', '--max-uses', String(uses), '--json']);
    if (r.code !== 0) throw new Error(`token create failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as { enrolment: string }).enrolment;
  }

  openDb(): Promise<Db> {
    return openDatabase(dataDir(this.data));
  }
}

export const SIM_FACTS: DeviceFacts = { hostname: 'fault-sim', os: { platform: 'linux', name: 'Debian GNU/Linux', version: '12' }, arch: 'x64' };

/** Enrols a key through the collector's real enrolment API (as `vigil-agent enroll` does). */
export async function enrolKey(enrolmentString: string): Promise<{ enrolment: Enrolment; key: DeviceKey }> {
  return enrol(enrolmentString, { fetchPinnedCa, postJson, createKey: async () => generateDeviceKey(), deviceFacts: async () => SIM_FACTS, now: () => new Date() });
}

/**
 * An agent in this process: the real daemon (spool on disk, transport, reconnect backoff) with no OS
 * checks, so it attests as fast as its interval. Every envelope it spools is remembered (seq → sha256).
 */
export class SimAgent {
  readonly produced = new Map<number, string>();
  readonly lines: string[] = [];
  private abort = new AbortController();
  private running: Promise<void> | null = null;
  private frozen = false;
  spool!: Spool;

  private constructor(
    readonly state: string,
    readonly enrolment: Enrolment,
    readonly key: DeviceKey,
  ) {}

  static async create(state: string, enrolmentString: string): Promise<SimAgent> {
    const { enrolment, key } = await enrolKey(enrolmentString);
    const paths = statePaths(state);
    await ensureStateDir(paths);
    await saveDeviceKey(paths.key, key);
    await writeEnrolment(paths, enrolment);
    return new SimAgent(state, enrolment, key);
  }

  get deviceId(): string {
    return this.enrolment.deviceId;
  }

  async start(intervalMs: number, connection?: AgentContext['connection']): Promise<void> {
    const agent = { version: 'fault-sim' };
    this.spool = await Spool.open(statePaths(this.state), { maxBytes: 64 * 1024 * 1024, gapMarker: signedGapMarker(this.key, agent), log: (l) => this.lines.push(l) });
    const append = this.spool.append.bind(this.spool);
    this.spool.append = async (seq: number, text: string) => {
      await append(seq, text);
      this.produced.set(seq, sha256(text));
    };
    this.abort = new AbortController();
    this.frozen = false;
    const ctx: AgentContext = {
      enrolment: this.enrolment,
      key: this.key,
      spool: this.spool,
      checks: [],
      deps: { run: async () => ({ code: 0, stdout: '', stderr: '', timedOut: false }) as never, files: { readText: async () => null, mtimeMs: async () => null, exists: async () => false }, now: () => Date.now() },
      deviceFacts: async () => {
        if (this.frozen) throw new Error('production stopped for the final count');
        return SIM_FACTS;
      },
      log: (l) => {
        this.lines.push(`${new Date().toISOString()} ${l}`);
        if (this.lines.length > 5000) this.lines.splice(0, 1000);
      },
      agent,
      connection,
    };
    this.running = runDaemon(ctx, this.abort.signal, intervalMs);
  }

  /**
   * No more attestations; the session keeps delivering what is spooled. Resolves once a cycle that had
   * already started has spooled its attestation too (cycles here take a few milliseconds).
   */
  async freeze(): Promise<void> {
    this.frozen = true;
    const size = () => this.produced.size;
    let last = size();
    for (;;) {
      await sleep(500);
      if (size() === last) return;
      last = size();
    }
  }

  async pending(): Promise<number> {
    return (await this.spool.pendingSeqs()).length;
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.running;
  }
}

export interface StoredRow {
  seq: number;
  sha256: string;
  bytes: Buffer;
}

export function storedRows(db: Db, deviceId: string): Promise<StoredRow[]> {
  return db.all<StoredRow>('SELECT seq, sha256, bytes FROM envelopes WHERE device_id = ? ORDER BY seq', [deviceId]);
}

export async function tamperEvents(db: Db): Promise<{ device_id: string; code: string }[]> {
  return db.all<{ device_id: string; code: string }>('SELECT device_id, code FROM tamper_events');
}

/** Fails the outcome on any tamper event the collector recorded; returns how many there were. */
export async function expectNoTamper(out: OutcomeBuilder, db: Db): Promise<number> {
  const tamper = await tamperEvents(db);
  out.expect(tamper.length === 0, `tamper events: ${tamper.map((t) => t.code).join(', ')}`);
  return tamper.length;
}

export interface Counted {
  sent: number;
  stored: number;
  lost: number;
  duplicated: number;
  problems: string[];
}

/** The predicate of a stored envelope (bytes as the agent signed them). */
export function predicateOf(bytes: Buffer | string): { sequence: number; previous: string; gap?: { toSeq: number; lastHash: string } } {
  const env = JSON.parse(bytes.toString()) as { payload: string };
  return (JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as { predicate: { sequence: number; previous: string; gap?: { toSeq: number; lastHash: string } } }).predicate;
}

/**
 * Compares what a device produced with what the collector stored: every produced sequence stored once with
 * the same hash, nothing stored that was not produced, and the stored chain links (each envelope's
 * previous is the sha256 of the one before; the first links to the key digest).
 */
export function compare(deviceId: string, produced: Map<number, string>, rows: StoredRow[], keyDigest?: string): Counted {
  const problems: string[] = [];
  const bySeq = new Map<number, StoredRow[]>();
  for (const r of rows) bySeq.set(r.seq, [...(bySeq.get(r.seq) ?? []), r]);
  let lost = 0;
  let duplicated = 0;
  for (const [seq, hash] of produced) {
    const got = bySeq.get(seq);
    if (!got) {
      lost++;
      continue;
    }
    if (got.length > 1) duplicated += got.length - 1;
    if (got[0]!.sha256 !== hash) problems.push(`${deviceId} seq ${seq}: stored sha256 ${got[0]!.sha256} differs from the produced ${hash}`);
  }
  const extra = [...bySeq.keys()].filter((seq) => !produced.has(seq));
  for (const seq of extra) duplicated += bySeq.get(seq)!.length;
  if (extra.length) problems.push(`${deviceId}: stored sequence(s) ${extra.slice(0, 5).join(', ')} the agent never produced`);
  problems.push(...chainProblems(deviceId, rows, keyDigest));
  if (lost) problems.push(`${deviceId}: ${lost} produced sequence(s) not stored (first: ${[...produced.keys()].find((s) => !bySeq.has(s))})`);
  return { sent: produced.size, stored: rows.length, lost, duplicated, problems };
}

/** Stored rows must be 1..n (gap markers cover their range) and each links to the one before. */
export function chainProblems(deviceId: string, rows: StoredRow[], keyDigest?: string): string[] {
  const problems: string[] = [];
  let expectSeq = 1;
  let prevHash: string | null = keyDigest ?? null;
  for (const r of rows) {
    const p = predicateOf(r.bytes);
    if (r.seq !== expectSeq) problems.push(`${deviceId}: stored sequence ${r.seq} where ${expectSeq} was expected`);
    if (sha256(r.bytes) !== r.sha256) problems.push(`${deviceId} seq ${r.seq}: bytes do not hash to the recorded sha256`);
    if (prevHash !== null && p.previous !== prevHash) problems.push(`${deviceId} seq ${r.seq}: previous does not link to the stored envelope before it`);
    expectSeq = (p.gap ? p.gap.toSeq : r.seq) + 1;
    prevHash = p.gap ? p.gap.lastHash : r.sha256;
  }
  return problems;
}

/** chain.json of an agent state directory. */
export async function chainHead(state: string): Promise<{ lastSeq: number; lastHash: string | null }> {
  return JSON.parse(await readFile(join(state, 'chain.json'), 'utf8')) as { lastSeq: number; lastHash: string | null };
}

/**
 * For a real agent process (whose envelopes this process never sees): it produced 1..chain.lastSeq; the
 * collector must hold exactly those, linked, ending in the agent's own head hash.
 */
export async function compareWithHead(db: Db, deviceId: string, state: string, keyDigest?: string): Promise<Counted> {
  const head = await chainHead(state);
  const rows = await storedRows(db, deviceId);
  const problems = chainProblems(deviceId, rows, keyDigest);
  const seqs = new Set(rows.map((r) => r.seq));
  let lost = 0;
  for (let s = 1; s <= head.lastSeq; s++) if (!seqs.has(s)) lost++;
  const beyond = rows.filter((r) => r.seq > head.lastSeq);
  const duplicated = rows.length - seqs.size + beyond.length;
  if (beyond.length) problems.push(`${deviceId}: stored sequence(s) ${beyond.slice(0, 5).map((r) => r.seq).join(', ')} beyond the agent's chain head ${head.lastSeq}`);
  const last = rows.find((r) => r.seq === head.lastSeq);
  if (head.lastSeq > 0 && last && last.sha256 !== head.lastHash) problems.push(`${deviceId}: stored head ${last.sha256} differs from the agent's chain head ${head.lastHash}`);
  return { sent: head.lastSeq, stored: rows.length, lost, duplicated, problems };
}

/** The device key digest (subject of every statement) from an agent state directory's key. */
export async function keyDigestOf(state: string): Promise<string> {
  const { loadDeviceKey } = await import('../../agent/keystore.js');
  return (await loadDeviceKey(join(state, 'key.pem'))).digest;
}

/** Resident set size of a process, in KiB (Linux /proc). */
export async function rssKiB(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}
