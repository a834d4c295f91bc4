// Secrets never reach logs or output they were not meant for. Real processes: a collector started with
// --log (JSON request logs), an agent that enrols and attests, the CLI commands that create or use
// secrets, API calls with bearer tokens and session cookies, and failures (wrong tokens, wrong
// passwords, an unreachable PostgreSQL with a password in its URL). Everything they print is scanned for
// every secret; a secret the CLI creates appears exactly once, in the output of the command that made it.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { request } from 'node:https';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AGENT_CLI, COLLECTOR_CLI, cli, freePort, start, until, type Child } from '../helpers/processes.js';
import { tempDir } from '../helpers/collector.js';

let dir: Awaited<ReturnType<typeof tempDir>>;
let data: string;
let state: string;
let port: number;
let collector: Child;
let caPem: string;
let receiver: Server;
let received = 0;

/** Every output captured, labelled by where it came from. */
const outputs: { source: string; text: string }[] = [];
/** Secrets and where (if anywhere) each may appear. */
const secrets: { name: string; value: string; allowedIn?: string }[] = [];

const WEBHOOK_SECRET = 'whsec-Zq81LmP0xVt7Rk3N';
const PG_PASSWORD = 'Pg-S3cret-Pa55word';
const PASSWORD_STDIN = 'stdin-password-Kx93ml';

async function run(source: string, args: string[], input?: string): Promise<{ stdout: string; stderr: string; code: number }> {
  let r: { stdout: string; stderr: string; code: number };
  if (input !== undefined) {
    const p = spawn(process.execPath, [COLLECTOR_CLI, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    p.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    p.stdin.end(input);
    const code = await new Promise<number>((resolve) => p.on('close', (c) => resolve(c ?? -1)));
    r = { stdout, stderr, code };
  } else r = await cli(source.startsWith('agent') ? AGENT_CLI : COLLECTOR_CLI, args);
  outputs.push({ source, text: `${r.stdout}\n${r.stderr}` });
  return r;
}

function https(method: string, path: string, headers: Record<string, string>, body?: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, ca: caPem, servername: 'localhost', headers: { ...headers, ...(body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {}) }, checkServerIdentity: () => undefined }, (res) => {
      let text = '';
      res.on('data', (b: Buffer) => (text += b.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

beforeAll(async () => {
  dir = await tempDir('vigil-secrets-');
  data = join(dir.path, 'collector');
  state = join(dir.path, 'agent');
  port = await freePort();
  receiver = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      received++;
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', () => r()));
  const hookPort = (receiver.address() as { port: number }).port;

  expect((await run('init', ['init', '--data', data, '--host', '127.0.0.1', '--port', String(port)])).code).toBe(0);
  await writeFile(
    join(data, 'alerts.yaml'),
    `channels:\n  oncall:\n    type: webhook\n    url: http://127.0.0.1:${hookPort}/hook\n    secret: "${WEBHOOK_SECRET}"\nroutes:\n  - match: { severity: [info, low, medium, high, critical] }\n    channels: [oncall]\n`,
    { mode: 0o600 },
  );
  collector = start(COLLECTOR_CLI, ['start', '--data', data, '--log']);
  await collector.waitFor(/listening on/);
  caPem = await readFile(join(data, 'tls', 'ca.pem'), 'utf8').catch(async () => {
    const files = await readdir(join(data, 'tls'));
    return readFile(join(data, 'tls', files.find((f) => /ca.*\.pem$/.test(f))!), 'utf8');
  });
}, 120_000);

afterAll(async () => {
  collector?.proc.kill('SIGKILL');
  receiver?.close();
  await dir?.cleanup();
});

describe('secrets stay out of logs and output', () => {
  it('runs every secret-handling path, then finds no secret where it does not belong', async () => {
    // Enrolment token, API token, generated password: each printed once, by design. A password from
    // stdin is never printed.
    const pgData = join(dir.path, 'pg');
    const pgUrl = `postgres://vigil:${PG_PASSWORD}@127.0.0.1:1/vigil`;
    const [tok, apiTok, alice, bob, pgInit] = await Promise.all([
      run('token create', ['token', 'create', '--data', data, '--role', 'workstation', '--expires', '1h', '--max-uses', '2']),
      run('api-token create', ['api-token', 'create', '--data', data, '--role', 'admin', '--name', 'automation']),
      run('user add alice', ['user', 'add', 'alice', '--role', 'admin', '--data', data]),
      run('user add bob', ['user', 'add', 'bob', '--role', 'auditor', '--password-stdin', '--data', data], `${PASSWORD_STDIN}\n`),
      // PostgreSQL: a password in the database URL, at init and (below) when the server is unreachable.
      run('init with PostgreSQL', ['init', '--data', pgData, '--host', '127.0.0.1', '--port', '0', '--database-url', pgUrl]),
    ]);
    expect(tok.code, tok.stderr).toBe(0);
    const enrolment = /vigil\+https:\/\/\S+/.exec(tok.stdout)![0];
    const tokenSecret = new URL(enrolment.slice('vigil+'.length)).searchParams.get('token')!;
    secrets.push({ name: 'enrolment token', value: tokenSecret, allowedIn: 'token create' });
    secrets.push({ name: 'enrolment token secret part', value: tokenSecret.split('.').slice(1).join('.'), allowedIn: 'token create' });
    expect(apiTok.code, apiTok.stderr).toBe(0);
    const apiToken = /apt_[0-9a-f]{16}\.[A-Za-z0-9_-]{20,}/.exec(apiTok.stdout)![0];
    secrets.push({ name: 'API token', value: apiToken, allowedIn: 'api-token create' });
    secrets.push({ name: 'API token secret part', value: apiToken.split('.')[1]!, allowedIn: 'api-token create' });
    expect(alice.code, alice.stderr).toBe(0);
    const password = /password: (\S+)/.exec(alice.stdout)![1]!;
    secrets.push({ name: 'generated password', value: password, allowedIn: 'user add alice' });
    expect(bob.code, bob.stderr).toBe(0);
    secrets.push({ name: 'stdin password', value: PASSWORD_STDIN });
    expect(pgInit.code).not.toBe(0);
    expect(pgInit.stderr).toMatch(/E_DATABASE/);
    secrets.push({ name: 'PostgreSQL password', value: PG_PASSWORD });
    const pw = await run('user password bob', ['user', 'password', 'bob', '--data', data], `${PASSWORD_STDIN}-2\n`);
    expect(pw.code, pw.stderr).toBe(0);
    secrets.push({ name: 'changed password', value: `${PASSWORD_STDIN}-2` });
    const pgLater = Promise.all([
      run('devices with PostgreSQL', ['devices', '--data', pgData]),
      run('start with PostgreSQL', ['start', '--data', pgData, '--log']),
    ]);

    // The agent enrols and attests; its private key never leaves its state directory.
    const enrolled = await run('agent enroll', ['enroll', enrolment, '--state', state]);
    expect(enrolled.code, enrolled.stderr).toBe(0);
    const once = await run('agent run --once', ['run', '--once', '--state', state]);
    expect(once.code, once.stderr).toBe(0);
    const keyPem = await readFile(join(state, 'key.pem'), 'utf8');
    secrets.push({ name: 'device private key', value: keyPem.split('\n').filter((l) => l && !l.startsWith('-----')).join('').slice(0, 40) });
    // A wrong token and a reused one, through the agent.
    const wrong = enrolment.replace(/token=tok_[0-9a-f]{16}\.[^&]+/, `token=${tokenSecret.split('.')[0]}.wrongwrongwrongwrongwrongwrong`);
    await run('agent enroll (wrong token)', ['enroll', wrong, '--state', join(dir.path, 'agent-wrong')]);
    secrets.push({ name: 'wrong token guess', value: 'wrongwrongwrongwrongwrongwrong' });

    // API calls with the bearer token, a login with the password, cookie-authenticated calls, failures.
    const me = await https('GET', '/api/v1/me', { authorization: `Bearer ${apiToken}` });
    expect(me.status).toBe(200);
    const login = await https('POST', '/api/v1/session', {}, JSON.stringify({ username: 'alice', password }));
    expect(login.status).toBe(201);
    const sessionId = /vigil_session=([A-Za-z0-9_-]+)/.exec(String(login.headers['set-cookie']))![1]!;
    const csrf = (JSON.parse(login.body) as { csrf: string }).csrf;
    secrets.push({ name: 'session id', value: sessionId }, { name: 'CSRF token', value: csrf });
    expect((await https('GET', '/api/v1/devices', { cookie: `vigil_session=${sessionId}` })).status).toBe(200);
    expect((await https('POST', '/api/v1/api-tokens', { cookie: `vigil_session=${sessionId}` }, JSON.stringify({ name: 'x', role: 'admin' }))).status).toBe(403);
    const created = await https('POST', '/api/v1/api-tokens', { cookie: `vigil_session=${sessionId}`, 'x-csrf-token': csrf }, JSON.stringify({ name: 'from-api', role: 'auditor' }));
    expect(created.status).toBe(201);
    const apiCreated = (JSON.parse(created.body) as { token: string }).token;
    secrets.push({ name: 'API token created over the API', value: apiCreated.split('.')[1]! });
    expect((await https('GET', '/api/v1/me', { authorization: `Bearer ${apiToken.slice(0, -2)}xx` })).status).toBe(401);
    expect((await https('POST', '/api/v1/session', {}, JSON.stringify({ username: 'alice', password: `${password}-wrong` }))).status).toBe(401);
    secrets.push({ name: 'wrong password', value: `${password}-wrong` });
    expect((await https('POST', '/api/v1/enrol/challenge', {}, JSON.stringify({ v: 1, token: `${tokenSecret}x` }))).status).toBe(401);

    // The webhook secret is used (signing) but never shown, by the collector or by channel test.
    const test = await run('channel test', ['channel', 'test', 'oncall', '--data', data]);
    expect(test.code, test.stdout + test.stderr).toBe(0);
    await until(async () => received > 0, 10_000, 'the webhook');
    const apiTest = await https('POST', '/api/v1/alerts/channels/oncall/test', { authorization: `Bearer ${apiToken}` });
    expect(apiTest.status).toBe(200);
    secrets.push({ name: 'webhook secret', value: WEBHOOK_SECRET });
    await run('alerts check', ['alerts', 'check', '--data', data]);

    // The export signing key: an export prints only the fingerprint.
    const out = join(dir.path, 'e.tar.gz');
    const exp = await run('export', ['export', '--data', data, '--from', '2020-01-01', '--to', '2099-01-01', '--out', out]);
    expect(exp.code, exp.stderr).toBe(0);
    const exportKey = await readFile(join(data, 'export-key.pem'), 'utf8');
    secrets.push({ name: 'export signing key', value: exportKey.split('\n').filter((l) => l && !l.startsWith('-----')).join('').slice(0, 40) });

    await pgLater;

    // Let the collector flush its log, then scan everything it and the commands printed.
    await new Promise((r) => setTimeout(r, 500));
    outputs.push({ source: 'collector --log', text: collector.output() });
    expect(collector.output()).toMatch(/"reqId"/);

    const leaks: string[] = [];
    for (const s of secrets) {
      for (const o of outputs) {
        const n = o.text.split(s.value).length - 1;
        if (n === 0) continue;
        if (s.allowedIn === o.source && n === 1) continue;
        leaks.push(`${s.name} appears ${n}× in ${o.source}`);
      }
      if (s.allowedIn) {
        const where = outputs.find((o) => o.source === s.allowedIn)!;
        expect(where.text.includes(s.value), `${s.name} is shown once by ${s.allowedIn}`).toBe(true);
      }
    }
    expect(leaks).toEqual([]);
    expect(outputs.length).toBeGreaterThanOrEqual(15);
  }, 120_000);
});
