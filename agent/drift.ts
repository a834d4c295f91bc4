// Fast drift detection between full cycles, so a firewall switched off reaches the collector in seconds
// rather than at the next interval. Change signals: `nft monitor ruleset` on Linux (the kernel reports
// every ruleset change; nothing is polled), fs.watch on the configuration the cheap checks read (ufw,
// nftables, firewalld, sshd, MDM agents), and a cheap re-probe every minute for what has no signal
// (Windows registry, macOS, iptables-legacy). A signal only re-runs the cheap checks; a full cycle (and an
// attestation) follows only when one of their verdicts changed. Probes are at least MIN_GAP_MS apart so a
// noisy signal cannot keep a clinical machine busy.
import { spawn, type ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';
import { DEFAULT_POLICY } from '../protocol/policy.js';
import { runChecks } from './cycle.js';
import type { CollectDeps, PlatformCheck } from './checks/types.js';

export const CHEAP_CHECKS: readonly string[] = ['firewall', 'remote_access', 'mdm_enrollment'];
export const PROBE_INTERVAL_MS = 60_000;
export const DEBOUNCE_MS = 500;
export const MIN_GAP_MS = 5_000;
const PROBE_TIMEOUT_MS = 20_000;

export const WATCH_PATHS: Record<string, readonly string[]> = {
  linux: ['/etc/ufw', '/etc/nftables.conf', '/etc/firewalld', '/etc/ssh', '/etc/ssh/sshd_config.d', '/etc/opt/microsoft/intune', '/etc/landscape'],
  darwin: ['/Library/Preferences/com.apple.alf.plist', '/etc/ssh', '/private/etc/ssh'],
  win32: [],
};

export interface DriftOptions {
  checks: PlatformCheck[];
  deps: CollectDeps;
  role: string;
  platform: NodeJS.Platform;
  log(line: string): void;
  /** Called when a cheap check's verdict differs from the last full cycle's. */
  onDrift(reason: string): void;
  probeIntervalMs?: number;
  watchPaths?: readonly string[];
  /** Follow nftables with `nft monitor` (Linux). */
  nftMonitor?: boolean;
}

export class DriftWatch {
  private baseline: Record<string, string> | null = null;
  private watchers: FSWatcher[] = [];
  private monitor: ChildProcess | null = null;
  private interval: NodeJS.Timeout | null = null;
  private pending: NodeJS.Timeout | null = null;
  private probing = false;
  private lastProbe = 0;
  private stopped = false;
  private readonly cheap: PlatformCheck[];

  constructor(private readonly o: DriftOptions) {
    this.cheap = o.checks.filter((c) => CHEAP_CHECKS.includes(c.id));
  }

  /** The verdicts of the last full cycle: what a probe compares against. */
  setBaseline(statuses: Record<string, string>): void {
    this.baseline = Object.fromEntries(this.cheap.map((c) => [c.id, statuses[c.id] ?? 'unknown']));
  }

  start(): void {
    if (!this.cheap.length) return;
    for (const path of this.o.watchPaths ?? WATCH_PATHS[this.o.platform] ?? []) {
      try {
        const w = watch(path, { persistent: false }, () => this.signal(`change in ${path}`));
        w.on('error', () => w.close());
        this.watchers.push(w);
      } catch {
        // The path does not exist on this machine (that tool is not installed): nothing to watch.
      }
    }
    if ((this.o.nftMonitor ?? this.o.platform === 'linux') && this.cheap.some((c) => c.id === 'firewall')) this.startNftMonitor();
    this.interval = setInterval(() => this.signal('periodic probe'), this.o.probeIntervalMs ?? PROBE_INTERVAL_MS);
    this.interval.unref();
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.watchers.splice(0)) w.close();
    this.monitor?.kill();
    this.monitor = null;
    if (this.interval) clearInterval(this.interval);
    if (this.pending) clearTimeout(this.pending);
  }

  private startNftMonitor(): void {
    try {
      const p = spawn('nft', ['monitor', 'ruleset'], { stdio: ['ignore', 'pipe', 'ignore'] });
      p.on('error', () => undefined); // nft not installed or not permitted: the periodic probe remains
      p.stdout!.on('data', () => this.signal('nftables ruleset changed'));
      p.on('exit', () => {
        if (this.monitor === p) this.monitor = null;
      });
      this.monitor = p;
    } catch {
      this.monitor = null;
    }
  }

  /** A change signal: probe after a short debounce, and never sooner than MIN_GAP_MS after the last probe. */
  signal(why: string): void {
    if (this.stopped || this.pending || !this.baseline) return;
    const wait = Math.max(DEBOUNCE_MS, this.lastProbe + MIN_GAP_MS - Date.now());
    this.pending = setTimeout(() => {
      this.pending = null;
      void this.probe(why);
    }, wait);
    this.pending.unref();
  }

  private async probe(why: string): Promise<void> {
    if (this.probing || this.stopped || !this.baseline) return;
    this.probing = true;
    this.lastProbe = Date.now();
    try {
      const results = await runChecks(this.cheap, this.o.deps, DEFAULT_POLICY, this.o.role, PROBE_TIMEOUT_MS);
      const changed = results.filter((r) => this.baseline && this.baseline[r.id] !== r.status);
      if (changed.length && !this.stopped) {
        const what = changed.map((r) => `${r.id} ${this.baseline![r.id]}→${r.status}`).join(', ');
        for (const r of changed) this.baseline![r.id] = r.status;
        this.o.onDrift(`${what} (${why})`);
      }
    } catch (err) {
      this.o.log(`drift probe failed: ${(err as Error).message}`);
    } finally {
      this.probing = false;
    }
  }
}
