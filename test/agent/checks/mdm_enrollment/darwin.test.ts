import { describe, expect, it } from 'vitest';
import check, { PROFILES_COMPUTER_XML_ARGV, PROFILES_LIST_ARGV, PROFILES_STATUS_ARGV } from '../../../../agent/checks/mdm_enrollment/darwin.js';
import { mdmServerFromProfiles, mdmVendor, parseEnrollmentStatus, parseProfilesList } from '../../../../agent/checks/mdm_enrollment/parse-profiles.js';
import { parsePlist } from '../../../../agent/checks/darwin-common.js';
import type { MdmEnrollmentFacts } from '../../../../protocol/checks/mdm-enrollment.js';
import { evaluateResult } from '../../../../protocol/checks/index.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, notFound, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';
import { assertNeverPassesOnRandom, assertParserTotal, assertSchemaValidOnLines, key, linesOf, macFixture } from '../fakes-darwin.js';

const JAMF_XML = macFixture('profiles-computer-xml/constructed-jamf-mdm-payload.txt');

describe('parseEnrollmentStatus', () => {
  it.each([
    ['profiles-status-enrollment/dep-yes-user-approved-with-server.txt', { enrolled: true, dep: true, userApproved: true, server: 'https://MDMSERVER:8443/mdm/ServerURL', legacy: false }],
    ['profiles-status-enrollment/fragment-user-approved-server-truncated.txt', { enrolled: true, dep: null, userApproved: true, server: 'https://emm.service.deutschebahn.com/…', legacy: false }],
    ['profiles-status-enrollment/not-enrolled-macos26-ci-runner.txt', { enrolled: false, dep: false, userApproved: false, server: null, legacy: false }],
    ['profiles-status-enrollment/legacy-10.13.0-10.13.3-not-installed.txt', { enrolled: false, dep: null, userApproved: null, server: null, legacy: true }],
  ])('%s', (f, expected) => {
    expect(parseEnrollmentStatus(macFixture(f))).toEqual(expected);
  });
  it('reads enrolled without user approval, the legacy "installed" sentence, CRLF', () => {
    expect(parseEnrollmentStatus('Enrolled via DEP: No\r\nMDM enrollment: Yes\r\n')).toMatchObject({ enrolled: true, userApproved: false });
    expect(parseEnrollmentStatus('An enrollment profile is currently installed on this system\n')).toMatchObject({ enrolled: true, legacy: true });
  });
  it('returns null for blank, localized and error output', () => {
    expect(parseEnrollmentStatus('')).toBeNull();
    expect(parseEnrollmentStatus('MDM-Registrierung: Ja')).toBeNull();
    expect(parseEnrollmentStatus('Enrolled via DEP: Yes\n')).toBeNull();
  });
  it('never throws', () => assertParserTotal(parseEnrollmentStatus));
});

describe('profiles list, MDM payload and vendor', () => {
  it('reads "no profiles" for the user and for the system, and counts listed profiles', () => {
    expect(parseProfilesList(macFixture('profiles-list/no-profiles-for-user.txt'))).toEqual({ count: 0, user: 'mingrath' });
    expect(parseProfilesList(macFixture('profiles-list/no-profiles-system-all.txt'))).toEqual({ count: 0, user: null });
    expect(parseProfilesList('_computerlevel[1] attribute: profileIdentifier: com.example.wifi\n_computerlevel[1] attribute: name: Wi-Fi\n_computerlevel[2] attribute: profileIdentifier: com.example.mdm\n')).toEqual({ count: 2, user: null });
    expect(parseProfilesList('garbage')).toBeNull();
  });
  it('finds the com.apple.mdm ServerURL and names the vendor', () => {
    expect(mdmServerFromProfiles(parsePlist(JAMF_XML))).toBe('https://hospital.jamfcloud.com/mdm/ServerURL');
    expect(mdmServerFromProfiles(parsePlist('<plist><dict><key>_computerlevel</key><array/></dict></plist>'))).toBeNull();
    expect(mdmVendor('https://hospital.jamfcloud.com/mdm/ServerURL')).toEqual({ id: 'jamf', name: 'Jamf Pro' });
    expect(mdmVendor('https://mdm.manage.microsoft.com/MDMServiceConfig')?.id).toBe('intune');
    expect(mdmVendor('https://acme.kandji.io/mdm')?.id).toBe('kandji');
    expect(mdmVendor('https://MDMSERVER:8443/mdm/ServerURL')).toBeNull();
  });
  it('never throw', () => {
    assertParserTotal(parseProfilesList);
    assertParserTotal((t) => mdmServerFromProfiles(parsePlist(t)));
  });
});

const STATUS = key(PROFILES_STATUS_ARGV);
const XML = key(PROFILES_COMPUTER_XML_ARGV);
const LIST = key(PROFILES_LIST_ARGV);

async function collect(replies: Record<string, Reply>) {
  const c = await check.collect(fakeDeps(fakeRunner(replies), fakeFiles({})));
  return { c, a: (c.facts as MdmEnrollmentFacts).agents[0]! };
}

describe('mdm_enrollment collect (darwin, replayed)', () => {
  it('DEP, user approved, server in the status: passes, even when approval is required', async () => {
    const { c, a } = await collect({ [STATUS]: ok(macFixture('profiles-status-enrollment/dep-yes-user-approved-with-server.txt')) });
    expect(a).toEqual({ provider: 'apple-mdm', name: 'Apple MDM', installed: true, enrolled: true, dep: true, userApproved: true, server: 'https://MDMSERVER:8443/mdm/ServerURL' });
    expect(c.evidence.map((e) => e.source)).toEqual([STATUS]);
    expect(schemaErrors('mdm_enrollment', c.facts)).toEqual([]);
    expect(verdictOf('mdm_enrollment', c)).toEqual({ status: 'pass' });
  });

  it('truncated server URL: the MDM payload gives the real one and the vendor', async () => {
    const { c, a } = await collect({ [STATUS]: ok(macFixture('profiles-status-enrollment/fragment-user-approved-server-truncated.txt')), [XML]: ok(JAMF_XML) });
    expect(a).toMatchObject({ name: 'Apple MDM (Jamf Pro)', enrolled: true, server: 'https://hospital.jamfcloud.com/mdm/ServerURL', detail: 'vendor jamf' });
    expect(verdictOf('mdm_enrollment', c).status).toBe('pass');
  });

  it('not enrolled (macOS 26 runner, no profiles): fails', async () => {
    const { c, a } = await collect({ [STATUS]: ok(macFixture('profiles-status-enrollment/not-enrolled-macos26-ci-runner.txt')), [LIST]: ok(macFixture('profiles-list/no-profiles-system-all.txt')) });
    expect(a).toMatchObject({ enrolled: false, dep: false, userApproved: false, detail: 'no configuration profiles installed' });
    expect(verdictOf('mdm_enrollment', c)).toEqual({ status: 'fail', reason: 'Apple MDM is installed but not enrolled' });
  });

  it('legacy 10.13 wording: not enrolled, approval unknown', async () => {
    const { c, a } = await collect({ [STATUS]: ok(macFixture('profiles-status-enrollment/legacy-10.13.0-10.13.3-not-installed.txt')), [LIST]: ok(macFixture('profiles-list/no-profiles-for-user.txt')) });
    expect(a.userApproved).toBeNull();
    expect(a.detail).toContain('10.13.0');
    expect(verdictOf('mdm_enrollment', c).status).toBe('fail');
  });

  it('enrolled but not user approved fails when the policy requires approval', async () => {
    const { c } = await collect({ [STATUS]: ok('Enrolled via DEP: No\nMDM enrollment: Yes\n'), [XML]: exit(1, '', 'profiles: this command requires root') });
    const v = evaluateResult({ id: 'mdm_enrollment', status: 'unknown', facts: c.facts }, { allowedProviders: [], requireUserApproved: true }, { collectedAt: new Date().toISOString(), role: 'workstation' });
    expect(v.status).toBe('fail');
  });

  it('profiles missing, timed out or denied: enrolment unknown, never pass', async () => {
    for (const r of [notFound, timedOut, { exitCode: null, failure: 'permission' } as Reply]) {
      const { c, a } = await collect({ [STATUS]: r });
      expect(a.enrolled).toBeNull();
      expect(verdictOf('mdm_enrollment', c).status).toBe('unknown');
    }
  });

  it('random output never passes; plausible lines keep facts schema-valid', async () => {
    await assertNeverPassesOnRandom(check);
    await assertSchemaValidOnLines(check, linesOf('profiles-status-enrollment/dep-yes-user-approved-with-server.txt', 'profiles-status-enrollment/not-enrolled-macos26-ci-runner.txt', 'profiles-list/no-profiles-for-user.txt'));
  });
});
