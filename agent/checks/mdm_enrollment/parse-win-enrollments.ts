// MDM enrolments from HKLM\SOFTWARE\Microsoft\Enrollments\<GUID> as our script prints them (only subkeys
// with a ProviderID). EnrollmentState 1 means enrolled; other states are leftovers of failed or removed
// enrolments. ProviderID names the MDM: "MS DM Server" is Microsoft Intune. Pure; never throws.
import { asArray, num, rec, str } from '../windows-common.js';

export interface Enrollment {
  id: string;
  providerId: string;
  state: number | null;
  type: number | null;
  upn: string | null;
  discoveryUrl: string | null;
}

export function parseEnrollments(input: unknown): Enrollment[] | null {
  if (input === null || input === undefined) return [];
  if (typeof input !== 'object') return null;
  const out: Enrollment[] = [];
  for (const item of asArray(input)) {
    const r = rec(item);
    const providerId = str(r?.ProviderID)?.trim();
    if (!r || !providerId) continue;
    out.push({
      id: str(r.id) ?? '',
      providerId,
      state: num(r.EnrollmentState),
      type: num(r.EnrollmentType),
      upn: str(r.UPN)?.trim() || null,
      discoveryUrl: str(r.DiscoveryServiceFullURL)?.trim() || null,
    });
  }
  return out;
}

/** Stable vendor id and display name for a ProviderID. */
export function providerOf(providerId: string): { provider: string; name: string } {
  if (/^ms dm server$/i.test(providerId)) return { provider: 'intune', name: 'Microsoft Intune' };
  if (/airwatch|workspace ?one/i.test(providerId)) return { provider: 'workspace_one', name: 'VMware Workspace ONE' };
  if (/mobileiron|ivanti/i.test(providerId)) return { provider: 'ivanti', name: 'Ivanti (MobileIron)' };
  if (/citrix/i.test(providerId)) return { provider: 'citrix', name: 'Citrix Endpoint Management' };
  const slug = providerId.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '').slice(0, 64) || 'unknown';
  return { provider: slug, name: providerId.slice(0, 128) };
}

/** Host of the discovery URL: where the device enrolled. */
export function serverOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host || null;
  } catch {
    return null;
  }
}
