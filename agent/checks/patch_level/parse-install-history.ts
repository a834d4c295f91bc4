// /Library/Receipts/InstallHistory.plist (as XML through plutil): an array of
// { date, displayName, displayVersion, packageIdentifiers, processName } for every installation, Apple's
// and third parties'. Dates are absolute (plist <date>, UTC), unlike `softwareupdate --history`.
import { isDict, type PlistValue } from '../darwin-common.js';

export interface InstallRecord {
  date: string;
  name: string;
  version: string | null;
  process: string | null;
}

/** null when the plist is not an array of install records. Records without a readable date are skipped. */
export function parseInstallHistory(plist: PlistValue | null): InstallRecord[] | null {
  if (!Array.isArray(plist)) return null;
  const out: InstallRecord[] = [];
  for (const e of plist) {
    if (!isDict(e)) continue;
    const date = typeof e.date === 'string' && Number.isFinite(Date.parse(e.date)) ? new Date(Date.parse(e.date)).toISOString() : null;
    if (!date) continue;
    out.push({
      date,
      name: typeof e.displayName === 'string' ? e.displayName : '',
      version: typeof e.displayVersion === 'string' ? e.displayVersion : null,
      process: typeof e.processName === 'string' ? e.processName : null,
    });
  }
  return out;
}

// Background data updates (XProtect, MRT, Gatekeeper and other *ConfigData) install themselves every few
// days; counting them would make a Mac that never installs an OS update look freshly patched.
const DATA_UPDATE = /ConfigData|XProtect|MRT|Gatekeeper|Compatibility Data|Payloads/i;
const APPLE_UPDATER = /softwareupdate|software update|macos installer|os x installer|system preferences|system settings|installassistant/i;

/** The newest Apple software update (not a background data update) in the history, or null. */
export function lastSoftwareUpdate(records: InstallRecord[]): InstallRecord | null {
  const updates = records.filter((r) => r.process !== null && APPLE_UPDATER.test(r.process) && !DATA_UPDATE.test(r.name));
  return updates.sort((a, b) => b.date.localeCompare(a.date))[0] ?? null;
}

/** The newest install of XProtect data (XProtectPlistConfigData, XProtectPayloads), or null. */
export function lastXProtectUpdate(records: InstallRecord[]): InstallRecord | null {
  return records.filter((r) => /^XProtect/i.test(r.name)).sort((a, b) => b.date.localeCompare(a.date))[0] ?? null;
}
