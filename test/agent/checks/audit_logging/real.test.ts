// Audit logging on this machine, checked against /proc and the file system read directly.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import check from '../../../../agent/checks/audit_logging/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { AuditLoggingFacts } from '../../../../protocol/checks/audit-logging.js';
import { schemaErrors, verdictOf } from '../fakes.js';
import { runningProcesses, systemdBooted } from '../fakes-linux-real.js';

describe('audit_logging collect on this machine', () => {
  it('reports auditd and journald as /proc shows them, and the verdict follows the facts', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as AuditLoggingFacts;
    expect(schemaErrors('audit_logging', facts)).toEqual([]);
    const procs = runningProcesses();
    const auditd = facts.sources.find((s) => s.name === 'auditd')!;
    if (!existsSync('/usr/sbin/auditd') && !existsSync('/sbin/auditd')) expect(auditd).toMatchObject({ active: false, detail: 'auditd is not installed' });
    else if (!procs.has('auditd')) expect(auditd.active).toBe(false);
    const journald = facts.sources.find((s) => s.name === 'journald');
    if (journald) {
      expect(journald.active).toBe(procs.has('systemd-journal'));
      if (!systemdBooted()) expect(journald.detail).toContain('systemd is not the service manager');
    }
    const v = verdictOf('audit_logging', c);
    const good = facts.sources.some((s) => s.active === true && s.persistent !== false);
    expect(v.status === 'pass').toBe(good);
    if (!good) expect(v.reason).toBeTruthy();
  });
});
