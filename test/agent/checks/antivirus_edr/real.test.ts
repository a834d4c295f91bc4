// Antivirus/EDR on this machine: the products reported are exactly those whose files exist, and the
// verdict follows the facts.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import check from '../../../../agent/checks/antivirus_edr/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { AntivirusEdrFacts } from '../../../../protocol/checks/antivirus-edr.js';
import { schemaErrors, verdictOf } from '../fakes.js';
import { runningProcesses } from '../fakes-linux-real.js';

describe('antivirus_edr collect on this machine', () => {
  it('reports the installed products and their daemons as /proc shows them', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as AntivirusEdrFacts;
    expect(schemaErrors('antivirus_edr', facts)).toEqual([]);
    const clam = ['/usr/bin/clamscan', '/usr/sbin/clamd', '/usr/bin/freshclam'].some(existsSync);
    expect(facts.products.some((p) => p.name === 'ClamAV')).toBe(clam);
    if (clam) expect(facts.products.find((p) => p.name === 'ClamAV')?.active).toBe(runningProcesses().has('clamd'));
    expect(facts.products.some((p) => p.name === 'CrowdStrike Falcon')).toBe(existsSync('/opt/CrowdStrike/falconctl'));
    const v = verdictOf('antivirus_edr', c);
    if (!facts.products.length) expect(v).toEqual({ status: 'fail', reason: 'no antivirus or EDR product found' });
    else if (v.status === 'pass') expect(facts.products.some((p) => p.active === true)).toBe(true);
  });
});
