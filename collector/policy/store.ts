// The policy in force: loaded from <data>/policy.yaml, reloaded when the file changes, never replaced by
// a bad file. Change detection: fs.watch on the directory (editors save by writing a temporary file and
// renaming it over the original, which a watch on the file's inode would miss) plus a poll that re-reads
// the file, for file systems where fs.watch stays silent (NFS, some containers). Each version is
// recorded (its full text in policy_versions, the load or refusal in audit_log), so an auditor can see
// the exact thresholds behind any evaluation from its version stamp.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { VigilError } from '../../protocol/errors.js';
import type { Db } from '../db/types.js';
import { audit } from '../audit.js';
import { parsePolicy, type LoadedPolicy } from './document.js';
import { policyVersionsRepo } from './repo.js';
import { renderPolicyYaml } from './template.js';

export interface PolicyLog {
  info(msg: string): void;
  error(msg: string): void;
}

export interface PolicyLoadError {
  at: string;
  message: string;
  details: string[];
}

export const POLICY_FILE = 'policy.yaml';

/** Writes the commented default policy if the data directory has none. */
export async function ensurePolicyFile(file: string): Promise<boolean> {
  if (existsSync(file)) return false;
  await writeFile(file, renderPolicyYaml(), { mode: 0o640, flag: 'wx' });
  return true;
}

export class PolicyStore {
  private loaded: LoadedPolicy;
  private error: PolicyLoadError | null = null;
  private watcher: FSWatcher | null = null;
  private timer: NodeJS.Timeout | null = null;
  private debounce: NodeJS.Timeout | null = null;
  private reloading: Promise<void> = Promise.resolve();

  private constructor(
    readonly file: string,
    private readonly db: Db,
    private readonly now: () => Date,
    private readonly log: PolicyLog,
    initial: LoadedPolicy,
  ) {
    this.loaded = initial;
  }

  /**
   * Loads the file. If it is invalid at start-up, the newest version recorded in the database is used
   * (the last good one) and the error is kept; with no recorded version the error is thrown.
   */
  static async open(file: string, db: Db, opts: { now?: () => Date; log?: PolicyLog } = {}): Promise<PolicyStore> {
    const now = opts.now ?? (() => new Date());
    const log = opts.log ?? { info: () => undefined, error: (m) => console.error(m) };
    let initial: LoadedPolicy;
    let error: PolicyLoadError | null = null;
    try {
      initial = parsePolicy(await readFile(file, 'utf8'), file);
    } catch (err) {
      const fallback = await policyVersionsRepo.lastLoaded(db);
      if (!fallback) throw err instanceof VigilError ? err : new VigilError('E_POLICY', `${file} cannot be read: ${(err as Error).message}`);
      initial = parsePolicy(fallback.source, `${file} (last good version ${fallback.version})`);
      error = PolicyStore.describe(err, now());
      log.error(`policy: ${error.message}; keeping the last good policy ${initial.version}`);
    }
    const store = new PolicyStore(file, db, now, log, initial);
    store.error = error;
    await store.record(initial, error ? null : 'policy.load');
    if (error) await store.recordRejection(error);
    return store;
  }

  current(): LoadedPolicy {
    return this.loaded;
  }

  /** The error of the last refused load, until a good file is loaded. */
  lastError(): PolicyLoadError | null {
    return this.error;
  }

  /** Re-reads the file; switches to it if it changed and is valid. Serialised. */
  reload(): Promise<void> {
    this.reloading = this.reloading.then(() => this.reloadNow()).catch((err: unknown) => this.log.error(`policy: reload failed: ${(err as Error).message}`));
    return this.reloading;
  }

  /** Start following the file: fs.watch plus a poll every pollMs. */
  watch(pollMs = 5000): void {
    if (this.watcher || this.timer) return;
    try {
      this.watcher = watch(dirname(this.file), { persistent: false }, (_event, name) => {
        if (name !== null && name !== basename(this.file)) return;
        if (this.debounce) clearTimeout(this.debounce);
        this.debounce = setTimeout(() => void this.reload(), 100);
      });
      this.watcher.on('error', (err) => this.log.error(`policy: file watch failed (${err.message}); polling only`));
    } catch (err) {
      this.log.error(`policy: cannot watch ${this.file} (${(err as Error).message}); polling only`);
    }
    this.timer = setInterval(() => void this.reload(), pollMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.watcher?.close();
    this.watcher = null;
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.timer = null;
    await this.reloading;
  }

  private async reloadNow(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      return this.refuse(new VigilError('E_POLICY', `${this.file} cannot be read: ${(err as Error).message}`));
    }
    let next: LoadedPolicy;
    try {
      next = parsePolicy(text, this.file);
    } catch (err) {
      return this.refuse(err);
    }
    if (next.version === this.loaded.version) {
      if (this.error) {
        this.error = null;
        this.log.info(`policy: ${this.file} is valid again (${next.version})`);
      }
      return;
    }
    await this.record(next, 'policy.load');
    this.loaded = next;
    this.error = null;
    this.log.info(`policy: loaded ${next.version}`);
  }

  private async refuse(err: unknown): Promise<void> {
    const described = PolicyStore.describe(err, this.now());
    // The same broken file is reported once, not at every poll.
    if (this.error && this.error.message === described.message) return;
    this.error = described;
    this.log.error(`policy: ${described.message}; keeping ${this.loaded.version}`);
    await this.recordRejection(described);
  }

  private static describe(err: unknown, at: Date): PolicyLoadError {
    if (err instanceof VigilError) return { at: at.toISOString(), message: err.message, details: err.details };
    return { at: at.toISOString(), message: (err as Error).message ?? String(err), details: [] };
  }

  private async record(p: LoadedPolicy, action: 'policy.load' | null): Promise<void> {
    const now = this.now();
    await this.db.tx(async (q) => {
      await policyVersionsRepo.insertIfNew(q, { version: p.version, label: p.label, sha256: p.sha256, source: p.source, first_loaded_at: now.toISOString() });
      if (action) await audit(q, now, 'collector', action, p.version, { file: this.file });
    });
  }

  private async recordRejection(e: PolicyLoadError): Promise<void> {
    await this.db.tx((q) => audit(q, this.now(), 'collector', 'policy.reject', this.file, { message: e.message, details: e.details }));
  }
}
