// The patch-level collector on this machine with the real runner and real files. Cross-checks use other
// tools than the ones the collector runs, so a wrong parse shows up here.
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import check from '../../../../agent/checks/patch_level/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { PatchLevelFacts } from '../../../../protocol/checks/patch-level.js';
import { schemaErrors, sh, verdictOf } from '../fakes.js';

describe('patch_level collect on this machine (real commands)', () => {
  it('reports Debian from /etc/os-release, apt counts consistent with apt list, and a verdict that follows the facts', async () => {
    const now = Date.now();
    const c = await check.collect({ run: createRunner({ timeoutMs: 120_000 }), files: nodeFiles, now: () => now });
    const facts = c.facts as PatchLevelFacts;
    expect(schemaErrors('patch_level', facts)).toEqual([]);

    const osRelease = readFileSync('/etc/os-release', 'utf8');
    expect(facts.os.id).toBe('debian');
    expect(osRelease).toContain(`VERSION_ID="${facts.os.version}"`);
    expect(facts.packageManager).toBe('apt');

    // Every package the collector calls a security update comes from a -security suite per `apt list`.
    const listed = new Map(
      sh('apt', ['list', '--upgradable']).split('\n').map((l) => /^([^/\s]+)\/(\S+) /.exec(l)).filter((m) => m !== null).map((m) => [m![1]!, m![2]!]),
    );
    expect(facts.packages.length).toBe(Math.min(facts.pendingUpdates ?? 0, 200));
    expect(facts.packages.filter((x) => x.security).length).toBe(Math.min(facts.pendingSecurityUpdates ?? 0, 200));
    for (const p of facts.packages.filter((x) => x.security)) expect(listed.get(p.name)).toMatch(/-security/);
    for (const p of facts.packages.filter((x) => !x.security && listed.has(x.name))) expect(listed.get(p.name)).not.toMatch(/-security/);

    // Security counts only when a security index is on disk.
    if (/-security/.test(sh('apt-cache', ['policy']))) expect(typeof facts.pendingSecurityUpdates).toBe('number');
    else expect(facts.reasons?.join(' ')).toContain('security repository');

    expect(facts.rebootRequired).toBe(existsSync('/run/reboot-required') || existsSync('/var/run/reboot-required'));
    if (facts.lastUpgradeAt !== null) expect(Date.parse(facts.lastUpgradeAt)).toBeLessThanOrEqual(now);
    expect(facts.indexAgeDays).not.toBeUndefined();

    const verdict = verdictOf('patch_level', c, new Date(now).toISOString());
    const securityPending = (facts.pendingSecurityUpdates ?? 0) > 0;
    if (securityPending) expect(verdict.status).toBe('fail');
    if (facts.pendingSecurityUpdates === null || facts.lastUpgradeAt === null) expect(verdict.status).not.toBe('pass');
    expect(c.evidence.map((e) => e.source)).toContain('apt-get -s -o Debug::NoLocking=1 dist-upgrade');
  }, 180_000);
});
