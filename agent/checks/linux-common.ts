// The few helpers every Linux check needs: turning a command result or a file read into evidence, telling
// "needs root" apart from other failures so the reason a fact is null is specific, listing a directory
// (FileReader cannot), and asking whether services run.
//
// Spawning a process is the dominant cost of a check (10-30 ms each on a small VM), so checks look for a
// tool's files before running it and run independent commands concurrently.
import type { Evidence } from '../../protocol/checks/types.js';
import { describeFailure, type CommandResult, type RunOptions } from '../runner.js';
import type { CollectDeps } from './types.js';

// The attestation bounds each field of evidence (protocol/statement.ts: sources of 512 characters, errors
// of 1024); the cycle also caps the number of records (agent/cycle.ts), but clipping here keeps the start.

/** Evidence for one command run, whatever its outcome. */
export function commandEvidence(r: CommandResult): Evidence {
  const e: Evidence = { source: clip(r.source, 512), exitCode: r.exitCode, durationMs: r.durationMs };
  if (r.failure) e.error = clip(describeFailure(r), 1024);
  return e;
}

/** Evidence for one file the check read (or could not read). */
export function fileEvidence(path: string, found: boolean, what = 'read'): Evidence {
  const source = clip(`${what} ${path}`, 512);
  return found ? { source } : { source, error: 'missing or unreadable' };
}

// Tools word it differently: nft "Operation not permitted (you must be root)", iptables "Permission denied
// (you must be root)", ufw "You need to be root", blkid "Permission denied", cryptsetup "running as non-root".
const ROOT_HINTS = /permission denied|operation not permitted|must be root|need to be root|non-root|not permitted/i;

/** True when the command failed because the agent lacks privileges. */
export function deniedByPermission(r: CommandResult): boolean {
  return r.failure === 'permission' || (r.exitCode !== 0 && ROOT_HINTS.test(r.stderr));
}

/** One line saying why a command gave no usable answer; "needs root" when that is the cause. */
export function whyFailed(r: CommandResult): string {
  if (r.failure) return describeFailure(r);
  if (deniedByPermission(r)) return clip(`${r.source}: needs root (${firstLine(r.stderr)})`, 1024);
  const msg = firstLine(r.stderr) || firstLine(r.stdout);
  return clip(`${r.source} exited with ${r.exitCode}${msg ? `: ${msg}` : ''}`, 1024);
}

export function firstLine(s: string): string {
  return (s.split('\n').find((l) => l.trim() !== '') ?? '').trim().slice(0, 300);
}

/** Cut a string to a schema's maxLength. */
export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

export const succeeded = (r: CommandResult) => !r.failure && r.exitCode === 0;

/** Runs commands and reads files for one collection, recording evidence for each. */
export class Probe {
  readonly evidence: Evidence[] = [];
  constructor(readonly deps: CollectDeps) {}

  async run(file: string, args: string[], opts?: RunOptions): Promise<CommandResult> {
    const r = await (opts ? this.deps.run(file, args, opts) : this.deps.run(file, args));
    this.evidence.push(commandEvidence(r));
    return r;
  }

  async read(path: string, maxBytes = 1024 * 1024): Promise<string | null> {
    const text = await this.deps.files.readText(path, maxBytes);
    this.evidence.push(fileEvidence(path, text !== null));
    return text;
  }

  /**
   * A file that must be read whole (a database, a socket table): null when it is larger than maxBytes, as
   * a truncated copy would silently miss entries.
   */
  async readAll(path: string, maxBytes: number): Promise<string | null> {
    const text = await this.deps.files.readText(path, maxBytes);
    const whole = text !== null && Buffer.byteLength(text, 'utf8') < maxBytes;
    this.evidence.push(text === null ? fileEvidence(path, false) : whole ? fileEvidence(path, true) : { source: `read ${path}`, error: `larger than ${maxBytes} bytes` });
    return whole ? text : null;
  }

  /** Existence tests are cheap and numerous: they are not recorded one by one. */
  exists(path: string): Promise<boolean> {
    return this.deps.files.exists(path);
  }

  async firstExisting(paths: readonly string[]): Promise<string | null> {
    const found = await Promise.all(paths.map((p) => this.exists(p)));
    return paths[found.indexOf(true)] ?? null;
  }

  /**
   * Regular files directly in dir (sorted by name), or null when the listing failed. A missing directory
   * is an empty list without running anything.
   */
  async listDir(dir: string): Promise<string[] | null> {
    if (!(await this.exists(dir))) return [];
    const r = await this.run('find', [dir, '-mindepth', '1', '-maxdepth', '1', '-type', 'f']);
    if (!succeeded(r)) return null;
    return parseFileList(r.stdout);
  }
}

/** `find DIR -type f` output: one path per line, sorted (C collation, as the sudoers/modprobe readers do). */
export function parseFileList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.startsWith('/'))
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Drop-in files in effect, in the order they apply (the systemd and kmod convention): for each file name
 * the one in the directory listed first wins (/etc over /run over /usr/local/lib over /usr/lib), then all
 * are sorted by file name.
 */
export function dropInOrder(dirsByPriority: ReadonlyArray<readonly string[]>, suffix = '.conf'): string[] {
  const byName = new Map<string, string>();
  for (const files of dirsByPriority) {
    for (const path of files) {
      const name = path.split('/').pop() ?? path;
      if (name.endsWith(suffix) && !byName.has(name)) byName.set(name, path);
    }
  }
  return [...byName.keys()].sort().map((n) => byName.get(n)!);
}

// ---- services -------------------------------------------------------------------------------------------
//
// With systemd as the service manager (sd_booted(): /run/systemd/system exists) one `systemctl show` call
// answers for every unit: installed (LoadState), running (ActiveState) and enabled (UnitFileState). Without
// it (containers, sysvinit, OpenRC, minimal VMs whose PID 1 is something else) unit files say nothing about
// what runs, so the process list is the evidence: a service is running when its daemon is, and "enabled"
// can only mean running.

export interface ServiceSpec {
  /** systemd unit, e.g. "ssh.service". */
  unit: string;
  /** Daemon process name as the kernel shows it (comm, at most 15 characters). */
  process: string;
}

export interface ServiceState {
  /** The unit exists (systemd) or the daemon runs (no systemd). null: could not tell. */
  installed: boolean | null;
  active: boolean | null;
  /** Starts at boot (systemd unit enabled) or, without systemd, runs now. */
  enabled: boolean | null;
  detail: string;
}

/** `systemctl show -p A,B UNIT...`: one block of KEY=value lines per unit, blocks separated by a blank line. */
export function parseSystemctlShow(text: string): Array<Map<string, string>> {
  const out: Array<Map<string, string>> = [];
  let cur = new Map<string, string>();
  for (const line of `${text}\n`.split('\n')) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m?.[1] && m[2] !== undefined) {
      cur.set(m[1], m[2]);
    } else if (line.trim() === '' && cur.size) {
      out.push(cur);
      cur = new Map();
    }
  }
  return out;
}

/** `pgrep -l -x PATTERN`: "PID NAME" per line; the distinct names. */
export function parsePgrepList(text: string): Set<string> {
  const out = new Set<string>();
  for (const line of text.split('\n')) {
    const m = /^\s*\d+\s+(\S.*?)\s*$/.exec(line);
    if (m?.[1]) out.add(m[1]);
  }
  return out;
}

const ENABLED_STATES = new Set(['enabled', 'enabled-runtime', 'alias', 'static', 'indirect', 'generated', 'linked', 'linked-runtime']);
const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** True when systemd is the running service manager (the test sd_booted(3) does). */
export function systemdRunning(p: Probe): Promise<boolean> {
  return p.exists('/run/systemd/system');
}

/** State of each service, keyed by unit. Never throws; an unusable answer gives nulls with the reason. */
export async function serviceStates(p: Probe, specs: readonly ServiceSpec[]): Promise<Map<string, ServiceState>> {
  const out = new Map<string, ServiceState>();
  if (!specs.length) return out;
  const unknown = (why: string) => {
    for (const s of specs) out.set(s.unit, { installed: null, active: null, enabled: null, detail: clip(why, 512) });
    return out;
  };
  if (await systemdRunning(p)) {
    const r = await p.run('systemctl', ['show', '--no-pager', '--property=Id,LoadState,ActiveState,UnitFileState', '--', ...specs.map((s) => s.unit)]);
    const blocks = succeeded(r) ? parseSystemctlShow(r.stdout) : [];
    if (blocks.length !== specs.length) return unknown(succeeded(r) ? `${r.source}: unexpected output` : whyFailed(r));
    specs.forEach((s, i) => {
      const b = blocks[i]!;
      const load = b.get('LoadState') ?? '';
      const active = b.get('ActiveState') ?? '';
      const file = b.get('UnitFileState') ?? '';
      if (!load || !active) {
        out.set(s.unit, { installed: null, active: null, enabled: null, detail: `${s.unit}: systemctl gave no state` });
        return;
      }
      const installed = load !== 'not-found';
      out.set(s.unit, {
        installed,
        active: ['active', 'reloading', 'activating', 'refreshing'].includes(active),
        enabled: ENABLED_STATES.has(file),
        detail: installed ? `${s.unit} ${active}${file ? `, ${file}` : ''}${load === 'masked' ? ', masked' : ''}` : `${s.unit} not installed`,
      });
    });
    return out;
  }
  const names = [...new Set(specs.map((s) => s.process.slice(0, 15)))];
  const r = await p.run('pgrep', ['-l', '-x', names.map(escapeRe).join('|')]);
  // pgrep exits 1 when nothing matched: a valid "none of them runs".
  if (r.failure || (r.exitCode !== 0 && r.exitCode !== 1)) return unknown(`systemd is not running and the process list could not be read: ${whyFailed(r)}`);
  const running = parsePgrepList(r.stdout);
  for (const s of specs) {
    const up = running.has(s.process.slice(0, 15));
    out.set(s.unit, {
      installed: up ? true : null,
      active: up,
      enabled: up,
      detail: `${s.process} ${up ? 'is running' : 'is not running'} (systemd is not the service manager here, so unit files do not start anything)`,
    });
  }
  return out;
}
