// Fast drift detection: a change signal re-probes only the cheap checks, and a cycle is asked for only
// when one of their verdicts differs from the last full cycle.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DriftWatch, MIN_GAP_MS } from '../../agent/drift.js';
import type { PlatformCheck } from '../../agent/checks/types.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function firewall(state: { on: boolean; probes: number }): PlatformCheck {
  return {
    id: 'firewall',
    async collect() {
      state.probes++;
      return { facts: { backends: [{ name: 'nftables', active: state.on, inboundDefault: state.on ? 'deny' : null }] }, evidence: [{ source: 'nft -j list ruleset', exitCode: 0 }] };
    },
  };
}
const slow: PlatformCheck = {
  id: 'patch_level',
  collect: () => Promise.reject(new Error('a full-cycle check must not run on a drift probe')),
};
const deps = { run: () => Promise.reject(new Error('no commands')), files: { readText: async () => null, mtimeMs: async () => null, exists: async () => false }, now: () => Date.now() };

async function watchDir() {
  const dir = await mkdtemp(join(tmpdir(), 'vigil-drift-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('DriftWatch', () => {
  it('a change in a watched path re-probes the cheap checks; a changed verdict asks for a cycle', async () => {
    const dir = await watchDir();
    const state = { on: true, probes: 0 };
    const drifts: string[] = [];
    const w = new DriftWatch({ checks: [firewall(state), slow], deps, role: 'workstation', platform: 'linux', log: () => undefined, onDrift: (r) => drifts.push(r), watchPaths: [dir], nftMonitor: false });
    cleanups.push(() => w.stop());
    w.setBaseline({ firewall: 'pass', patch_level: 'pass' });
    w.start();
    state.on = false;
    await writeFile(join(dir, 'ufw.conf'), 'ENABLED=no\n');
    const deadline = Date.now() + 5000;
    while (!drifts.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(drifts).toHaveLength(1);
    expect(drifts[0]).toMatch(new RegExp(`^firewall pass→fail \\(change in ${dir}\\)$`));
    expect(state.probes).toBe(1);
  });

  it('no verdict change: no cycle; probes stay at least MIN_GAP_MS apart however noisy the signal', async () => {
    const state = { on: true, probes: 0 };
    const drifts: string[] = [];
    const w = new DriftWatch({ checks: [firewall(state)], deps, role: 'workstation', platform: 'linux', log: () => undefined, onDrift: (r) => drifts.push(r), watchPaths: [], nftMonitor: false });
    cleanups.push(() => w.stop());
    w.setBaseline({ firewall: 'pass' });
    w.start();
    const t0 = Date.now();
    while (Date.now() - t0 < 1500) {
      w.signal('noise');
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(state.probes).toBe(1);
    expect(drifts).toEqual([]);
    expect(MIN_GAP_MS).toBeGreaterThanOrEqual(1000);
  });

  it('does nothing before the first full cycle has set a baseline', async () => {
    const state = { on: false, probes: 0 };
    const w = new DriftWatch({ checks: [firewall(state)], deps, role: 'workstation', platform: 'linux', log: () => undefined, onDrift: () => undefined, watchPaths: [], nftMonitor: false });
    cleanups.push(() => w.stop());
    w.start();
    w.signal('early');
    await new Promise((r) => setTimeout(r, 800));
    expect(state.probes).toBe(0);
  });
});
