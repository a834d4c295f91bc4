// Time synchronisation on this machine, against /proc read directly.
import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/time_sync/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { TimeSyncFacts } from '../../../../protocol/checks/time-sync.js';
import { schemaErrors, verdictOf } from '../fakes.js';
import { runningProcesses, systemdBooted } from '../fakes-linux-real.js';

describe('time_sync collect on this machine', () => {
  it('a time daemon is reported running exactly when /proc shows one; not running fails with the reason', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as TimeSyncFacts;
    expect(schemaErrors('time_sync', facts)).toEqual([]);
    const procs = runningProcesses();
    const daemon = ['chronyd', 'systemd-timesyn', 'ntpd'].some((n) => procs.has(n));
    if (!systemdBooted()) expect(facts.serviceActive).toBe(daemon);
    const v = verdictOf('time_sync', c);
    if (facts.serviceActive === false) {
      expect(v.status).toBe('fail');
      expect(v.reason).toContain(`${facts.service ?? 'time service'} is not running`);
    }
    if (v.status === 'pass') expect(facts.synchronized).toBe(true);
  });
});
