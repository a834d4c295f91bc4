// `profiles status -type enrollment` (macOS 10.13.4 and later):
//   Enrolled via DEP: Yes
//   MDM enrollment: Yes (User Approved)
//   MDM server: https://mdm.example.com/mdm/ServerURL      (newer releases)
// macOS 10.13.0–10.13.3 printed one sentence instead: "An enrollment profile is currently installed on
// this system" / "There is no enrollment profile installed on this system".
// `profiles list` prints "There are no configuration profiles installed[ for user 'x']" or one
// "_computerlevel[1] attribute: profileIdentifier: ..." line per profile.
// `profiles -C -o stdout-xml` (root) prints the installed computer profiles as a plist, from which the
// MDM payload's ServerURL identifies the vendor when the status output has no server line.
import { isDict, textLines, type PlistValue } from '../darwin-common.js';

export interface EnrollmentStatus {
  enrolled: boolean;
  dep: boolean | null;
  userApproved: boolean | null;
  server: string | null;
  legacy: boolean;
}

const yes = (s: string): boolean | null => (/^yes\b/i.test(s) ? true : /^no\b/i.test(s) ? false : null);

/** null when neither the MDM enrollment line nor the legacy sentence is present. */
export function parseEnrollmentStatus(text: string): EnrollmentStatus | null {
  let enrolled: boolean | null = null;
  let dep: boolean | null = null;
  let userApproved: boolean | null = null;
  let server: string | null = null;
  let legacy = false;
  for (const raw of textLines(text)) {
    const l = raw.trim();
    let m: RegExpExecArray | null;
    if ((m = /^Enrolled via DEP:\s*(.*)$/i.exec(l))) dep = yes(m[1]!);
    else if ((m = /^MDM enrollment:\s*(.*)$/i.exec(l))) {
      enrolled = yes(m[1]!);
      if (enrolled) userApproved = /user approved/i.test(m[1]!);
      else if (enrolled === false) userApproved = false;
    } else if ((m = /^MDM server:\s*(\S+)/i.exec(l))) server = m[1]!;
    else if (/^An enrollment profile is currently installed on this system/i.test(l)) {
      enrolled = true;
      legacy = true;
    } else if (/^There is no enrollment profile installed on this system/i.test(l)) {
      enrolled = false;
      legacy = true;
    }
  }
  if (enrolled === null) return null;
  return { enrolled, dep, userApproved: legacy ? null : userApproved, server, legacy };
}

/** Installed profiles counted from `profiles list`; null when the output is neither form. */
export function parseProfilesList(text: string): { count: number; user: string | null } | null {
  const lines = textLines(text);
  const none = lines.map((l) => /^\s*There are no configuration profiles installed(?: for user '([^']*)')?/i.exec(l)).find(Boolean);
  if (none) return { count: 0, user: none[1] ?? null };
  const ids = new Set(lines.map((l) => /^\s*(\S+)\[\d+\]\s+attribute:\s*profileIdentifier:\s*(\S+)/i.exec(l)).filter(Boolean).map((m) => `${m![1]}/${m![2]}`));
  return ids.size ? { count: ids.size, user: null } : null;
}

/** ServerURL of the com.apple.mdm payload in `profiles -C -o stdout-xml` output, or null. */
export function mdmServerFromProfiles(plist: PlistValue | null): string | null {
  if (!isDict(plist)) return null;
  for (const list of Object.values(plist)) {
    if (!Array.isArray(list)) continue;
    for (const profile of list) {
      if (!isDict(profile) || !Array.isArray(profile.ProfileItems)) continue;
      for (const item of profile.ProfileItems) {
        if (!isDict(item) || item.PayloadType !== 'com.apple.mdm') continue;
        const content = item.PayloadContent;
        if (isDict(content) && typeof content.ServerURL === 'string') return content.ServerURL;
      }
    }
  }
  return null;
}

const VENDORS: [RegExp, string, string][] = [
  [/jamfcloud\.com|\/JSS\/|jamf/i, 'jamf', 'Jamf Pro'],
  [/kandji\.io/i, 'kandji', 'Kandji'],
  [/manage\.microsoft\.com|microsoft/i, 'intune', 'Microsoft Intune'],
  [/mosyle\.com/i, 'mosyle', 'Mosyle'],
  [/awmdm\.com|airwatch|workspaceone/i, 'workspace_one', 'Workspace ONE'],
  [/addigy\.com/i, 'addigy', 'Addigy'],
  [/simplemdm\.com/i, 'simplemdm', 'SimpleMDM'],
  [/fleetdm\.com/i, 'fleet', 'Fleet'],
];

/** The MDM vendor behind a server URL, when its host or path gives it away. */
export function mdmVendor(serverUrl: string | null): { id: string; name: string } | null {
  if (!serverUrl) return null;
  const hit = VENDORS.find(([re]) => re.test(serverUrl));
  return hit ? { id: hit[1], name: hit[2] } : null;
}
