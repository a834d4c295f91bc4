import { describe, expect, it } from 'vitest';
import check from '../../../../agent/checks/antivirus_edr/linux.js';
import { parseClamVersion, parseFalconctl, parseMdatpHealthJson, parseMdatpHealthText, parseSentinelStatus } from '../../../../agent/checks/antivirus_edr/parse-av.js';
import type { AntivirusEdrFacts } from '../../../../protocol/checks/antivirus-edr.js';
import { exit, fakeDeps, fakeFiles, fakeRunner, fixture, NOW, ok, schemaErrors, timedOut, verdictOf, type Reply } from '../fakes.js';

describe('antivirus parsers', () => {
  it('clamscan --version: recorded here without a database; with one, the database build time', () => {
    expect(parseClamVersion(fixture('clamscan-version/debian12-clamav-1.4.6-no-database.txt'))).toEqual({ engine: '1.4.6', dbVersion: null, dbBuilt: null });
    expect(parseClamVersion('ClamAV 0.103.8/26915/Mon Jun 12 07:23:02 2023\n')).toEqual({ engine: '0.103.8', dbVersion: '26915', dbBuilt: '2023-06-12T07:23:02' });
    expect(parseClamVersion('ClamAV 1.0.7/27435/Sun Oct  6 08:35:29 2024')?.dbBuilt).toBe('2024-10-06T08:35:29');
    expect(parseClamVersion('')).toBeNull();
    expect(parseClamVersion('bash: clamscan: command not found')).toBeNull();
  });

  // mdatp, falconctl and sentinelctl cannot be installed here; inputs follow the vendors' documented fields.
  it('mdatp health, JSON (plain or {value} fields) and text', () => {
    expect(parseMdatpHealthJson('{"healthy":true,"licensed":true,"real_time_protection_enabled":{"value":true,"scope":"local"},"definitions_updated_minutes_ago":120,"definitions_status":"up_to_date","app_version":"101.24042.0002","passive_mode_enabled":false}')).toEqual({
      healthy: true, realtime: true, definitionsAgeMinutes: 120, definitionsStatus: 'up_to_date', appVersion: '101.24042.0002', licensed: true, passive: false,
    });
    expect(parseMdatpHealthText('healthy                                     : false\nhealth_issues                               : ["no active event provider"]\nreal_time_protection_enabled                : true [managed]\ndefinitions_status                          : "up_to_date"\ndefinitions_updated_minutes_ago             : 12000\n')).toMatchObject({
      healthy: false, realtime: true, definitionsAgeMinutes: 12000, definitionsStatus: 'up_to_date',
    });
    expect(parseMdatpHealthJson('[1,2]')).toBeNull();
    expect(parseMdatpHealthJson('not json')).toBeNull();
    expect(parseMdatpHealthText('ERROR: Could not connect to daemon')).toBeNull();
  });

  it('falconctl and sentinelctl', () => {
    expect(parseFalconctl('rfm-state=false, aid="0123456789abcdef0123456789abcdef".\n')).toEqual({ rfm: false, aid: '0123456789abcdef0123456789abcdef' });
    expect(parseFalconctl('aid is not set, rfm-state=true.\n')).toEqual({ rfm: true, aid: null });
    expect(parseFalconctl('Error: falconctl must be run as root')).toBeNull();
    expect(parseSentinelStatus('Agent state: Enabled\n')).toBe(true);
    expect(parseSentinelStatus('Agent is not running\n')).toBe(false);
    expect(parseSentinelStatus('garbage')).toBeNull();
  });
});

const CLAM = { '/usr/bin/clamscan': '' };
const PGREP_CLAM = 'pgrep -l -x clamd|clamonacc';

async function collect(replies: Record<string, Reply>, files: Record<string, string>, mtimes: Record<string, number> = {}) {
  const calls: string[] = [];
  const c = await check.collect(fakeDeps(fakeRunner(replies, calls), fakeFiles(files, mtimes)));
  const facts = c.facts as AntivirusEdrFacts;
  return { c, calls, facts, p: (n: string) => facts.products.find((x) => x.name === n), verdict: verdictOf('antivirus_edr', c) };
}

describe('antivirus_edr collect (replayed)', () => {
  it('this build machine: nothing installed, no process started, products [] and fail', async () => {
    const { facts, calls, verdict } = await collect({}, {});
    expect(facts).toEqual({ products: [] });
    expect(calls).toEqual([]);
    expect(verdict).toEqual({ status: 'fail', reason: 'no antivirus or EDR product found' });
  });

  it('ClamAV installed as recorded here (no database, no clamd): on-demand scanner only, fail', async () => {
    const { p, verdict } = await collect({ [PGREP_CLAM]: exit(1, ''), '/usr/bin/clamscan --version': ok(fixture('clamscan-version/debian12-clamav-1.4.6-no-database.txt')) }, CLAM);
    expect(p('ClamAV')).toEqual({ name: 'ClamAV', kind: 'antivirus', active: false, realtime: false, signatureAgeDays: null, version: '1.4.6', detail: 'clamd not running (on-demand scanner only); no signature database found in /var/lib/clamav' });
    expect(verdict).toEqual({ status: 'fail', reason: 'ClamAV is not running; ClamAV real-time protection is off' });
  });

  it('clamd and clamonacc running with fresh signatures: pass; signatures 30 days old: fail', async () => {
    const fresh = new Date(NOW - 86_400_000);
    const stamp = `${fresh.toDateString().slice(0, 10)} ${fresh.toTimeString().slice(0, 8)} ${fresh.getFullYear()}`;
    const running = { [PGREP_CLAM]: ok('100 clamd\n101 clamonacc\n') };
    const ok1 = await collect({ ...running, '/usr/bin/clamscan --version': ok(`ClamAV 1.0.7/27000/${stamp}\n`) }, CLAM);
    expect(ok1.p('ClamAV')).toMatchObject({ active: true, realtime: true, signatureAgeDays: 1 });
    expect(ok1.verdict).toEqual({ status: 'pass' });
    const old = await collect({ ...running, '/usr/bin/clamscan --version': ok('ClamAV 1.0.7\n') }, CLAM, { '/var/lib/clamav/daily.cld': NOW - 30 * 86_400_000 });
    expect(old.p('ClamAV')?.signatureAgeDays).toBe(30);
    expect(old.verdict.status).toBe('fail');
  });

  it('Defender for Endpoint healthy with real-time protection: pass; its health unreadable: unknown', async () => {
    const files = { '/usr/bin/mdatp': '' };
    const pg = { 'pgrep -l -x wdavdaemon': ok('42 wdavdaemon\n') };
    const good = await collect({ ...pg, 'mdatp health --output json': ok('{"healthy":true,"licensed":true,"real_time_protection_enabled":true,"definitions_updated_minutes_ago":60}') }, files);
    expect(good.p('Microsoft Defender for Endpoint')).toMatchObject({ active: true, realtime: true, signatureAgeDays: 0.04 });
    expect(good.verdict.status).toBe('pass');
    const bad = await collect({ ...pg, mdatp: timedOut }, files);
    expect(bad.p('Microsoft Defender for Endpoint')?.active).toBeNull();
    expect(bad.verdict.status).toBe('unknown');
  });

  it('CrowdStrike: running and registered passes; reduced functionality mode fails', async () => {
    const files = { '/opt/CrowdStrike/falconctl': '' };
    const pg = { 'pgrep -l -x falcon-sensor': ok('9 falcon-sensor\n') };
    const good = await collect({ ...pg, '/opt/CrowdStrike/falconctl -g --rfm-state --aid': ok('rfm-state=false, aid="0123456789abcdef0123456789abcdef".\n') }, files);
    expect(good.verdict.status).toBe('pass');
    const rfm = await collect({ ...pg, '/opt/CrowdStrike/falconctl -g --rfm-state --aid': ok('rfm-state=true, aid="0123456789abcdef0123456789abcdef".\n') }, files);
    expect(rfm.p('CrowdStrike Falcon')?.active).toBe(false);
    expect(rfm.verdict.status).toBe('fail');
  });

  it('an EDR known only by its service: running passes, the process list failing is unknown', async () => {
    const files = { '/opt/sophos-spl': '' };
    const up = await collect({ 'pgrep -l -x sophos_watchdog': ok('5 sophos_watchdog\n') }, files);
    expect(up.p('Sophos Protection for Linux')).toMatchObject({ kind: 'edr', active: true });
    expect(up.verdict.status).toBe('pass');
    const unknown = await collect({ pgrep: timedOut }, files);
    expect(unknown.p('Sophos Protection for Linux')?.active).toBeNull();
    expect(unknown.verdict.status).toBe('unknown');
    expect(schemaErrors('antivirus_edr', unknown.facts)).toEqual([]);
  });
});
