// Management agents. The build machine has none installed (recorded dpkg-query output); agent layouts
// below are written from each vendor's documented install paths and config formats, since none of these
// agents can be installed here (not in Debian's archive, no internet).
import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/mdm_enrollment/linux.js';
import { parseEnvFile, parseFlagfile, parseIni } from '../../../../agent/checks/mdm_enrollment/parse-conf.js';
import { parseDpkgQuery, parseRpmQuery } from '../../../../agent/checks/mdm_enrollment/parse-packages.js';
import type { MdmEnrollmentFacts } from '../../../../protocol/checks/mdm-enrollment.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

const DPKG = "dpkg-query -W -f=${Package}\t${Status}\t${Version}\n intune-portal landscape-client workspaceone-intelligent-hub jamf-protect fleet-osquery osquery";
const NONE = exit(1, fixture('dpkg-query/debian12-no-mdm-packages.txt'), fixture('dpkg-query/debian12-no-mdm-packages.stderr.txt'));

async function collect(replies: Record<string, Reply>, files: Record<string, string> = {}) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles(files)));
  const facts = c.facts as MdmEnrollmentFacts;
  return { c, facts, verdict: verdictOf('mdm_enrollment', c), a: (p: string) => facts.agents.find((x) => x.provider === p) };
}

describe('package and config parsers', () => {
  it('dpkg-query: only "install ok installed" counts; the recorded no-match output is empty', () => {
    expect(parseDpkgQuery(fixture('dpkg-query/debian12-no-mdm-packages.txt')).size).toBe(0);
    const p = parseDpkgQuery('landscape-client\tinstall ok installed\t23.02-0ubuntu1~22.04.2\nosquery\tdeinstall ok config-files\t5.9.1-1.linux\nfoo\tinstall ok half-installed\t1\n');
    expect([...p]).toEqual([['landscape-client', '23.02-0ubuntu1~22.04.2']]);
    expect(parseDpkgQuery('\u0000garbage').size).toBe(0);
  });
  it('rpm -q: installed lines only', () => {
    expect([...parseRpmQuery('package intune-portal is not installed\nosquery\t5.9.1-1.linux\n')]).toEqual([['osquery', '5.9.1-1.linux']]);
  });
  it('config formats', () => {
    expect(parseIni('[client]\naccount_name = hospital-it\nurl = https://landscape.example.org/message-system\n# x = y\n').get('client.url')).toBe('https://landscape.example.org/message-system');
    const flags = parseFlagfile('--tls_hostname=fleet.example.org:8080\n--enroll_secret_path=/etc/osquery/enroll_secret\n--disable_watchdog\n# comment\n');
    expect([...flags]).toEqual([['tls_hostname', 'fleet.example.org:8080'], ['enroll_secret_path', '/etc/osquery/enroll_secret'], ['disable_watchdog', 'true']]);
    expect(parseEnvFile('ORBIT_FLEET_URL="https://fleet.example.org"\nexport ORBIT_DEBUG=true\n').get('ORBIT_FLEET_URL')).toBe('https://fleet.example.org');
  });
});

describe('mdm_enrollment collect (replayed)', () => {
  it('this build machine: dpkg\'s status file lists none of the agents, so agents [] and the shared verdict fails', async () => {
    const calls: string[] = [];
    const c = await check.collect(fakeDeps(fakeRunner({}, calls), fakeFiles({ '/var/lib/dpkg/status': fixture('dpkg-status/debian12-vm-fields.txt') })));
    expect(c.facts).toEqual({ agents: [] });
    expect(c.evidence[0]).toEqual({ source: 'read /var/lib/dpkg/status' });
    expect(calls).toEqual([]);
    expect(verdictOf('mdm_enrollment', c)).toEqual({ status: 'fail', reason: 'no device management agent is installed' });
  });

  it('without a readable status file dpkg-query is asked (recorded: none installed, exit 1)', async () => {
    const { c, facts, verdict } = await collect({ [DPKG]: NONE });
    expect(facts).toEqual({ agents: [] });
    expect(c.evidence.find((e) => e.source === DPKG)).toMatchObject({ exitCode: 1 });
    expect(verdict).toEqual({ status: 'fail', reason: 'no device management agent is installed' });
  });

  it('an agent package in the status file is found without running dpkg-query', async () => {
    const status = `${fixture('dpkg-status/debian12-vm-fields.txt')}Package: osquery\nStatus: install ok installed\nArchitecture: amd64\nVersion: 5.9.1-1.linux\n`;
    const c = await check.collect(fakeDeps(fakeRunner({}), fakeFiles({ '/var/lib/dpkg/status': status })));
    expect((c.facts as MdmEnrollmentFacts).agents.map((a) => a.provider)).toEqual(['osquery']);
  });

  it('Landscape registered (secure-id persisted) passes; configured without registration is unknown; unconfigured fails', async () => {
    const pkg = { [DPKG]: exit(1, 'landscape-client\tinstall ok installed\t23.02-0ubuntu1~22.04.2\n') };
    const conf = { '/etc/landscape/client.conf': '[client]\naccount_name = hospital-it\nurl = https://landscape.example.org/message-system\nping_url = http://landscape.example.org/ping\n' };
    const reg = await collect(pkg, { ...conf, '/var/lib/landscape/client/broker.bpickle': 'ds12:registrationds9:secure-idu20:abcdefghij0123456789;' });
    expect(reg.a('landscape')).toMatchObject({ installed: true, enrolled: true, server: 'https://landscape.example.org/message-system' });
    expect(reg.verdict.status).toBe('pass');
    const pending = await collect(pkg, { ...conf, '/var/lib/landscape/client/broker.bpickle': 'ds12:registrationd;' });
    expect(pending.a('landscape')?.enrolled).toBeNull();
    expect(pending.verdict.status).toBe('unknown');
    const unreadable = await collect(pkg, conf);
    expect(unreadable.a('landscape')?.enrolled).toBeNull();
    const bare = await collect(pkg);
    expect(bare.a('landscape')).toMatchObject({ enrolled: false });
    expect(bare.verdict).toEqual({ status: 'fail', reason: 'Canonical Landscape is installed but not enrolled' });
  });

  it('Intune installed: enrolment is per user, so unknown (never pass)', async () => {
    const { a, verdict } = await collect({ [DPKG]: exit(1, 'intune-portal\tinstall ok installed\t1.2307.12\n') });
    expect(a('intune')).toMatchObject({ installed: true, enrolled: null });
    expect(verdict.status).toBe('unknown');
  });

  it('Fleet: node key present means enrolled (the key itself is never read); server from /etc/default/orbit', async () => {
    const files = { '/etc/default/orbit': 'ORBIT_FLEET_URL=https://fleet.example.org\n', '/opt/orbit/secret-orbit-node-key.txt': 'SECRET' };
    const reads: string[] = [];
    const fileReader = fakeFiles(files, { '/opt/orbit': 1 });
    const spy = { ...fileReader, readText: async (p: string) => (reads.push(p), fileReader.readText(p)) };
    const c = await check.collect(fakeDeps(fakeRunner({ [DPKG]: NONE }), spy));
    const facts = c.facts as MdmEnrollmentFacts;
    expect(facts.agents).toEqual([{ provider: 'fleet', name: 'Fleet (orbit + osquery)', installed: true, server: 'https://fleet.example.org', enrolled: true, detail: 'orbit node key present' }]);
    expect(reads).not.toContain('/opt/orbit/secret-orbit-node-key.txt');
  });

  it('standalone osquery: remote server configured is unknown; no server is not enrolled', async () => {
    const pkg = { [DPKG]: exit(1, 'osquery\tinstall ok installed\t5.9.1-1.linux\n') };
    const remote = await collect(pkg, { '/etc/osquery/osquery.flags': '--tls_hostname=fleet.example.org:8080\n--enroll_secret_path=/etc/osquery/enroll_secret\n' });
    expect(remote.a('osquery')).toMatchObject({ enrolled: null, server: 'fleet.example.org:8080' });
    const local = await collect(pkg);
    expect(local.a('osquery')).toMatchObject({ enrolled: false });
  });

  it('without dpkg, rpm is asked; without either, install paths still count', async () => {
    const rpm = await collect({ 'rpm -q --qf %{NAME}\t%{VERSION}-%{RELEASE}\n intune-portal landscape-client workspaceone-intelligent-hub jamf-protect fleet-osquery osquery': exit(5, 'package intune-portal is not installed\nintune-portal\t1.2\n') });
    expect(rpm.a('intune')?.installed).toBe(true);
    const paths = await collect({}, { '/opt/vmware/ws1-hub': '' });
    expect(paths.facts.agents.map((x) => x.provider)).toEqual(['workspace_one']);
    expect(paths.verdict.status).toBe('unknown');
  });

  it('a timed-out package query does not invent agents', async () => {
    const { facts, verdict } = await collect({ 'dpkg-query': timedOut, rpm: timedOut });
    expect(facts.agents).toEqual([]);
    expect(verdict.status).toBe('fail');
    expect(schemaErrors('mdm_enrollment', facts)).toEqual([]);
  });
});
