// /Library/Preferences/com.apple.SoftwareUpdate.plist (and the MDM-managed copy under
// /Library/Managed Preferences/): when the background scan last succeeded, what it found
// (RecommendedUpdates, the same list `softwareupdate --list --no-scan` prints), and the automatic-update
// switches of System Settings > General > Software Update.
import { isDict, plistBool, type PlistValue } from '../darwin-common.js';
import { isSecurityUpdate } from './parse-softwareupdate.js';

export const AUTO_UPDATE_KEYS = ['AutomaticCheckEnabled', 'AutomaticDownload', 'CriticalUpdateInstall', 'ConfigDataInstall', 'AutomaticallyInstallMacOSUpdates'] as const;
export type AutoUpdateKey = (typeof AUTO_UPDATE_KEYS)[number];

export interface SoftwareUpdatePrefs {
  /** Last successful full catalog scan (ISO 8601), or null. */
  lastScanAt: string | null;
  /** What that scan found, or null when the key is absent. */
  recommended: { name: string; version: string | null; security: boolean }[] | null;
  auto: Record<AutoUpdateKey, boolean | null>;
}

const isoDate = (v: PlistValue | undefined) => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : null);

/** null when the plist is not a dictionary. */
export function parseSoftwareUpdatePrefs(plist: PlistValue | null): SoftwareUpdatePrefs | null {
  if (!isDict(plist)) return null;
  const rec = plist.RecommendedUpdates;
  const recommended = Array.isArray(rec)
    ? rec.filter(isDict).flatMap((u) => {
        const name = typeof u['Display Name'] === 'string' ? u['Display Name'] : null;
        if (!name) return [];
        const version = typeof u['Display Version'] === 'string' ? u['Display Version'] : null;
        return [{ name, version, security: isSecurityUpdate(name) }];
      })
    : null;
  const auto = Object.fromEntries(AUTO_UPDATE_KEYS.map((k) => [k, plistBool(plist[k])])) as Record<AutoUpdateKey, boolean | null>;
  return { lastScanAt: isoDate(plist.LastFullSuccessfulDate) ?? isoDate(plist.LastSuccessfulDate), recommended, auto };
}

/**
 * Whether updates install without anyone acting: checking, downloading, installing security data and
 * macOS updates must all be on. A managed value wins over the local one. When a key is set nowhere the
 * macOS default applies: on for the first four, while the default for installing macOS updates changed
 * between releases, so an unset AutomaticallyInstallMacOSUpdates leaves the answer unknown.
 */
export function autoUpdateState(local: SoftwareUpdatePrefs | null, managed: SoftwareUpdatePrefs | null): { on: boolean | null; detail: string } {
  const off: string[] = [];
  const unset: string[] = [];
  for (const k of AUTO_UPDATE_KEYS) {
    const v = managed?.auto[k] ?? local?.auto[k] ?? null;
    if (v === false) off.push(k);
    else if (v === null && k === 'AutomaticallyInstallMacOSUpdates') unset.push(k);
  }
  const managedKeys = AUTO_UPDATE_KEYS.filter((k) => managed?.auto[k] != null);
  const by = managedKeys.length ? ` (managed: ${managedKeys.join(', ')})` : '';
  if (off.length) return { on: false, detail: `off: ${off.join(', ')}${by}` };
  if (unset.length) return { on: null, detail: `${unset.join(', ')} is not set; its default differs between macOS releases${by}` };
  return { on: true, detail: `automatic check, download and install are on${by}` };
}
