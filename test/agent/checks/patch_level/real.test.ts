// The patch-level collector on this machine with the real runner and real files. Cross-checks use apt and
// dpkg themselves, which the collector does not run when it can answer from the indexes, so a wrong
// computation shows up here.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import check from '../../../../agent/checks/patch_level/linux.js';
import { compareDebVersions } from '../../../../agent/checks/patch_level/parse-dpkg.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { PatchLevelFacts } from '../../../../protocol/checks/patch-level.js';
import { schemaErrors, sh, verdictOf } from '../fakes.js';

describe('patch_level collect on this machine (real commands)', () => {
  it('reports Debian from /etc/os-release and exactly the packages and security updates apt lists, and a verdict that follows', async () => {
    const now = Date.now();
    const c = await check.collect({ run: createRunner({ timeoutMs: 120_000 }), files: nodeFiles, now: () => now });
    const facts = c.facts as PatchLevelFacts;
    expect(schemaErrors('patch_level', facts)).toEqual([]);

    const osRelease = readFileSync('/etc/os-release', 'utf8');
    expect(facts.os.id).toBe('debian');
    expect(osRelease).toContain(`VERSION_ID="${facts.os.version}"`);
    expect(facts.packageManager).toBe('apt');

    // apt's own view: every upgradable package and the suites it comes from.
    const listed = new Map(
      sh('apt', ['list', '--upgradable']).split('\n').map((l) => /^([^/\s]+)\/(\S+) (\S+) /.exec(l)).filter((m) => m !== null).map((m) => [m![1]!, { suites: m![2]!, version: m![3]! }]),
    );
    expect(facts.pendingUpdates).toBe(listed.size);
    expect(facts.packages.length).toBe(Math.min(listed.size, 200));
    for (const p of facts.packages) {
      expect(listed.get(p.name)?.version, p.name).toBe(p.version);
      expect(/-security/.test(listed.get(p.name)!.suites), p.name).toBe(p.security);
    }
    if (facts.pendingSecurityUpdates !== null) expect(facts.pendingSecurityUpdates).toBe([...listed.values()].filter((v) => /-security/.test(v.suites)).length);
    else expect(facts.reasons?.join(' ')).toContain('security repository');

    expect(facts.rebootRequired).toBe(existsSync('/run/reboot-required') || existsSync('/var/run/reboot-required'));
    if (facts.lastUpgradeAt !== null) expect(Date.parse(facts.lastUpgradeAt)).toBeLessThanOrEqual(now);
    expect(facts.indexAgeDays).not.toBeUndefined();

    const verdict = verdictOf('patch_level', c, new Date(now).toISOString());
    if ((facts.pendingSecurityUpdates ?? 0) > 0) expect(verdict.status).toBe('fail');
    if (facts.pendingSecurityUpdates === null || facts.lastUpgradeAt === null) expect(verdict.status).not.toBe('pass');
  }, 180_000);

  it('orders versions exactly as dpkg --compare-versions does, on this machine\'s installed versions', async () => {
    const versions = [...new Set(sh('dpkg-query', ['-W', '-f=${Version}\n']).split('\n').filter(Boolean))];
    expect(versions.length).toBeGreaterThan(100);
    const dpkgLess = (a: string, b: string) => spawnSync('dpkg', ['--compare-versions', a, 'lt', b]).status === 0;
    fc.assert(
      fc.property(fc.constantFrom(...versions), fc.constantFrom(...versions), (a, b) => {
        expect(compareDebVersions(a, b) < 0).toBe(dpkgLess(a, b));
      }),
      { numRuns: 60 },
    );
  }, 60_000);
});
