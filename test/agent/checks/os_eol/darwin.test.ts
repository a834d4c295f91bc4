import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/os_eol/darwin.js';
import { SW_VERS_ARGV } from '../../../../agent/checks/patch_level/darwin.js';
import { fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf } from '../fakes.js';
import { assertNeverPassesOnRandom, key, macFixture } from '../fakes-darwin.js';

const run = (r: Parameters<typeof fakeRunner>[0]) => check.collect(fakeDeps(fakeRunner(r), fakeFiles({})));

describe('os_eol collect (darwin, replayed)', () => {
  it('"Mac OS X" 10.14.5 is reported as macOS with its build', async () => {
    const c = await run({ [key(SW_VERS_ARGV)]: ok(macFixture('sw_vers/mojave-10.14.5-mac-os-x.txt')) });
    expect(c.facts).toEqual({ family: 'macos', name: 'macOS', version: '10.14.5', build: '18F132' });
    expect(schemaErrors('os_eol', c.facts)).toEqual([]);
    // The lifecycle catalogue has no macOS entries yet: the verdict says so instead of guessing.
    expect(verdictOf('os_eol', c)).toMatchObject({ status: 'unknown', reason: expect.stringContaining('macOS 10.14.5 is not in the lifecycle catalogue') });
  });

  it('sw_vers missing or timed out: no facts', async () => {
    for (const r of [notFound, timedOut]) {
      const c = await run({ [key(SW_VERS_ARGV)]: r });
      expect(c.facts).toBeNull();
      expect(verdictOf('os_eol', c).status).toBe('unknown');
    }
  });

  it('random output never passes', () => assertNeverPassesOnRandom(check));
});
