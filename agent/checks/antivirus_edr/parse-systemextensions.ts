// `systemextensionsctl list` (macOS 10.15+, no root needed):
//   2 extension(s)
//   --- com.apple.system_extension.endpoint_security (Go to 'System Settings > ...' to modify ...)
//   enabled	active	teamID	bundleID (version)	name	[state]
//   *	*	X9E956P446	com.crowdstrike.falcon.Agent (7.17/...)	Falcon Sensor	[activated enabled]
// Columns are tab-separated; "*" marks enabled / active. Older releases omit the [state] column.
import { textLines } from '../darwin-common.js';

export interface SystemExtension {
  category: string | null;
  enabled: boolean;
  active: boolean;
  teamId: string;
  bundleId: string;
  version: string | null;
  name: string;
  /** "activated enabled", "activated waiting for user", "terminated waiting to uninstall on reboot"… */
  state: string | null;
}

/** null when the output has neither the "N extension(s)" line nor any extension row. */
export function parseSystemExtensions(text: string): SystemExtension[] | null {
  const out: SystemExtension[] = [];
  let category: string | null = null;
  let header = false;
  for (const line of textLines(text)) {
    if (/^\s*\d+ extension\(s\)\s*$/.test(line)) header = true;
    const cat = /^---\s*(\S+)/.exec(line);
    if (cat) {
      category = cat[1]!;
      continue;
    }
    const cols = line.split('\t');
    if (cols.length < 5 || cols[0]!.trim() === 'enabled') continue;
    const m = /^(\S+)\s*(?:\(([^)]*)\))?\s*$/.exec(cols[3]!.trim());
    if (!m || !/^[A-Za-z0-9-]+(\.[A-Za-z0-9_-]+)+$/.test(m[1]!)) continue;
    const state = cols.slice(5).join('\t').trim();
    out.push({
      category,
      enabled: cols[0]!.trim() === '*',
      active: cols[1]!.trim() === '*',
      teamId: cols[2]!.trim(),
      bundleId: m[1]!,
      version: m[2]?.split('/')[0]?.trim() || null,
      name: cols[4]!.trim(),
      state: /^\[.*\]$/.test(state) ? state.slice(1, -1) : null,
    });
  }
  return out.length || header ? out : null;
}

/** Endpoint-protection products recognised by their system extensions' bundle ids. */
export const EDR_EXTENSIONS: { product: string; match: RegExp }[] = [
  { product: 'CrowdStrike Falcon', match: /^com\.crowdstrike\.falcon\./ },
  { product: 'Microsoft Defender for Endpoint', match: /^com\.microsoft\.wdav\.(epsext|netext)$/ },
  { product: 'SentinelOne', match: /^com\.sentinelone\./ },
  { product: 'Sophos', match: /^com\.sophos\./ },
  { product: 'Jamf Protect', match: /^com\.jamf\.protect\./ },
];

export interface EdrProduct {
  product: string;
  /** Every extension of the product is enabled and active ("[activated enabled]"). */
  active: boolean;
  version: string | null;
  states: string[];
}

/** Known products present among the extensions, one entry each, newest extension version first. */
export function edrProducts(exts: SystemExtension[]): EdrProduct[] {
  const out: EdrProduct[] = [];
  for (const { product, match } of EDR_EXTENSIONS) {
    // A replaced version stays listed as "terminated waiting to uninstall on reboot" until the reboot.
    const mine = exts.filter((e) => match.test(e.bundleId) && !/^terminated/i.test(e.state ?? ''));
    if (!mine.length) continue;
    const running = (e: SystemExtension) => e.enabled && e.active && (e.state === null || /^activated enabled$/i.test(e.state));
    out.push({
      product,
      active: mine.every(running),
      version: mine.map((e) => e.version).find(Boolean) ?? null,
      states: [...new Set(mine.map((e) => `${e.bundleId}: ${e.state ?? (running(e) ? 'enabled, active' : 'not active')}`))],
    });
  }
  return out;
}
