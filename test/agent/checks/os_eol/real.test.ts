// OS end of life on this machine: the facts must be what /etc/os-release says, read independently here.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import check from '../../../../agent/checks/os_eol/linux.js';
import { nodeFiles } from '../../../../agent/files.js';
import { createRunner } from '../../../../agent/runner.js';
import type { OsEolFacts } from '../../../../protocol/checks/os-eol.js';
import { schemaErrors, verdictOf } from '../fakes.js';

describe('os_eol collect on this machine', () => {
  it('family, name and version match /etc/os-release; the verdict is pass or fail with a reason, never unknown for Debian', async () => {
    const c = await check.collect({ run: createRunner(), files: nodeFiles, now: () => Date.now() });
    const f = c.facts as OsEolFacts;
    expect(schemaErrors('os_eol', f)).toEqual([]);
    const kv = Object.fromEntries(readFileSync('/etc/os-release', 'utf8').split('\n').map((l) => /^([A-Z_]+)=("?)(.*)\2$/.exec(l)).filter((m) => m !== null).map((m) => [m![1], m![3]]));
    expect(f).toMatchObject({ family: kv.ID, name: kv.NAME, version: kv.VERSION_ID });
    const v = verdictOf('os_eol', c, new Date().toISOString());
    expect(['pass', 'fail']).toContain(v.status);
    if (v.status === 'fail') expect(v.reason).toMatch(/support ended/);
  });
});
