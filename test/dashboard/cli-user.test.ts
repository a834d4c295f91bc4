// vigil-collector user add / list / disable, as the operator creates the first admin (compiled CLI,
// real data directory), then logs in with what it printed.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../collector/app.js';
import { dataDir, loadConfig } from '../../collector/config.js';
import { tempDir } from '../helpers/collector.js';
import { COLLECTOR_CLI, cli } from '../helpers/processes.js';
import { dbInitArgs } from '../helpers/db.js';
import { openDatabase } from '../../collector/db/open.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let data: string;

beforeAll(async () => {
  dir = await tempDir('vigil-cli-user-');
  data = join(dir.path, 'collector');
  expect((await cli(COLLECTOR_CLI, ['init', '--data', data, '--host', '127.0.0.1', '--port', '0', ...(await dbInitArgs())])).code).toBe(0);
}, 60_000);
afterAll(async () => dir?.cleanup());

const run = (...args: string[]) => cli(COLLECTOR_CLI, [...args, '--data', data]);

function withStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [COLLECTOR_CLI, ...args]);
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdin.end(input);
  return new Promise((res) => child.once('close', (code) => res({ code, stdout, stderr })));
}

async function withServices<T>(fn: (s: ReturnType<typeof buildServices>) => Promise<T>): Promise<T> {
  const d = dataDir(data);
  const db = await openDatabase(d);
  try {
    return await fn(buildServices(db, await loadConfig(d), { dataRoot: d.root }));
  } finally {
    await db.close();
  }
}

describe('vigil-collector user', () => {
  it('adds the first admin with a generated password that logs in', async () => {
    const r = await run('user', 'add', 'alice');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^user alice \(admin\) added$/m);
    const password = /^password: (\S+)/m.exec(r.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(20);
    const login = await withServices((s) => s.users.login('alice', password, 'test'));
    expect(login.user).toMatchObject({ username: 'alice', role: 'admin' });
    const log = await withServices((s) => s.dashboard.audit({ before: null, limit: 10, action: 'user.create' }));
    expect(log.entries[0]!.actor).toMatch(/^cli:/);
  });

  it('refuses a duplicate user, a bad role and a weak password with codes', async () => {
    const dup = await run('user', 'add', 'alice');
    expect(dup.code).toBe(2);
    expect(dup.stderr).toMatch(/error E_CONFLICT/);
    expect((await run('user', 'add', 'bob', '--role', 'root')).code).not.toBe(0);
    const weak = await withStdin(['user', 'add', 'bob', '--password-stdin', '--data', data], 'short\n');
    expect(weak.code, weak.stderr).toBe(2);
    expect(weak.stderr).toMatch(/error E_BAD_REQUEST: password: at least 12 characters/);
    const good = await withStdin(['user', 'add', 'bob', '--role', 'operator', '--password-stdin', '--data', data], 'a long enough passphrase\n');
    expect(good.code, good.stderr).toBe(0);
    expect(good.stdout).not.toContain('password');
    expect((await withServices((s) => s.users.login('bob', 'a long enough passphrase', 'test'))).user.role).toBe('operator');
  });

  it('lists and disables users', async () => {
    expect((await run('user', 'add', 'audrey', '--role', 'auditor')).code).toBe(0);
    expect((await run('user', 'disable', 'audrey')).stdout).toContain('disabled audrey');
    const list = await run('user', 'list');
    expect(list.stdout).toMatch(/alice\s+admin/);
    expect(list.stdout).toMatch(/audrey\s+auditor\s+.*\d{4}-\d{2}-\d{2}T.*Z\s*$/m);
  });
});
