import { describe, expect, it } from 'vitest';
import { combine, countDeviceFast, deviceControls, emptyFleet, fleetControls, type ResultLike } from '../../collector/controls/service.js';
import type { WaiverRow } from '../../collector/waivers/apply.js';
import { CHECK_IDS } from '../../protocol/checks/index.js';

const r = (check: string, status: ResultLike['status']): ResultLike => ({ check_id: check, status });
const waiver = (w: Partial<WaiverRow>): WaiverRow => ({
  id: 'wvr_0000000000000001', device_id: null, check_id: null, control_id: null, reason: 'r', approver: 'a', created_by: 'test',
  created_at: '2026-01-01T00:00:00.000Z', expires_at: '2027-01-01T00:00:00.000Z', revoked_at: null, revoked_by: null, revoke_reason: null, ...w,
});

describe('control status', () => {
  it('is the worst of the evidencing checks; a missing result is unknown; waived sits between unknown and pass', () => {
    expect(combine(['pass', 'pass'])).toBe('pass');
    expect(combine(['pass', 'unknown'])).toBe('unknown');
    expect(combine(['pass', 'error'])).toBe('unknown');
    expect(combine(['unknown', 'fail'])).toBe('fail');
    expect(combine(['pass', 'missing'])).toBe('unknown');
    expect(combine(['not_applicable'])).toBe('not_applicable');
    expect(combine(['pass', 'waived'])).toBe('waived');
    expect(combine(['waived', 'unknown'])).toBe('unknown');
    expect(combine(['waived', 'fail'])).toBe('fail');
  });

  it('maps the four checks to their Annex A controls per device', () => {
    const four = ['disk_encryption', 'patch_level', 'firewall', 'mdm_enrollment'];
    const controls = deviceControls('d1', [r('disk_encryption', 'fail'), r('patch_level', 'pass'), r('firewall', 'pass'), r('mdm_enrollment', 'pass')], [], four);
    const byId = Object.fromEntries(controls.map((c) => [c.id, c]));
    expect(byId['8.24']!.status).toBe('fail');
    expect(byId['8.1']!.status).toBe('fail');
    expect(byId['8.8']!.status).toBe('pass');
    expect(byId['8.20']!.status).toBe('pass');
    expect(byId['8.24']!.checks).toEqual([{ checkId: 'disk_encryption', strength: 'primary', status: 'fail', effective: 'fail', waiverId: null }]);
    expect(controls.map((c) => c.id).slice(0, 3)).toEqual(['5.9', '5.33', '6.7']);
  });

  it('a waived failure makes the control waived, never pass; a control waiver covers only that control', () => {
    const results = [r('disk_encryption', 'fail')];
    const byCheck = Object.fromEntries(deviceControls('d1', results, [waiver({ check_id: 'disk_encryption' })], ['disk_encryption']).map((c) => [c.id, c.status]));
    expect(byCheck['8.24']).toBe('waived');
    expect(byCheck['8.1']).toBe('waived');
    const byControl = Object.fromEntries(deviceControls('d1', results, [waiver({ control_id: '8.24' })], ['disk_encryption']).map((c) => [c.id, c.status]));
    expect(byControl['8.24']).toBe('waived');
    expect(byControl['8.1']).toBe('fail');
    const otherDevice = Object.fromEntries(deviceControls('d1', results, [waiver({ device_id: 'd2' })], ['disk_encryption']).map((c) => [c.id, c.status]));
    expect(otherDevice['8.24']).toBe('fail');
    const passing = Object.fromEntries(deviceControls('d1', [r('disk_encryption', 'pass')], [waiver({ check_id: 'disk_encryption' })], ['disk_encryption']).map((c) => [c.id, c.status]));
    expect(passing['8.24']).toBe('pass');
  });

  it('counts devices per control across the fleet', () => {
    const fleet = fleetControls(
      [
        { deviceId: 'a', results: [r('patch_level', 'pass')] },
        { deviceId: 'b', results: [r('patch_level', 'fail')] },
        { deviceId: 'c', results: [r('patch_level', 'unknown')] },
        { deviceId: 'd', results: [r('patch_level', 'fail')] },
      ],
      [waiver({ device_id: 'd', check_id: 'patch_level' })],
      ['patch_level'],
    );
    expect(fleet.find((f) => f.id === '8.8')!.counts).toEqual({ pass: 1, fail: 1, unknown: 1, waived: 1, not_applicable: 0 });
  });

  it('the fast fleet count agrees with the detailed one', () => {
    const statuses = ['pass', 'fail', 'unknown', 'error', 'not_applicable'] as const;
    const devices = Array.from({ length: 40 }, (_, i) => ({
      deviceId: `dev${i % 7}`,
      results: CHECK_IDS.filter((_, k) => (i + k) % 5 !== 0).map((id, k) => r(id, statuses[(i * 3 + k) % statuses.length]!)),
    }));
    const waivers = [waiver({ device_id: 'dev3' }), waiver({ check_id: 'usb_storage' }), waiver({ control_id: '8.1', device_id: 'dev5' })];
    const fast = emptyFleet();
    for (const d of devices) countDeviceFast(fast, d.deviceId, new Map(d.results.map((x) => [x.check_id, x.status])), waivers);
    expect(fast).toEqual(fleetControls(devices, waivers));
  });
});
