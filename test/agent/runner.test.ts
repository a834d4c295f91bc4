import { describe, expect, it } from 'vitest';
import { createRunner, describeFailure } from '../../agent/runner.js';

// sh, sleep and head are not on the allowlist: these tests exercise the process handling underneath it.
const run = createRunner({ unrestricted: true });

describe('command runner', () => {
  it('runs argv without a shell and reports the exit code', async () => {
    const r = await run('sh', ['-c', 'echo "$1"; exit 3', 'x', '$(id)']);
    expect(r.stdout).toBe('$(id)\n');
    expect(r.exitCode).toBe(3);
    expect(r.failure).toBeUndefined();
  });

  it('forces the C locale', async () => {
    const r = await run('sh', ['-c', 'echo $LC_ALL']);
    expect(r.stdout.trim()).toBe('C');
  });

  it('reports a missing command as not-found', async () => {
    const r = await run('definitely-not-a-command-vigil', []);
    expect(r.failure).toBe('not-found');
    expect(describeFailure(r)).toBe('definitely-not-a-command-vigil is not installed');
  });

  it('kills a command at its timeout', async () => {
    const r = await run('sleep', ['5'], { timeoutMs: 100 });
    expect(r.failure).toBe('timeout');
    expect(r.durationMs).toBeLessThan(2000);
  });

  it('caps output', async () => {
    const r = await run('head', ['-c', '100000', '/dev/zero'], { maxOutputBytes: 1000 });
    expect(r.failure).toBe('output-cap');
  });
});
