import { describe, expect, it } from 'vitest';
import { combine, deviceControls, fleetControls, type LatestResult } from '../../collector/controls/service.js';

const r = (device: string, check: string, status: LatestResult['status']): LatestResult => ({ device_id: device, check_id: check, status, reason: null, facts_json: null, collected_at: '2026-11-23T00:00:00Z' });

describe('control status', () => {
  it('is the worst of the evidencing checks; a missing result is unknown', () => {
    expect(combine(['pass', 'pass'])).toBe('pass');
    expect(combine(['pass', 'unknown'])).toBe('unknown');
    expect(combine(['pass', 'error'])).toBe('unknown');
    expect(combine(['unknown', 'fail'])).toBe('fail');
    expect(combine(['pass', 'missing'])).toBe('unknown');
    expect(combine(['not_applicable'])).toBe('not_applicable');
  });

  it('maps the four checks to their Annex A controls per device', () => {
    const four = ['disk_encryption', 'patch_level', 'firewall', 'mdm_enrollment'];
    const controls = deviceControls([r('d1', 'disk_encryption', 'fail'), r('d1', 'patch_level', 'pass'), r('d1', 'firewall', 'pass'), r('d1', 'mdm_enrollment', 'pass')], four);
    const byId = Object.fromEntries(controls.map((c) => [c.id, c]));
    expect(byId['8.24']!.status).toBe('fail');
    expect(byId['8.1']!.status).toBe('fail');
    expect(byId['8.8']!.status).toBe('pass');
    expect(byId['8.20']!.status).toBe('pass');
    expect(byId['8.24']!.checks).toEqual([{ checkId: 'disk_encryption', strength: 'primary', status: 'fail' }]);
    expect(controls.map((c) => c.id).slice(0, 3)).toEqual(['5.9', '5.33', '6.7']);
  });

  it('counts devices per control across the fleet', () => {
    const fleet = fleetControls([r('a', 'patch_level', 'pass'), r('b', 'patch_level', 'fail'), r('c', 'patch_level', 'unknown')], ['patch_level']);
    expect(fleet.find((f) => f.id === '8.8')!.counts).toEqual({ pass: 1, fail: 1, unknown: 1, not_applicable: 0 });
  });
});
