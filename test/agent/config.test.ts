import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, configSha256, loadAgentConfig, parseBytes } from '../../agent/config.js';
import { VigilError } from '../../protocol/errors.js';
import { tempDir } from '../helpers/collector.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  dir = await tempDir('vigil-agent-config-');
});
afterAll(async () => {
  await dir.cleanup();
});

async function file(name: string, text: string): Promise<string> {
  const p = join(dir.path, name);
  await writeFile(p, text);
  return p;
}

async function problems(p: string | null, env: NodeJS.ProcessEnv = {}): Promise<string[]> {
  const err = await loadAgentConfig(p, env).then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(VigilError);
  expect((err as VigilError).code).toBe('E_AGENT_CONFIG');
  return (err as VigilError).details;
}

describe('agent configuration', () => {
  it('is all defaults without a file', async () => {
    const { config, file: used } = await loadAgentConfig(join(dir.path, 'missing.yaml'), {});
    expect(config).toEqual(DEFAULT_CONFIG);
    expect(used).toBeNull();
  });

  it('reads the YAML file, and environment variables override it', async () => {
    const p = await file('ok.yaml', 'state: /srv/vigil\ninterval: 10m\nspool:\n  maxBytes: 8MiB\ncommands:\n  concurrency: 1\npriority: normal\n');
    const { config } = await loadAgentConfig(p, { VIGIL_AGENT_SPOOL_MAX_BYTES: '2097152', VIGIL_AGENT_CHECK_TIMEOUT: '30s' });
    expect(config).toMatchObject({
      state: '/srv/vigil',
      intervalMs: 600_000,
      spool: { maxBytes: 2 * 1024 * 1024 },
      checks: { timeoutMs: 30_000, concurrency: 4 },
      commands: { concurrency: 1, timeoutMs: 15_000 },
      priority: 'normal',
    });
  });

  it('accepts sections whose settings are all commented out (as shipped)', async () => {
    const p = await file('sections.yaml', 'checks:\n  # timeout: 60s\nspool:\n  maxBytes: 64MiB\n');
    expect((await loadAgentConfig(p, {})).config.spool.maxBytes).toBe(64 * 1024 * 1024);
  });

  it('reports every problem with file, line and setting', async () => {
    const p = await file('bad.yaml', 'spool:\n  maxBytes: 10\nchecks:\n  timeout: soon\n  concurency: 2\npriority: high\n');
    const got = await problems(p);
    expect(got).toHaveLength(4);
    expect(got).toContainEqual(expect.stringMatching(new RegExp(`^${p}:2:\\d+: spool.maxBytes: must be from`)));
    expect(got).toContainEqual(expect.stringMatching(new RegExp(`^${p}:4:\\d+: checks.timeout: must be a duration`)));
    expect(got).toContainEqual(expect.stringMatching(new RegExp(`^${p}:5:\\d+: checks.concurency: unknown setting`)));
    expect(got).toContainEqual(expect.stringMatching(new RegExp(`^${p}:6:\\d+: priority: must be one of low, normal`)));
  });

  it('refuses YAML that does not parse, and a file that is not a mapping', async () => {
    expect((await problems(await file('syntax.yaml', 'spool: [\n')))[0]).toMatch(/syntax\.yaml:\d+:\d+: /);
    expect((await problems(await file('list.yaml', '- a\n- b\n')))[0]).toMatch(/must be a mapping/);
  });

  it('names the variable of a bad environment override', async () => {
    expect(await problems(null, { VIGIL_AGENT_COMMAND_CONCURRENCY: '0' })).toEqual(['VIGIL_AGENT_COMMAND_CONCURRENCY=0: commands.concurrency must be a whole number from 1 to 8']);
  });

  it('parses sizes and hashes the effective configuration', () => {
    expect(parseBytes('64MiB')).toBe(64 * 1024 * 1024);
    expect(parseBytes('512 KB')).toBe(512 * 1024);
    expect(parseBytes(1000)).toBe(1000);
    expect(parseBytes('lots')).toBeNull();
    expect(configSha256(DEFAULT_CONFIG)).toMatch(/^[0-9a-f]{64}$/);
    expect(configSha256({ ...DEFAULT_CONFIG, priority: 'normal' })).not.toBe(configSha256(DEFAULT_CONFIG));
  });
});
