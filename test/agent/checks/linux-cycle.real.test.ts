// All fifteen Linux checks on this machine through the agent's own cycle: every check gives a verdict
// with a reason when it is not a pass, and every result fits the attestation's check entry (evidence
// count and lengths included), so the collector accepts the statement.
import { describe, expect, it } from 'vitest';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { CHECK_IDS } from '../../../protocol/checks/index.js';
import { DEFAULT_POLICY } from '../../../protocol/policy.js';
import { CheckEntry } from '../../../protocol/statement.js';
import { runChecks } from '../../../agent/cycle.js';
import { checksFor } from '../../../agent/checks/registry.js';
import { nodeFiles } from '../../../agent/files.js';
import { createRunner } from '../../../agent/runner.js';

const entry = TypeCompiler.Compile(CheckEntry);

describe('the Linux check cycle on this machine', () => {
  it('implements all 15 checks, each with an honest verdict and an attestable result', async () => {
    const results = await runChecks(checksFor('linux'), { run: createRunner(), files: nodeFiles, now: () => Date.now() }, DEFAULT_POLICY, 'workstation');
    expect(results.map((r) => r.id)).toEqual([...CHECK_IDS]);
    for (const r of results) {
      expect(r.reason ?? '', r.id).not.toMatch(/not implemented/);
      expect(r.status, `${r.id}: ${r.reason}`).not.toBe('error');
      if (r.status !== 'pass') expect(r.reason, r.id).toBeTruthy();
      expect([...entry.Errors({ ...r, facts: r.facts ?? null })].map((e) => `${r.id}${e.path}: ${e.message}`)).toEqual([]);
    }
  }, 60_000);
});
