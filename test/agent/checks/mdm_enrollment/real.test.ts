// The MDM collector on this machine with the real runner and files, checked against dpkg's own view.
import { describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import check from '../../../../agent/checks/mdm_enrollment/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { MdmEnrollmentFacts } from '../../../../protocol/checks/mdm-enrollment.js';
import { schemaErrors, verdictOf } from '../fakes.js';

/** Installed per `dpkg -s` (a different dpkg front end than the collector's dpkg-query -W). */
const dpkgInstalled = (pkg: string) => /^Status: install ok installed$/m.test(spawnSync('dpkg', ['-s', pkg], { encoding: 'utf8' }).stdout);

describe('mdm_enrollment collect on this machine (real commands)', () => {
  it('reports exactly the agents dpkg and the install paths show, and the verdict follows', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const facts = c.facts as MdmEnrollmentFacts;
    expect(schemaErrors('mdm_enrollment', facts)).toEqual([]);
    const expected = [
      ['intune', dpkgInstalled('intune-portal') || existsSync('/opt/microsoft/intune')],
      ['landscape', dpkgInstalled('landscape-client') || existsSync('/etc/landscape/client.conf')],
      ['workspace_one', dpkgInstalled('workspaceone-intelligent-hub') || existsSync('/opt/vmware/ws1-hub')],
      ['jamf', dpkgInstalled('jamf-protect') || ['/usr/local/jamf/bin/jamf', '/usr/local/bin/jamf', '/opt/jamf/protect/bin/protectctl'].some(existsSync)],
      ['fleet', dpkgInstalled('fleet-osquery') || existsSync('/opt/orbit')],
      ['osquery', dpkgInstalled('osquery') || ['/usr/bin/osqueryd', '/opt/osquery/bin/osqueryd'].some(existsSync)],
    ].filter(([, present]) => present).map(([p]) => p);
    expect(facts.agents.map((a) => a.provider)).toEqual(expected);
    expect(c.evidence[0]?.source).toBe('read /var/lib/dpkg/status');
    const verdict = verdictOf('mdm_enrollment', c);
    if (facts.agents.length === 0) expect(verdict).toEqual({ status: 'fail', reason: 'no device management agent is installed' });
    expect(verdict.status === 'pass').toBe(facts.agents.some((a) => a.enrolled === true));
  });
});
